// Shared jest settings: TypeScript through SWC (fast, no type-check; `tsc -b` checks types),
// ESM-only dependencies (feelin and what it imports) transformed to CommonJS, workspace
// packages resolved to their sources.
const path = require('node:path');

const esmOnly = [
  '@bpmn-io/[a-z-]+',
  '@lezer/[a-z-]+',
  '@codemirror/[a-z-]+',
  '@marijn/[a-z-]+',
  'style-mod',
  'w3c-keyname',
  'crelt',
  'feelin',
  'lezer-feel',
  'moddle',
  'min-dash',
  'temporal-polyfill',
  'temporal-spec',
  'temporal-utils',
];

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: [`^(?!.*/node_modules/(${esmOnly.join('|')})/).*/node_modules/`],
  moduleNameMapper: {
    '^@ggzy/(shared|engine-workers|api)$': path.join(__dirname, '$1/src/index.ts'),
    '^@ggzy/shared/api$': path.join(__dirname, 'shared/src/api/index.ts'),
    '^@ggzy/engine-workers/testing$': path.join(__dirname, 'engine-workers/src/testing/index.ts'),
  },
  testTimeout: 30_000,
};
