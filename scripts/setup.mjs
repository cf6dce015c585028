#!/usr/bin/env node
/**
 * npm run setup — everything `npm start` and `npm test` would set up first, without starting
 * anything: npm packages, the compiled server, the web app and the embedded database's server.
 */
import { ensureBuilt, ensureDatabaseBinary, ensureDependencies, log, main } from './lib/setup.mjs';

await main(async () => {
  ensureDependencies();
  ensureBuilt();
  const bin = await ensureDatabaseBinary();
  log(bin ? `ready (database server: ${bin})` : 'ready (MONGODB_URI is set: no embedded database needed)');
});
