export * from './port/engine-port';
export { EmbeddedEngine, toUserTaskRecord, type EmbeddedEngineOptions } from './embedded/embedded-engine';
export { compileDefinition } from './embedded/definition-compiler';
export { engineModels, type EngineModels } from './embedded/models';
export * from './workers';
export { evaluateFeel } from './embedded/feel';
export * as testing from './testing/test-db';
export { lintDiagram, assertDeployable, LINT_CONFIG, type LintProblem } from './embedded/compat-lint';
