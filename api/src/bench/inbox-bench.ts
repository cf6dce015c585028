/**
 * The inbox at the center's load, at ten times it, and with years of history, against the real
 * server started as its own process on the embedded database:
 *
 * - 100,000 open tasks over the sections and 1,000,000 closed ones (history: last versions and
 *   each person's 已办 / 我发起的), written straight into the database before the server starts;
 * - the center's real load: 150 signed-in staff, each listing 待认领 and claiming one task once
 *   every 10 s; then ten times that (1,500 staff at the same pace);
 * - 已办, 我发起的 and the counts read with that history;
 * - saturation: clients sending their next request as soon as the last is answered, next to a bare
 *   Express app answering the same bytes on the same clients (the yardstick);
 * - the server's start-up with all that data, and its memory.
 *
 * BENCH_OPEN, BENCH_CLOSED, BENCH_STAFF, BENCH_PACE_MS, BENCH_SECONDS, BENCH_SATURATION_CLIENTS
 * change the sizes; BENCH_KEEP=1 keeps the database and BENCH_DB=<name> runs again on one kept
 * (seeding takes minutes); BENCH_PROF=1 writes the server's CPU profile to .dbg/prof.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { freePort } from '@ggzy/engine-workers/testing';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import mongoose from 'mongoose';
import { groupsOf } from '@ggzy/shared';
import type { ClientsJob, ClientsResult } from './inbox-load';
import { engineTemplates, seedHistory, seedOpen, seedStaff, type Staff } from './inbox-seed';

const OPEN = Number(process.env.BENCH_OPEN ?? 100_000);
const CLOSED = Number(process.env.BENCH_CLOSED ?? 1_000_000);
const STAFF = Number(process.env.BENCH_STAFF ?? 150);
const PACE_MS = Number(process.env.BENCH_PACE_MS ?? 10_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const SATURATION_CLIENTS = Number(process.env.BENCH_SATURATION_CLIENTS ?? 50);
const SATURATION_SECONDS = 20;
const LOAD_THREADS = 2;

const f = (x: number) => x.toFixed(1).padStart(7);

function pct(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

function line(name: string, xs: number[], seconds: number, goal?: number): string {
  const met = goal === undefined ? '' : pct(xs, 99) < goal ? `  goal p99 < ${goal} ms: met` : `  goal p99 < ${goal} ms: NOT met`;
  return `    ${name.padEnd(22)} ${String(xs.length).padStart(7)} (${(xs.length / seconds).toFixed(0).padStart(4)}/s)  p50 ${f(pct(xs, 50))} ms  p99 ${f(pct(xs, 99))} ms${met}`;
}

/** CPU seconds used so far by a process (Linux), or by the whole machine (busy time of all cores). */
function cpuSeconds(pid?: number): number {
  try {
    if (pid === undefined) {
      const x = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
      return (x[0]! + x[1]! + x[2]! + x[5]! + x[6]! + x[7]!) / 100;
    }
    const x = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(x[11]) + Number(x[12])) / 100;
  } catch {
    return NaN;
  }
}

function rssMb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
  } catch {
    return NaN;
  }
}

/** Run clients on worker threads against a port; all their latencies and counts. */
async function load(
  port: number,
  clients: ClientsJob['clients'],
  paceMs: number,
  seconds: number,
  mode: ClientsJob['mode'] = 'act',
  check = true,
): Promise<ClientsResult> {
  const shares = await Promise.all(
    Array.from({ length: LOAD_THREADS }, (_, w) => {
      const job: ClientsJob = { port, clients: clients.filter((_, i) => i % LOAD_THREADS === w), total: clients.length, paceMs, seconds, check, mode };
      return new Promise<ClientsResult>((resolve, reject) => {
        const worker = new Worker(path.join(__dirname, 'inbox-load.js'), { workerData: job });
        worker.once('message', resolve);
        worker.once('error', reject);
      });
    }),
  );
  const sum = (k: 'claimed' | 'conflicts' | 'errors') => shares.reduce((n, x) => n + x[k], 0);
  const all = (k: 'list' | 'listFresh' | 'claim' | 'done' | 'started' | 'counts') => shares.flatMap((x) => x[k]);
  return {
    list: all('list'),
    listFresh: all('listFresh'),
    claim: all('claim'),
    done: all('done'),
    started: all('started'),
    counts: all('counts'),
    claimed: sum('claimed'),
    conflicts: sum('conflicts'),
    errors: sum('errors'),
  };
}

/** The server as users run it; resolves once /api/health answers, with how long that took. */
async function startServer(uri: string, port: number): Promise<{ child: ChildProcess; seconds: number }> {
  const t0 = Date.now();
  const child = spawn(
    process.execPath,
    [
      '--max-semi-space-size=64',
      ...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=.dbg/prof'] : []),
      ...(process.env.BENCH_TRACE_GC ? ['--trace-gc'] : []),
      // (BENCH_SERVER_FLAGS: more of node's flags for the server, e.g. `--heap-prof`)
      ...(process.env.BENCH_SERVER_FLAGS?.split(' ').filter(Boolean) ?? []),
      path.resolve(__dirname, '../main.js'),
    ],
    {
      env: { ...process.env, MONGODB_URI: uri, PORT: String(port), LOG_LEVEL: 'warn', DEMO_DATA: 'false' },
      // (BENCH_TRACE_GC=<file>: the server's garbage collections, one line each, into that file)
      stdio: ['ignore', process.env.BENCH_TRACE_GC ? openSync(process.env.BENCH_TRACE_GC, 'a') : 'ignore', 'inherit'],
    },
  );
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return { child, seconds: (Date.now() - t0) / 1000 };
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode})`);
    if (Date.now() - t0 > 600_000) throw new Error('server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A clean stop (the server leaves a snapshot); one that takes over a minute is killed and reported. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    console.log('  the server did not stop within 60 s; killed');
    child.kill('SIGKILL');
  }, 60_000);
  await exited;
  clearTimeout(timer);
}

function clientsOf(staff: Staff[]): ClientsJob['clients'] {
  return staff.map((s, index) => ({ token: s.token, groups: groupsOf({ sections: [s.section], roles: ['staff'] }), index }));
}

async function main(): Promise<void> {
  const uri = new URL(process.env.MONGODB_URI!);
  const reuse = process.env.BENCH_DB;
  uri.pathname = `/${reuse ?? `bench_inbox_${Date.now().toString(36)}`}`;
  const db = await mongoose.createConnection(uri.toString()).asPromise();
  const port = await freePort();
  let staff: Staff[];
  if (reuse) {
    staff = await seedStaff(db, STAFF * 10, true);
    console.log(`  on the kept database ${reuse}`);
  } else {
    const t0 = Date.now();
    staff = await seedStaff(db, STAFF * 10);
    const templates = await engineTemplates(db);
    await seedOpen(db, OPEN, templates);
    await seedHistory(db, CLOSED, staff.slice(0, STAFF), templates);
    console.log(`  seeded ${STAFF * 10} staff, ${OPEN} open and ${CLOSED} closed tasks in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    // The first start finds no snapshot: it loads the open tasks, builds their views, and leaves one.
    const first = await startServer(uri.toString(), port);
    console.log(`  first start (no snapshot yet): ${first.seconds.toFixed(1)} s`);
    await stop(first.child);
  }
  const server = await startServer(uri.toString(), port);
  const startup = server.seconds;
  const rssAtStart = rssMb(server.child.pid!);

  const results: string[] = [];
  const phase = async (name: string, clients: ClientsJob['clients'], paceMs: number, seconds: number, goal: number) => {
    const cpu0 = [cpuSeconds(server.child.pid), cpuSeconds()];
    const r = await load(port, clients, paceMs, seconds);
    const [srv, all] = [cpuSeconds(server.child.pid), cpuSeconds()].map((x, k) => (100 * (x - cpu0[k]!)) / seconds);
    results.push(
      [
        `  ${name}`,
        line('list 待认领 (page of 20)', r.list, seconds, goal),
        line('claim', r.claim, seconds, goal),
        line('list, new connection', r.listFresh, seconds),
        `    ${r.claimed} claims won, ${r.conflicts} conflicts, ${r.errors} errors; CPU (100% = one core): server ${srv!.toFixed(0)}%, all ${all!.toFixed(0)}%`,
      ].join('\n'),
    );
    return r;
  };
  await phase(
    `the center's load: ${STAFF} staff, each listing and claiming once every ${PACE_MS / 1000} s`,
    clientsOf(staff.slice(0, STAFF)),
    PACE_MS,
    SECONDS,
    50,
  );
  await phase(`ten times that: ${STAFF * 10} staff at the same pace`, clientsOf(staff), PACE_MS, SECONDS, 200);

  const readers = clientsOf(staff.slice(0, STAFF));
  const h = await load(port, readers, PACE_MS / 2, SECONDS, 'history');
  results.push(
    [
      `  history with ${CLOSED} closed tasks: ${STAFF} staff each reading 已办, 我发起的 and the counts once every ${PACE_MS / 2000} s`,
      line('已办 (done, page of 20)', h.done, SECONDS, 100),
      line('我发起的 (started)', h.started, SECONDS, 100),
      line('counts', h.counts, SECONDS, 100),
      `    errors: ${h.errors}`,
    ].join('\n'),
  );

  const saturating = clientsOf(staff.slice(STAFF, STAFF + SATURATION_CLIENTS));
  // The yardstick's bytes (taken before the tasks are claimed away): the same requests answered with the same bytes by a bare Express app.
  const sample = { headers: { authorization: `Bearer ${saturating[0]!.token}`, 'content-type': 'application/json' } };
  const listed = await (await fetch(`http://127.0.0.1:${port}/api/tasks?view=unclaimed&pageSize=20`, sample)).text();
  const firstId = (JSON.parse(listed) as { items: { id: string }[] }).items[0]!.id;
  const claimAnswer = await (
    await fetch(`http://127.0.0.1:${port}/api/tasks/${encodeURIComponent(firstId)}/claim`, { ...sample, method: 'POST', body: '{}' })
  ).text();
  const sat = await load(port, saturating, 0, SATURATION_SECONDS);
  const rssAfter = rssMb(server.child.pid!);

  await stop(server.child);
  const reference = spawn(process.execPath, ['--max-semi-space-size=64', path.join(__dirname, 'inbox-reference.js')], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const refPort = await new Promise<number>((resolve) => {
    reference.once('message', (m: { port: number }) => resolve(m.port));
    reference.send({ page: listed, claim: claimAnswer });
  });
  const ref = await load(refPort, saturating, 0, SATURATION_SECONDS, 'act', false);
  reference.kill('SIGTERM');
  const rate = (r: ClientsResult) => r.list.length / SATURATION_SECONDS;
  results.push(
    [
      `  saturation: ${SATURATION_CLIENTS} clients each sending the next request as soon as the last is answered`,
      line('list 待认领', sat.list, SATURATION_SECONDS),
      line('claim', sat.claim, SATURATION_SECONDS),
      `    yardstick (a bare Express app answering the same bytes from memory): ${rate(ref).toFixed(0)} lists + as many claims a second`,
      `    the inbox reached ${((100 * rate(sat)) / rate(ref)).toFixed(0)}% of the yardstick's rate (compare runs by this ratio: the machine's speed varies)`,
    ].join('\n'),
  );
  results.push(
    `  the server's start-up with that data: ${startup.toFixed(1)} s (goal < 5 s: ${startup < 5 ? 'met' : 'NOT met'}); memory (RSS) ${rssAtStart.toFixed(0)} MB after start, ${rssAfter.toFixed(0)} MB after the load`,
  );

  if (process.env.BENCH_KEEP || reuse) console.log(`  kept database ${uri.pathname.slice(1)}`);
  else await db.dropDatabase().catch(() => undefined);
  await db.close();
  console.log(`\nInbox: ${OPEN} open and ${CLOSED} closed tasks, Express routes, the embedded database`);
  console.log(results.join('\n'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
