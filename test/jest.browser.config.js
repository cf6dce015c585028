// The browser tests (chromium driving the built web app): a project of their own, so that they run
// after the others and alone (`npm test -- --selectProjects browser`).
module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'browser',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/browser/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
