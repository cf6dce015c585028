module.exports = {
  projects: ['<rootDir>/engine-workers', '<rootDir>/api', '<rootDir>/test'],
  testTimeout: 30_000,
};
