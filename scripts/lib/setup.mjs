// First-run setup shared by `npm start`, `npm test` and `npm run bench`: dependencies, builds and
// the embedded database binary, each only when missing or stale, with progress shown.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { ensureFerretdb, freePort, FriendlyError, startFerretdb } from './ferretdb.mjs';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const CACHE_DIR = path.join(ROOT, '.cache');

export function log(msg) {
  process.stdout.write(`${msg}\n`);
}

function run(cmd, args, what) {
  log(`[setup] ${what}…`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: process.env });
  if (r.status !== 0) throw new FriendlyError(`${what} failed (exit ${r.status}). See the output above.`);
  log(`[setup] ${what}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function newestMtime(dir, skip = new Set(['node_modules', 'dist', '.angular'])) {
  let newest = 0;
  if (!existsSync(dir)) return 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (skip.has(e.name) || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p, skip) : statSync(p).mtimeMs);
  }
  return newest;
}

export function ensureDependencies() {
  const marker = path.join(ROOT, 'node_modules', '.package-lock.json');
  const lock = path.join(ROOT, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';
  run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], 'installing npm packages (first run only)');
}

export function ensureBuilt() {
  ensureCompiled();
  ensureWebBuilt();
}

/** The server's TypeScript (shared, engine-workers, api). */
export function ensureCompiled() {
  const stamp = path.join(ROOT, 'api', 'dist', 'main.js');
  const srcNewest = Math.max(...['shared', 'engine-workers', 'api'].map((w) => newestMtime(path.join(ROOT, w, 'src'))));
  if (!(existsSync(stamp) && statSync(stamp).mtimeMs >= srcNewest)) run('npx', ['tsc', '-b'], 'compiling TypeScript');
}

/** The Angular app, served by the API on the same port. */
export function ensureWebBuilt() {
  const index = path.join(ROOT, 'web', 'dist', 'browser', 'index.html');
  const srcNewest = Math.max(newestMtime(path.join(ROOT, 'web', 'src')), statSync(path.join(ROOT, 'web', 'angular.json')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= srcNewest) return;
  run('npm', ['run', '--silent', 'build', '-w', 'web', '--', '--progress=false'], 'building the web app (Angular)');
}

let databaseBinary = null;
/** The embedded database's binary, built once when missing (asked for twice, built once: callers may start it early). */
export function ensureDatabaseBinary() {
  if (process.env.MONGODB_URI) return Promise.resolve(null);
  databaseBinary ??= ensureFerretdb({ cacheDir: CACHE_DIR, log });
  return databaseBinary;
}

/** Run `fn`, turning a FriendlyError into one line for the person at the terminal. */
export async function main(fn) {
  try {
    await fn();
  } catch (err) {
    if (err instanceof FriendlyError) {
      process.stderr.write(`\n✖ ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/**
 * Run `fn` with MONGODB_URI pointing at a database: the caller's own when set, otherwise a
 * throw-away embedded one (fresh data folder, free port), stopped and removed afterwards; the tests
 * ask for it `unsynced` (see startFerretdb), the benchmarks measure it as `npm start` runs it.
 */
export async function withThrowawayDatabase(prefix, fn, { unsynced = false } = {}) {
  const bin = await ensureDatabaseBinary();
  if (!bin) return fn();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const db = await startFerretdb({ bin, dataDir, port: await freePort(), log, unsynced });
  process.env.MONGODB_URI = db.uri;
  try {
    return await fn(db);
  } finally {
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
