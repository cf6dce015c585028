// `npm test`: sets up what is missing, starts a throw-away embedded database (unless
// MONGODB_URI points at one), and runs every test suite against it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startFerretdb } from './lib/ferretdb.mjs';
import { ROOT, ensureBuilt, ensureDatabaseBinary, ensureDependencies, log, main } from './lib/setup.mjs';

await main(async () => {
  ensureDependencies();
  ensureBuilt();
  log('[test] type-checking the specs');
  const tc = spawnSync('npx', ['tsc', '-p', 'engine-workers/tsconfig.spec.json'], { cwd: ROOT, stdio: 'inherit' });
  if (tc.status !== 0) process.exit(tc.status ?? 1);
  log('[test] lint (eslint, prettier)');
  const lint = spawnSync('npm', ['run', '--silent', 'lint'], { cwd: ROOT, stdio: 'inherit' });
  if (lint.status !== 0) process.exit(lint.status ?? 1);
  const bin = await ensureDatabaseBinary();
  let db = null;
  let dataDir = null;
  if (bin) {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'ggzy-test-db-'));
    db = await startFerretdb({ bin, dataDir, port: await freePort(), log });
    process.env.MONGODB_URI = db.uri;
  }
  let status = 1;
  try {
    log('[test] running jest (engine-workers, api, scenarios)');
    const extra = process.argv.slice(2);
    const r = spawnSync('npx', ['jest', '--colors', ...extra], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, FERRETDB_BIN: bin ?? '' } });
    status = r.status ?? 1;
  } finally {
    if (db) await db.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(status);
});
