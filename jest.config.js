module.exports = {
  projects: ['<rootDir>/engine-workers', '<rootDir>/api', '<rootDir>/test'],
};
