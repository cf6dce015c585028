module.exports = {
  projects: ['<rootDir>/engine-workers', '<rootDir>/api', '<rootDir>/test/jest.config.js', '<rootDir>/test/jest.browser.config.js'],
  // (a suite may share the machine with another: see scripts/test.mjs)
  testTimeout: 60_000,
};
