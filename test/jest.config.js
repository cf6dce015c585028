module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'scenarios',
  rootDir: __dirname,
  testMatch: ['<rootDir>/**/*.spec.ts'],
  // (the browser tests are a project of their own: jest.browser.config.js)
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/src/browser/'],
};
