/** The HTTP API's contract (`@ggzy/shared/api`): schemas, types and the route table. */
export * from './common';
export * from './people';
export * from './inbox';
export * from './instances';
export * from './records';
export * from './projects';
export * from './venues';
export * from './witness';
export * from './area-logs';
export * from './ledgers';
export * from './agents';
export * from './dispatches';
export * from './notifications';
export * from './dashboard';
export * from './routes';
