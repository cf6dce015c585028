/**
 * Inbox latency under load: 100,000 open tasks spread over the sections, 50 concurrent clients
 * (staff of those sections) listing their sections' unclaimed tasks and claiming one, over HTTP,
 * against the real server started as its own process. Prints p50/p99 of list and claim.
 * BENCH_TASKS, BENCH_CLIENTS, BENCH_SECONDS, BENCH_LOAD_THREADS change the sizes; BENCH_PROF=1 writes the server's CPU profile
 * to .dbg/prof, BENCH_TRACE_GC=1 prints its garbage collections.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { createServer } from 'node:net';
import path from 'node:path';
import mongoose from 'mongoose';
import { SECTIONS, groupsOf } from '@ggzy/shared';
import { AuthService } from '../people/auth.service';
import { peopleModels } from '../people/user.model';
import { taskModel, type TaskDoc } from '../inbox/task.model';
import type { ClientsJob, ClientsResult } from './inbox-load';

const TASKS = Number(process.env.BENCH_TASKS ?? 100_000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const PACE_MS = Number(process.env.BENCH_PACE_MS ?? 1000);
const LOAD_THREADS = Number(process.env.BENCH_LOAD_THREADS ?? 2);

const f = (x: number) => x.toFixed(1).padStart(7);

function pct(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/** CPU seconds used so far by a process (Linux), or by the whole machine (busy time of all cores). */
function cpuSeconds(pid?: number): number {
  try {
    if (pid === undefined) {
      const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
      return (f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!) / 100;
    }
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Run the clients on LOAD_THREADS threads against a port; all their latencies and counts. */
async function load(port: number, clients: ClientsJob['clients'], total: number, paceMs: number, check: boolean): Promise<ClientsResult> {
  // As `autocannon --workers` does, so that no client waits for another's response to be read before its own is.
  const shares = await Promise.all(
    Array.from({ length: LOAD_THREADS }, (_, w) => {
      const job: ClientsJob = { port, clients: clients.filter((_, i) => i % LOAD_THREADS === w), total, paceMs, seconds: SECONDS, check };
      return new Promise<ClientsResult>((resolve, reject) => {
        const worker = new Worker(path.join(__dirname, 'inbox-load.js'), { workerData: job });
        worker.once('message', resolve);
        worker.once('error', reject);
      });
    }),
  );
  const [claimed, conflicts, errors] = (['claimed', 'conflicts', 'errors'] as const).map((k) => shares.reduce((n, x) => n + x[k], 0));
  return { list: shares.flatMap((x) => x.list), claim: shares.flatMap((x) => x.claim), claimed: claimed!, conflicts: conflicts!, errors: errors! };
}

async function main(): Promise<void> {
  const base = process.env.MONGODB_URI!;
  const uri = new URL(base);
  uri.pathname = `/bench_inbox_${Date.now().toString(36)}`;
  const db = await mongoose.createConnection(uri.toString()).asPromise();
  const sections = SECTIONS.map((s) => s.code);

  // people: CLIENTS staff spread over the sections
  const { User } = peopleModels(db);
  const passwordHash = await AuthService.hashPassword('bench-pass');
  const users = Array.from({ length: CLIENTS }, (_, i) => ({
    _id: `bench${i}`,
    name: `压测${i}`,
    sections: [sections[i % sections.length]!],
    roles: ['staff'],
  }));
  await User.insertMany(users.map((u) => ({ ...u, oversees: [], passwordHash, active: true, createdAt: new Date() })));

  // tasks: spread over the sections' candidate groups
  const Task = taskModel(db);
  const t0 = Date.now();
  const now = Date.now();
  let batch: TaskDoc[] = [];
  for (let i = 0; i < TASKS; i++) {
    const section = sections[i % sections.length]!;
    batch.push({
      _id: `bench-${i.toString(36)}:task`,
      kind: 'engine',
      instanceId: `bench-${i.toString(36)}`,
      processId: i % 3 === 0 ? 'anomaly-escalation' : i % 3 === 1 ? 'case-assistance' : 'archive-lending',
      processName: '压测流程',
      processVersion: 1,
      elementId: 'verify',
      name: '核实',
      formId: 'anomaly-verify',
      status: 'open',
      assignee: null,
      owner: null,
      delegationState: null,
      candidateGroups: [section],
      candidateUsers: [],
      priority: 40 + (i % 60),
      dueDate: new Date(now + ((i % 96) - 24) * 3600_000),
      createdAt: new Date(now - i * 1000),
      title: `压测任务 ${i}`,
      projectId: `P-${i % 500}`,
      projectName: `项目 ${i % 500}`,
      starter: 'witness1',
      starterName: '张见证',
      classification: null,
      pendingSigners: [],
      variables: JSON.stringify({ title: `压测任务 ${i}`, description: '压测数据'.repeat(20) }),
      returnable: false,
      urgeCount: 0,
      touched: false,
      version: 1,
    });
    if (batch.length === 2000) {
      await Task.insertMany(batch, { ordered: false });
      batch = [];
      process.stdout.write(`\r  seeding tasks: ${i + 1}/${TASKS}`);
    }
  }
  if (batch.length) await Task.insertMany(batch, { ordered: false });
  process.stdout.write(`\r  seeded ${TASKS} open tasks over ${sections.length} sections in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);

  // the server, as users run it
  const port = await freePort();
  const server = spawn(
    process.execPath,
    [
      // As `npm start` runs it (scripts/start.mjs).
      '--max-semi-space-size=64',
      ...(process.env.BENCH_TRACE_GC ? ['--trace-gc'] : []),
      ...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=.dbg/prof'] : []),
      path.resolve(__dirname, '../main.js'),
    ],
    {
      env: { ...process.env, MONGODB_URI: uri.toString(), PORT: String(port), LOG_LEVEL: 'warn', DEMO_DATA: 'false', SLA_CHECK_MS: '3600000' },
      stdio: ['ignore', process.env.BENCH_TRACE_GC ? 'inherit' : 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    const ok = await fetch(`${url}/api/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (Date.now() - started > 300_000) throw new Error('server did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  console.log(`  server ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const tokens = await Promise.all(
    users.map(async (u) => {
      const r = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: u._id, password: 'bench-pass' }),
      });
      return ((await r.json()) as { token: string }).token;
    }),
  );

  const phases: { name: string; paceMs: number }[] = [
    { name: 'saturation: every client sends its next request as soon as the last is answered (like autocannon)', paceMs: 0 },
    { name: `paced: every client lists and claims once every ${PACE_MS} ms (a busy office)`, paceMs: PACE_MS },
  ];
  const clients = users.map((u, i) => ({ token: tokens[i]!, groups: groupsOf(u), index: i }));
  const results: string[] = [];
  let saturatedRate = 0;
  for (const phase of phases) {
    const cpu0 = [cpuSeconds(server.pid), cpuSeconds(process.pid), cpuSeconds()];
    const { list, claim, claimed, conflicts, errors } = await load(port, clients, users.length, phase.paceMs, true);
    if (phase.paceMs === 0) saturatedRate = list.length / SECONDS;
    const [srv, gen, all] = [cpuSeconds(server.pid), cpuSeconds(process.pid), cpuSeconds()].map((x, k) => (100 * (x - cpu0[k]!)) / SECONDS);
    const met = pct(list, 99) < 50 && pct(claim, 99) < 50;
    results.push(
      [
        `  ${phase.name}`,
        `    list unclaimed (page of 20): ${String(list.length).padStart(6)} requests (${(list.length / SECONDS).toFixed(0)}/s)  p50 ${f(pct(list, 50))} ms  p99 ${f(pct(list, 99))} ms`,
        `    claim:                       ${String(claim.length).padStart(6)} requests (${(claim.length / SECONDS).toFixed(0)}/s)  p50 ${f(pct(claim, 50))} ms  p99 ${f(pct(claim, 99))} ms  (${claimed} won, ${conflicts} conflicts)`,
        `    CPU (100% = one core): server ${srv!.toFixed(0)}%, load generator ${gen!.toFixed(0)}%, database and the rest ${(all! - srv! - gen!).toFixed(0)}%`,
        `    errors: ${errors}; goal p99 < 50 ms: ${met ? 'met' : 'NOT met'}`,
      ].join('\n'),
    );
  }

  // The yardstick: the same requests answered with the same bytes by a bare server (see inbox-reference.ts).
  const sample = { headers: { authorization: `Bearer ${tokens[0]}`, 'content-type': 'application/json' } };
  const listed = await (await fetch(`${url}/api/tasks?view=unclaimed&pageSize=20`, sample)).text();
  const firstId = (JSON.parse(listed) as { items: { id: string }[] }).items[0]!.id;
  const claimAnswer = await (await fetch(`${url}/api/tasks/${encodeURIComponent(firstId)}/claim`, { ...sample, method: 'POST', body: '{}' })).text();
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  const reference = spawn(process.execPath, ['--max-semi-space-size=64', path.join(__dirname, 'inbox-reference.js')], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const refPort = await new Promise<number>((resolve) => {
    reference.once('message', (m: { port: number }) => resolve(m.port));
    reference.send({ page: listed, claim: claimAnswer });
  });
  const ref = await load(refPort, clients, users.length, 0, false);
  reference.kill('SIGTERM');
  const refRate = ref.list.length / SECONDS;
  results.push(
    [
      '  yardstick: a bare node:http server answering the same requests with the same bytes from memory (no framework, no database), saturated',
      `    ${refRate.toFixed(0)} lists + as many claims a second; list p50 ${f(pct(ref.list, 50))} ms  p99 ${f(pct(ref.list, 99))} ms; claim p50 ${f(pct(ref.claim, 50))} ms  p99 ${f(pct(ref.claim, 99))} ms`,
      `    the inbox under saturation reached ${((100 * saturatedRate) / refRate).toFixed(0)}% of the yardstick's rate (compare runs by this ratio: the machine's speed varies)`,
    ].join('\n'),
  );
  if (process.env.BENCH_KEEP) console.log(`  kept database ${uri.toString()}`);
  else await db.dropDatabase().catch(() => undefined);
  await db.close();

  console.log(`\nInbox under load: ${TASKS} open tasks over ${sections.length} sections, ${CLIENTS} concurrent clients, ${SECONDS} s per phase`);
  console.log(results.join('\n'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
