module.exports = {
  projects: ['<rootDir>/engine-workers', '<rootDir>/api', '<rootDir>/test/jest.config.js', '<rootDir>/test/jest.browser.config.js'],
  testTimeout: 30_000,
};
