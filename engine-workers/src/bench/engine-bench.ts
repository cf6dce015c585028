/**
 * `npm run bench` (engine part). In one run, on the same 3-service-task process:
 *  - raw bpmn-engine in memory (the XML given per instance, as its README shows), instances/s;
 *  - this embedded engine with durable state in MongoDB, instances/s, and the ratio;
 *  - job latency (a step completed → the next job's handler called), p50/p99;
 *  - RSS with 10,000 instances parked at a user task.
 * Env: MONGODB_URI (npm run bench starts the embedded database), BENCH_INSTANCES, BENCH_PARKED, BENCH_ROUNDS.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import pino from 'pino';
import { Engine } from 'bpmn-engine';
import { EmbeddedEngine } from '../embedded/embedded-engine';
import { jobOutcome } from '../port/engine-port';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const zeebe = require('zeebe-bpmn-moddle/resources/zeebe.json');

const SRC = path.resolve(__dirname, '../../src/bench');
const threeTasks = readFileSync(path.join(SRC, 'three-tasks.bpmn'), 'utf8');
const parked = readFileSync(path.join(SRC, 'parked.bpmn'), 'utf8');
const N = Number(process.env.BENCH_INSTANCES ?? 2000);
const PARKED = Number(process.env.BENCH_PARKED ?? 10_000);
const CONCURRENCY = 32;
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function pool(n: number, concurrency: number, fn: (i: number) => Promise<void>, label?: string): Promise<void> {
  let next = 0;
  let done = 0;
  const t0 = Date.now();
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await fn(i);
      done++;
      if (label && done % Math.ceil(n / 10) === 0) process.stdout.write(`  ${label}: ${done}/${n} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** bpmn-engine as its README uses it: source XML, a service implementation per task. */
async function rawBpmnEngine(n: number): Promise<number> {
  const extensions = {
    zeebe(activity: { type: string; behaviour: Record<string, unknown> }) {
      if (activity.type === 'bpmn:ServiceTask') {
        activity.behaviour.Service = function Service(this: { execute: unknown }) {
          this.execute = (_msg: unknown, cb: (err: unknown, out?: unknown) => void) => setImmediate(() => cb(null, { ok: true }));
        };
      }
    },
  };
  const t0 = process.hrtime.bigint();
  await pool(n, CONCURRENCY, async (i) => {
    const engine = new Engine({ name: `raw-${i}`, source: threeTasks, moddleOptions: { zeebe }, extensions } as never);
    await new Promise<void>((resolve, reject) => {
      engine.once('end', () => resolve());
      engine.once('error', reject);
      void engine.execute({ variables: { i } } as never);
    });
  });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return n / s;
}

async function embedded(conn: mongoose.Connection, n: number): Promise<{ rate: number; latencies: number[] }> {
  const engine = new EmbeddedEngine({ connection: conn, logger: pino({ level: 'silent' }) });
  const last = new Map<string, number>();
  const latencies: number[] = [];
  engine.createWorker({
    taskType: 'bench.step',
    handler: async (job) => {
      const now = performance.now();
      const prev = last.get(job.processInstanceKey);
      if (prev !== undefined) latencies.push(now - prev);
      // the step is "done" when the handler returns; the next job's call closes the interval
      queueMicrotask(() => last.set(job.processInstanceKey, performance.now()));
      return jobOutcome.complete({ [job.elementId]: true });
    },
  });
  await engine.start();
  await engine.deploy([{ name: 'three-tasks.bpmn', content: threeTasks }]);
  let completed = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  engine.on('instance.completed', () => {
    if (++completed === n) resolveAll();
  });
  const t0 = process.hrtime.bigint();
  await pool(n, CONCURRENCY, async (i) => {
    await engine.createInstance({ processId: 'bench-three-tasks', variables: { i } });
  });
  await all;
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  await engine.stop();
  return { rate: n / s, latencies };
}

async function parkedRss(conn: mongoose.Connection, n: number): Promise<{ before: number; after: number; loaded: number; seconds: number }> {
  const engine = new EmbeddedEngine({ connection: conn, logger: pino({ level: 'silent' }) });
  await engine.start();
  await engine.deploy([{ name: 'parked.bpmn', content: parked }]);
  global.gc?.();
  const before = process.memoryUsage().rss;
  const t0 = Date.now();
  await pool(
    n,
    CONCURRENCY,
    async (i) => {
      await engine.createInstance({ processId: 'bench-parked', variables: { i, project: `P-${i % 500}` } });
    },
    'parking',
  );
  const seconds = (Date.now() - t0) / 1000;
  global.gc?.();
  await new Promise((r) => setTimeout(r, 200));
  global.gc?.();
  const after = process.memoryUsage().rss;
  const loaded = engine.loadedCount;
  await engine.stop();
  return { before, after, loaded, seconds };
}

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

async function main(): Promise<void> {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set (run `npm run bench`)');
  const u = new URL(uri);
  u.pathname = `/bench_${Date.now().toString(36)}`;
  const conn = mongoose.createConnection(u.toString(), { maxPoolSize: 50 });
  await conn.asPromise();
  try {
    process.stdout.write(`\nEngine benchmark — ${N} instances of a 3-service-task process, ${CONCURRENCY} in flight\n`);
    // Alternating rounds, the order swapped each round, so that neither side profits from running
    // second (a warmer JIT, a grown heap); the ratio is the median of the rounds' ratios.
    // BENCH_PROFILE=embedded runs only the embedded engine (for profiling it alone).
    const onlyEmbedded = process.env.BENCH_PROFILE === 'embedded';
    if (!onlyEmbedded) await rawBpmnEngine(Math.min(200, N)); // warm-up
    await embedded(conn, Math.min(200, N));
    const rounds: Array<{ raw: number; ours: number }> = [];
    const latencies: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      let raw = NaN;
      if (r % 2 === 0 && !onlyEmbedded) raw = await rawBpmnEngine(N);
      const ours = await embedded(conn, N);
      latencies.push(...ours.latencies);
      if (r % 2 === 1 && !onlyEmbedded) raw = await rawBpmnEngine(N);
      rounds.push({ raw, ours: ours.rate });
      process.stdout.write(
        `  round ${r + 1} (${r % 2 === 0 ? 'raw first' : 'embedded first'}): raw ${raw.toFixed(0)}/s, embedded ${ours.rate.toFixed(0)}/s, ratio ${(ours.rate / raw).toFixed(2)}\n`,
      );
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    process.stdout.write(`  raw bpmn-engine, in memory:            ${median(rounds.map((x) => x.raw)).toFixed(0)} instances/s (median)\n`);
    process.stdout.write(`  embedded engine, state in MongoDB:     ${median(rounds.map((x) => x.ours)).toFixed(0)} instances/s (median)\n`);
    process.stdout.write(
      `  ratio (embedded / raw):                ${median(rounds.map((x) => x.ours / x.raw)).toFixed(2)}  (median of ${ROUNDS} rounds; goal ≥ 1.0)\n`,
    );
    process.stdout.write(`  job latency (step done → next job):    p50 ${pct(latencies, 50).toFixed(2)} ms, p99 ${pct(latencies, 99).toFixed(2)} ms\n`);
    process.stdout.write(`\nParked instances — ${PARKED} instances waiting at a user task\n`);
    const p = await parkedRss(conn, PARKED);
    process.stdout.write(`  created in ${p.seconds.toFixed(1)} s (${(PARKED / p.seconds).toFixed(0)}/s); instances held in memory: ${p.loaded}\n`);
    process.stdout.write(`  RSS before: ${mb(p.before)}, after: ${mb(p.after)}  (goal < 300 MB)\n\n`);
  } finally {
    await conn.dropDatabase();
    await conn.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
