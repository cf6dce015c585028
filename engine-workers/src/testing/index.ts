/** Test helpers (`@ggzy/engine-workers/testing`): test databases, a quiet logger, the Zeebe test servers. Not part of the production entry point. */
export * from './test-db';
export * from './free-port';
export * from './zeebe-test-gateway';
