// The embedded database: FerretDB 1.x (MongoDB wire protocol, SQLite backend), built once from
// the Go module proxy into a cache folder. Plain Node (no dependencies): it runs before npm install.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB v1.24.2';
const TOOL_DIR = path.resolve(import.meta.dirname, '../../tools/ferretdb');

/** An error whose message is the whole story for the person at the terminal. */
export class FriendlyError extends Error {}

function which(cmd) {
  const dirs = (process.env.PATH ?? '').split(path.delimiter);
  return dirs.map((d) => path.join(d, cmd)).find((p) => existsSync(p));
}

/**
 * Build FerretDB into `<cacheDir>/bin` unless it is there; returns the binary's path. It is
 * built from tools/ferretdb (a small main on FerretDB's embeddable package, version pinned in
 * its go.mod); the binary's name carries a hash of that source so a change rebuilds it.
 */
export async function ensureFerretdb({ cacheDir, log = console.log }) {
  const hash = createHash('sha256');
  const sources = readdirSync(TOOL_DIR)
    .filter((f) => f === 'go.mod' || f === 'go.sum' || f.endsWith('.go'))
    .sort();
  for (const f of sources) hash.update(f).update(readFileSync(path.join(TOOL_DIR, f)));
  const binDir = path.join(cacheDir, 'bin');
  const bin = path.join(binDir, `ferretdb-${hash.digest('hex').slice(0, 12)}`);
  if (existsSync(bin)) return bin;
  const go = which('go') ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) {
    throw new FriendlyError(
      'Go is not installed, and the embedded database (FerretDB) is built with it. Install Go 1.22 or newer ' +
        '(Debian: apt-get install golang), or set MONGODB_URI to a MongoDB server you already run.',
    );
  }
  mkdirSync(binDir, { recursive: true });
  log(`[db] building FerretDB once (${FERRETDB_MODULE}) into ${binDir} — about a minute`);
  const lines = [];
  const code = await new Promise((resolve) => {
    const child = spawn(go, ['install', '.'], {
      cwd: TOOL_DIR,
      env: { ...process.env, GOBIN: binDir, GOFLAGS: process.env.GOFLAGS ?? '-trimpath', GOTOOLCHAIN: 'local' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let downloads = 0;
    const onData = (buf) => {
      for (const line of buf.toString().split('\n').filter(Boolean)) {
        lines.push(line);
        if (line.startsWith('go: downloading')) {
          downloads++;
          if (downloads % 10 === 1) log(`[db]   ${downloads} modules downloaded… (${line.slice(16)})`);
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', () => resolve(-1));
    child.on('close', resolve);
  });
  const built = path.join(binDir, 'ferretdb');
  if (code === 0 && existsSync(built)) renameSync(built, bin);
  if (code !== 0 || !existsSync(bin)) {
    throw new FriendlyError(
      `Building FerretDB failed (go install exited with ${code}). The Go module proxy must be reachable the first time; ` +
        `or set MONGODB_URI to a MongoDB server. Last output:\n  ${lines.slice(-5).join('\n  ')}`,
    );
  }
  log('[db] FerretDB built');
  return bin;
}

export function portIsFree(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** The FerretDB that serves `dataDir` now (started by `npm start`), if any: `{ pid, port }`. */
export async function runningFerretdb(dataDir) {
  const serving = path.join(path.resolve(dataDir), 'ferretdb-serving.json');
  if (!existsSync(serving)) return null;
  try {
    const { pid, port } = JSON.parse(readFileSync(serving, 'utf8'));
    process.kill(pid, 0);
    return (await canConnect(port)) ? { pid, port } : null;
  } catch {
    return null;
  }
}

/**
 * Start FerretDB on 127.0.0.1:<port> with data in `dataDir`; resolves when it accepts
 * connections. Returns `{ uri, stop }`; `stop()` ends it cleanly (SIGTERM, then SIGKILL).
 * `unsynced`: SQLite does not wait for the disk on each write (a database thrown away after the
 * tests; writes still reach the files, and survive the servers the tests kill, not a power cut).
 */
export async function startFerretdb({ bin, dataDir, port, log = console.log, unsynced = false }) {
  if (!(await portIsFree(port))) {
    throw new FriendlyError(
      `Port ${port} on 127.0.0.1 is taken, so the embedded database cannot start there. ` +
        'Pick another with FERRETDB_PORT=<port>, stop what uses it, or set MONGODB_URI to a MongoDB server.',
    );
  }
  const sqliteDir = path.resolve(dataDir, 'ferretdb');
  mkdirSync(sqliteDir, { recursive: true });
  const args = [`-sqlite-url=file:${sqliteDir}/${unsynced ? '?_pragma=synchronous(OFF)' : ''}`, `-listen-addr=127.0.0.1:${port}`, '-log-level=error'];
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const errLines = [];
  child.stderr.on('data', (b) => errLines.push(...b.toString().split('\n').filter(Boolean)));
  let exited = null;
  child.on('exit', (code) => (exited = code ?? -1));
  const deadline = Date.now() + 30_000;
  while (!(await canConnect(port))) {
    if (exited !== null) {
      throw new FriendlyError(`The embedded database (FerretDB) exited at start (code ${exited}):\n  ${errLines.slice(-5).join('\n  ')}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new FriendlyError('The embedded database (FerretDB) did not answer within 30 s.');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  log(`[db] FerretDB listening on 127.0.0.1:${port} (data in ${sqliteDir})`);
  // Who serves this folder, for `npm run backup` while the system runs (see runningFerretdb).
  const serving = path.join(path.resolve(dataDir), 'ferretdb-serving.json');
  writeFileSync(serving, JSON.stringify({ pid: child.pid, port }));
  child.on('exit', () => rmSync(serving, { force: true }));
  const stop = () =>
    new Promise((resolve) => {
      if (exited !== null) return resolve();
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      child.kill('SIGTERM');
    });
  return { uri: `mongodb://127.0.0.1:${port}/`, stop, pid: child.pid };
}
