/**
 * Login flood: 40 clients send sign-ins with random names and passwords as fast as they are
 * answered, while ten members of staff page through their inbox. Prints the staff's list latency
 * without and with the flood (the goal: p99 under twice the unloaded one) and how the sign-ins
 * were answered. The server runs as `npm start` runs it, in its own process.
 *
 * Env: MONGODB_URI (a throw-away database is made in it), BENCH_SECONDS (per phase, default 15).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@ggzy/engine-workers/testing';
import mongoose from 'mongoose';
import { pct } from './timing';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const STAFF = ['witness1', 'eng_head', 'proc1', 'sup1', 'sup2', 'sup_head', 'office1', 'gen1', 'deputy', 'director'];
const FLOODERS = 40;

async function main(): Promise<void> {
  const base = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/';
  const dbName = `bench_login_${Date.now().toString(36)}`;
  const uri = `${base.replace(/\/[^/]*$/, '/')}${dbName}`;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, [path.resolve(__dirname, '../main.js')], {
    env: {
      ...process.env,
      MONGODB_URI: uri,
      PORT: String(port),
      HOST: '127.0.0.1',
      DEMO_DATA: 'true',
      LOG_LEVEL: 'silent',
      AUDIT_KEY: 'login-flood-bench-key-0123456789',
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'ggzy-login-bench-')),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (let i = 0; ; i++) {
      if ((await fetch(`${url}/api/health`).catch(() => null))?.ok) break;
      if (i > 600) throw new Error('the server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const tokens = new Map<string, string>();
    for (const u of STAFF) {
      const r = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: u, password: 'demo1234' }),
      });
      tokens.set(u, ((await r.json()) as { token: string }).token);
    }

    /** The staff page through their inbox for `seconds`; each list request's time. */
    const browse = async (seconds: number): Promise<number[]> => {
      const until = Date.now() + seconds * 1000;
      const times: number[] = [];
      await Promise.all(
        STAFF.map(async (u) => {
          while (Date.now() < until) {
            const t = performance.now();
            const r = await fetch(`${url}/api/tasks?view=unclaimed&page=1&pageSize=20`, { headers: { authorization: `Bearer ${tokens.get(u)}` } });
            await r.arrayBuffer();
            times.push(performance.now() - t);
            await new Promise((res) => setTimeout(res, 50)); // a person reads between pages
          }
        }),
      );
      return times;
    };

    process.stdout.write(`login flood bench: ${STAFF.length} staff paging their inbox, ${SECONDS} s per phase\n`);
    await browse(2); // warm up
    const quiet = await browse(SECONDS);

    const answers = new Map<number, number>();
    let flooding = true;
    const flood = Promise.all(
      Array.from({ length: FLOODERS }, async () => {
        while (flooding) {
          const name = `guess${Math.floor(Math.random() * 1e9)}`;
          const r = await fetch(`${url}/api/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username: name, password: Math.random().toString(36) }),
          }).catch(() => null);
          if (r) await r.arrayBuffer();
          answers.set(r?.status ?? 0, (answers.get(r?.status ?? 0) ?? 0) + 1);
        }
      }),
    );
    const loaded = await browse(SECONDS);
    flooding = false;
    await flood;

    const row = (name: string, xs: number[]) =>
      `  ${name.padEnd(22)} ${String(xs.length).padStart(6)} ${pct(xs, 50).toFixed(1).padStart(8)} ${pct(xs, 99).toFixed(1).padStart(8)}\n`;
    process.stdout.write(`  ${'staff list requests'.padEnd(22)} ${'count'.padStart(6)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}\n`);
    process.stdout.write(row('without the flood', quiet));
    process.stdout.write(row(`with ${FLOODERS} flooding`, loaded));
    const ratio = pct(loaded, 99) / pct(quiet, 99);
    process.stdout.write(`  p99 with / without: ${ratio.toFixed(2)}× (goal: under 2×) ${ratio < 2 ? 'met' : 'NOT met'}\n`);
    process.stdout.write(`  flood sign-ins answered: ${[...answers].map(([s, n]) => `${s || 'no answer'}: ${n}`).join(', ')}\n`);
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    const conn = await mongoose.createConnection(uri).asPromise();
    await conn.dropDatabase();
    await conn.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String((err as Error).stack ?? err)}\n`);
  process.exit(1);
});
