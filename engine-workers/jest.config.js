module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'engine-workers',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
