export * from './port/engine-port';
export { modelOn } from './db/model-on';
export { EmbeddedEngine, type EmbeddedEngineOptions } from './embedded/embedded-engine';
export { readDiagram, type DiagramInfo, type ProcessInfo } from './diagram/diagram-reader';
export * from './workers';
export { evaluateFeel } from './diagram/feel';
export { ZeebeEngine, type ZeebeEngineOptions } from './cluster/zeebe-engine';
export { withInboxListeners, INBOX_TASK_LISTENER, INBOX_PROCESS_END_LISTENER } from './cluster/inbox-listeners';
export { lintDiagram, assertDeployable, LINT_CONFIG, type LintProblem } from './diagram/compat-lint';
