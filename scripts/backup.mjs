// `npm run backup [-- --out DIR]` and `npm run restore -- DIR`: the database (attachments in it)
// as a mongodump archive plus the audit checkpoints, and back. On the embedded database, a backup
// reads the running system's database when `npm start` serves DATA_DIR, or starts one for itself;
// a restore goes into an empty DATA_DIR with the system stopped.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { freePort, FriendlyError, runningFerretdb, startFerretdb } from './lib/ferretdb.mjs';
import { ROOT, ensureCompiled, ensureDatabaseBinary, ensureDependencies, log, main } from './lib/setup.mjs';

await main(async () => {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'restore' && !args[0]) throw new FriendlyError('Say which backup to restore: npm run restore -- <backup folder>');
  ensureDependencies();
  ensureCompiled();
  const env = { ...process.env };
  let db = null;
  if (!env.MONGODB_URI) {
    const dataDir = path.resolve(ROOT, env.DATA_DIR ?? 'data');
    env.DATA_DIR = dataDir;
    const running = await runningFerretdb(dataDir);
    if (running && mode === 'restore') throw new FriendlyError(`The system is running on ${dataDir}: stop it (npm start) before restoring into it.`);
    if (running) {
      log(`[db] the running system's database (127.0.0.1:${running.port})`);
      env.MONGODB_URI = `mongodb://127.0.0.1:${running.port}/ggzy`;
    } else {
      const bin = await ensureDatabaseBinary();
      db = await startFerretdb({ bin, dataDir, port: await freePort(), log });
      env.MONGODB_URI = `${db.uri}ggzy`;
    }
  }
  const r = spawnSync(process.execPath, [path.join(ROOT, 'api', 'dist', 'backup', 'backup-cli.js'), mode, ...args], {
    cwd: process.env.INIT_CWD ?? process.cwd(),
    env: { ...env, LOG_LEVEL: env.LOG_LEVEL ?? 'warn' },
    stdio: 'inherit',
  });
  if (db) await db.stop();
  process.exit(r.status ?? 1);
});
