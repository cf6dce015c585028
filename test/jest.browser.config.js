// The browser tests (chromium driving the built web app): a project of their own, run one file at a
// time — each drives a browser and a server, which on two cores is all the machine has.
module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'browser',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/browser/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
