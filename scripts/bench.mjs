// `npm run bench`: sets up what is missing, starts a throw-away embedded database (unless
// MONGODB_URI is set), and prints the engine, inbox, login-flood, instance-page, guarded-writes, monitor and web app benchmarks.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT, ensureBuilt, ensureDependencies, main, withThrowawayDatabase } from './lib/setup.mjs';

await main(async () => {
  ensureDependencies();
  ensureBuilt();
  const status = await withThrowawayDatabase('ggzy-bench-db', (db) => {
    // The engine benchmark reads the database process's CPU while the engine idles.
    const env = { ...process.env, ...(db?.pid && { BENCH_DB_PID: String(db.pid) }) };
    for (const script of [
      'engine-workers/dist/bench/engine-bench.js',
      'api/dist/bench/inbox-bench.js',
      'api/dist/bench/login-flood-bench.js',
      'api/dist/bench/instance-page-bench.js',
      'api/dist/bench/guarded-writes-bench.js',
      'api/dist/bench/monitor-bench.js',
      'test/dist/src/bench/web-bench.js',
    ]) {
      const r = spawnSync(process.execPath, ['--expose-gc', path.join(ROOT, script)], { stdio: 'inherit', env });
      if (r.status !== 0) return r.status ?? 1;
    }
    return 0;
  });
  process.exit(status);
});
