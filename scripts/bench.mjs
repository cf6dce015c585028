// `npm run bench`: sets up what is missing, starts a throw-away embedded database (unless
// MONGODB_URI is set), and prints the engine benchmark.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT, ensureBuilt, ensureDependencies, main, withThrowawayDatabase } from './lib/setup.mjs';

await main(async () => {
  ensureDependencies();
  ensureBuilt();
  const status = await withThrowawayDatabase('ggzy-bench-db', () => {
    const r = spawnSync(process.execPath, ['--expose-gc', path.join(ROOT, 'engine-workers/dist/bench/engine-bench.js')], {
      stdio: 'inherit',
      env: process.env,
    });
    return r.status ?? 1;
  });
  process.exit(status);
});
