// `npm start`: sets up whatever is missing (packages, build, database binary), starts the
// embedded database unless MONGODB_URI is set, then the system (engine + API + web) on one port.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startFerretdb } from './lib/ferretdb.mjs';
import { ROOT, ensureBuilt, ensureDatabaseBinary, ensureDependencies, log, main } from './lib/setup.mjs';

await main(async () => {
  ensureDependencies();
  ensureBuilt();
  const bin = await ensureDatabaseBinary();
  let db = null;
  // Everything the system keeps on this machine: the embedded database, the audit checkpoints
  // (and, beside it, the key that signs them).
  const dataDir = path.resolve(ROOT, process.env.DATA_DIR ?? 'data');
  const env = { ...process.env, DATA_DIR: dataDir };
  // A first look on this machine comes with the demo users; a server others reach starts empty
  // (its first admin is created with the one-time code it prints) unless DEMO_DATA says otherwise.
  const host = process.env.HOST ?? '127.0.0.1';
  if (env.DEMO_DATA === undefined && (host === 'localhost' || host === '::1' || host.startsWith('127.'))) env.DEMO_DATA = 'true';
  log(`[demo] ${env.DEMO_DATA === 'true' ? 'demo users loaded (password demo1234)' : 'no demo data'}`);
  log(`[data] ${dataDir}`);
  if (bin) {
    const port = Number(process.env.FERRETDB_PORT ?? 27018);
    db = await startFerretdb({ bin, dataDir, port, log });
    env.MONGODB_URI = `${db.uri}ggzy`;
  }
  // A larger young generation: the inbox keeps every open task in memory, and each young-generation
  // collection walks the references into it, so fewer of them leave more time for requests (README, "Benchmarks").
  const app = spawn(process.execPath, ['--max-semi-space-size=64', path.join(ROOT, 'api', 'dist', 'main.js')], { cwd: ROOT, env, stdio: 'inherit' });
  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    app.kill(signal);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  const code = await new Promise((resolve) => app.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
  if (db) {
    await db.stop();
    log('[db] FerretDB stopped');
  }
  process.exit(code);
});
