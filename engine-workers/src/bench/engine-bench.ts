/**
 * `npm run bench` (engine part). In one run:
 *  1. the 3-service-task process: raw bpmn-engine in memory (the XML given per instance, as its
 *     README shows), bpmn-elements alone in memory on the compiled definition (no persistence: the
 *     most any engine built on it can reach), and this embedded engine with durable state, in
 *     instances/s; job latency (a step done → the next job's handler called) with one instance in
 *     flight and with 32;
 *  2. parking (instances started and waiting at a user task) per second with 0, 10,000, 100,000
 *     and 1,000,000 instances stored (one in ten parked, the rest ended; seeded straight into the
 *     database from documents the engine wrote);
 *  3. with the most stored: the engine's start, its CPU and the database's while idle over 60 s,
 *     and its memory.
 * Env: MONGODB_URI (npm run bench starts the embedded database; BENCH_DB_PID its process),
 * BENCH_INSTANCES, BENCH_ROUNDS, BENCH_STORED (sizes, comma-separated), BENCH_PARK_SAMPLE,
 * BENCH_IDLE_SECONDS.
 */
import mongoose from 'mongoose';
import { captureParkedTemplates, seedStored } from './engine-seed';
import { CONCURRENCY, elementsAlone, embedded, idle, parkedXml, parking, pct, rawBpmnEngine, threeTasks } from './engine-runs';

const N = Number(process.env.BENCH_INSTANCES ?? 2000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const STORED = (process.env.BENCH_STORED ?? '0,10000,100000,1000000').split(',').map(Number);
const PARK_SAMPLE = Number(process.env.BENCH_PARK_SAMPLE ?? 3000);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
const DB_PID = process.env.BENCH_DB_PID ? Number(process.env.BENCH_DB_PID) : null;

/** Measured on the same machine (2 cores) in the same hour as the figures this engine was first held to. */
const OPERATON = { parking: 940, asyncBefore: 420, plain: 726 };

const out = (line = '') => process.stdout.write(`${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
const bar = (value: number, max: number) => '█'.repeat(Math.max(1, Math.round((value / max) * 40)));

async function throughput(conn: mongoose.Connection): Promise<void> {
  out(`\nEngine — ${N} instances of a 3-service-task process, started ${CONCURRENCY} at a time, until the last has ended`);
  // Alternating rounds, the order swapped each round, so that neither side profits from running
  // second (a warmer JIT, a grown heap); ratios are the medians of the rounds' ratios.
  await rawBpmnEngine(Math.min(200, N)); // warm-up
  await elementsAlone(threeTasks, Math.min(200, N), 'definition.end');
  await embedded(conn, Math.min(200, N));
  const rounds: Array<{ raw: number; alone: number; ours: number }> = [];
  const latencies: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const first = r % 2 === 0;
    let raw = NaN;
    let alone = NaN;
    if (first) [raw, alone] = [await rawBpmnEngine(N), await elementsAlone(threeTasks, N, 'definition.end')];
    const ours = await embedded(conn, N);
    latencies.push(...ours.latencies);
    if (!first) [raw, alone] = [await rawBpmnEngine(N), await elementsAlone(threeTasks, N, 'definition.end')];
    rounds.push({ raw, alone, ours: ours.rate });
    out(`  round ${r + 1}: raw ${raw.toFixed(0)}/s, bpmn-elements alone ${alone.toFixed(0)}/s, embedded ${ours.rate.toFixed(0)}/s`);
  }
  const raw = median(rounds.map((x) => x.raw));
  const alone = median(rounds.map((x) => x.alone));
  const ours = median(rounds.map((x) => x.ours));
  const ratio = median(rounds.map((x) => x.ours / x.raw));
  const ceiling = median(rounds.map((x) => x.alone / x.raw));
  out(`  raw bpmn-engine, in memory (parses per instance):   ${raw.toFixed(0).padStart(5)} instances/s  ${bar(raw, alone)}`);
  out(
    `  bpmn-elements alone, in memory, nothing written:    ${alone.toFixed(0).padStart(5)} instances/s  ${bar(alone, alone)}  (${ceiling.toFixed(2)}× raw: the ceiling)`,
  );
  out(`  embedded engine, every step durable in the database: ${ours.toFixed(0).padStart(4)} instances/s  ${bar(ours, alone)}`);
  out(
    `  ratio embedded / raw: ${ratio.toFixed(2)} (median of ${ROUNDS} rounds; goal ≥ 1.5: ${met(ratio >= 1.5)}; bpmn-elements alone reaches ${ceiling.toFixed(2)})`,
  );
  out(
    `  for context, Operaton 1.0 (Camunda 7) embedded on H2, same machine: ${OPERATON.asyncBefore}/s with a durable wait before each task, ${OPERATON.plain}/s without`,
  );
  out(`  job latency under that load (step done → next job): p50 ${pct(latencies, 50).toFixed(2)} ms, p99 ${pct(latencies, 99).toFixed(2)} ms`);
  const single = await embedded(conn, 200, 1);
  out(`  job latency, one instance at a time:                 p50 ${pct(single.latencies, 50).toFixed(2)} ms, p99 ${pct(single.latencies, 99).toFixed(2)} ms`);
}

async function parkingBySize(conn: mongoose.Connection): Promise<void> {
  out(`\nParking — ${PARK_SAMPLE} instances started and waiting at a user task, with more and more stored`);
  const alone = await elementsAlone(parkedXml, PARK_SAMPLE, 'activity.wait');
  out(`  (bpmn-elements alone, in memory, nothing written: ${alone.toFixed(0)}/s — the ceiling)`);
  const templates = await captureParkedTemplates(conn);
  const rows: Array<{ stored: number; rate: number; start: number }> = [];
  let stored = 0;
  for (const size of STORED) {
    if (size > stored) await seedStored(conn, templates, stored, size);
    stored = Math.max(stored, size);
    const p = await parking(conn, PARK_SAMPLE);
    rows.push({ stored: size, rate: p.rate, start: p.startSeconds });
    out(`  ${size.toLocaleString('en').padStart(9)} stored: ${p.rate.toFixed(0).padStart(4)} instances/s  (engine start ${p.startSeconds.toFixed(2)} s)`);
  }
  const top = Math.max(...rows.map((r) => r.rate));
  for (const r of rows) out(`  ${r.stored.toLocaleString('en').padStart(9)} ${bar(r.rate, top)} ${r.rate.toFixed(0)}/s`);
  const first = rows[0]!;
  const lastRow = rows[rows.length - 1]!;
  const drop = 1 - lastRow.rate / first.rate;
  out(
    `  slowest ${Math.min(...rows.map((r) => r.rate)).toFixed(0)}/s (goal ≥ 300 at every size: ${met(rows.every((r) => r.rate >= 300))}; bpmn-elements alone reaches ${alone.toFixed(0)})`,
  );
  out(
    `  with ${lastRow.stored.toLocaleString('en')} stored vs ${first.stored.toLocaleString('en')}: ${(drop * 100).toFixed(0)} % slower (goal within 20 %: ${met(drop <= 0.2)})`,
  );
  out(`  for context, Operaton 1.0 embedded on H2, same machine: ${OPERATON.parking}/s`);
}

async function idleWithHistory(conn: mongoose.Connection): Promise<void> {
  const stored = Math.max(...STORED);
  out(`\nIdle — an engine started on ${stored.toLocaleString('en')} stored instances (${(stored / 10).toLocaleString('en')} parked), ${IDLE_SECONDS} s`);
  const r = await idle(conn, IDLE_SECONDS, DB_PID);
  out(`  engine start: ${r.startSeconds.toFixed(2)} s`);
  out(`  engine process CPU while idle: ${r.enginePct.toFixed(2)} % of one core (goal < 2 %: ${met(r.enginePct < 2)})`);
  if (r.databasePct !== null) out(`  database process CPU meanwhile: ${r.databasePct.toFixed(2)} % of one core`);
  out(`  engine process memory (RSS): ${mb(r.rss)} (goal < 300 MB: ${met(r.rss < 300 * 1024 * 1024)})`);
}

async function main(): Promise<void> {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set (run `npm run bench`)');
  const u = new URL(uri);
  u.pathname = `/bench_${Date.now().toString(36)}`;
  const conn = mongoose.createConnection(u.toString(), { maxPoolSize: 50 });
  await conn.asPromise();
  try {
    await throughput(conn);
    await parkingBySize(conn);
    await idleWithHistory(conn);
    out();
  } finally {
    await conn.dropDatabase();
    await conn.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
