// `npm run bench`: sets up what is missing, starts a throw-away embedded database (unless
// MONGODB_URI is set), and prints the engine benchmark.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startFerretdb } from './lib/ferretdb.mjs';
import { ROOT, ensureBuilt, ensureDatabaseBinary, ensureDependencies, log, main } from './lib/setup.mjs';

await main(async () => {
  ensureDependencies();
  ensureBuilt();
  const bin = await ensureDatabaseBinary();
  let db = null;
  let dataDir = null;
  if (bin) {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'ggzy-bench-db-'));
    db = await startFerretdb({ bin, dataDir, port: await freePort(), log });
    process.env.MONGODB_URI = db.uri;
  }
  let status = 0;
  try {
    const r = spawnSync(process.execPath, ['--expose-gc', path.join(ROOT, 'engine-workers/dist/bench/engine-bench.js')], {
      stdio: 'inherit',
      env: process.env,
    });
    status = r.status ?? 1;
  } finally {
    if (db) await db.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(status);
});
