/**
 * The engine benchmark's runs (engine-bench.ts prints them): the same 3-service-task process on
 * raw bpmn-engine, on bpmn-elements alone and on the embedded engine; parking at a user task;
 * an idle engine's CPU.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type mongoose from 'mongoose';
import pino from 'pino';
import * as Elements from 'bpmn-elements';
import { Engine } from 'bpmn-engine';
import { compileDefinition } from '../embedded/definition-compiler';
import { EmbeddedEngine } from '../embedded/embedded-engine';
import { RUNTIME_OPTION } from '../embedded/runtime-context';
import { jobOutcome } from '../port/engine-port';
import { progress } from './progress';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const zeebe = require('zeebe-bpmn-moddle/resources/zeebe.json');

const SRC = path.resolve(__dirname, '../../src/bench');
export const threeTasks = readFileSync(path.join(SRC, 'three-tasks.bpmn'), 'utf8');
export const parkedXml = readFileSync(path.join(SRC, 'parked.bpmn'), 'utf8');
export const CONCURRENCY = 32;

export function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

export async function pool(n: number, concurrency: number, fn: (i: number) => Promise<void>, label?: string): Promise<void> {
  let next = 0;
  let done = 0;
  const t0 = Date.now();
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await fn(i);
      done++;
      if (label && done % Math.ceil(n / 5) === 0) progress(`${label}: ${done}/${n} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (label) progress(null);
}

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
const later = (cb: (err: unknown, out?: unknown) => void) => setImmediate(() => cb(null, { ok: true }));

/** bpmn-engine as its README uses it: source XML, a service implementation per task. */
export async function rawBpmnEngine(n: number): Promise<number> {
  const extensions = {
    zeebe(activity: { type: string; behaviour: Record<string, unknown> }) {
      if (activity.type === 'bpmn:ServiceTask') {
        activity.behaviour.Service = function Service(this: { execute: unknown }) {
          this.execute = (_msg: unknown, cb: (err: unknown, out?: unknown) => void) => later(cb);
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
  return n / seconds(t0);
}

interface ElementsDefinition {
  run(): void;
  broker: { subscribeTmp(exchange: string, pattern: string, fn: () => void, opts: object): void };
}

/**
 * bpmn-elements alone, in memory, on the definition compiled once as the embedded engine compiles
 * it: a fresh Definition per instance and nothing written. No engine built on it goes faster.
 * `until`: the event that ends an instance's run ('definition.end', or 'activity.wait' to park).
 */
export async function elementsAlone(xml: string, n: number, until: 'definition.end' | 'activity.wait'): Promise<number> {
  const compiled = await compileDefinition(xml);
  const runtime = { executeJob: (_id: string, _m: unknown, cb: (err: unknown, out?: unknown) => void) => later(cb) };
  const t0 = process.hrtime.bigint();
  await pool(n, CONCURRENCY, async (i) => {
    const environment = new Elements.Environment({ settings: { strict: false }, variables: { i }, [RUNTIME_OPTION]: runtime } as never);
    const context = new (Elements.Context as unknown as new (c: unknown, e: unknown) => unknown)(compiled.context, environment);
    const definition = new (Elements.Definition as unknown as new (c: unknown) => ElementsDefinition)(context);
    await new Promise<void>((resolve) => {
      definition.broker.subscribeTmp('event', until, () => resolve(), { noAck: true });
      definition.run();
    });
  });
  return n / seconds(t0);
}

/** The embedded engine, state in the database, a worker in this process. */
export async function embedded(conn: mongoose.Connection, n: number, starters = CONCURRENCY): Promise<{ rate: number; latencies: number[] }> {
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
  let completed = 0;
  let allDone!: () => void;
  const all = new Promise<void>((r) => (allDone = r));
  let oneDone: (() => void) | null = null;
  engine.on('instance.completed', () => {
    oneDone?.();
    if (++completed === n) allDone();
  });
  await engine.start();
  await engine.deploy([{ name: 'three-tasks.bpmn', content: threeTasks }]);
  // Started `starters` at a time (a start returns once the instance is stored), completed by the
  // worker meanwhile, as a job executor completes what was started: measured until the last ends.
  const t0 = process.hrtime.bigint();
  // `starters` 1: each instance runs alone, the next started when it has ended (latency unloaded).
  if (starters === 1)
    for (let i = 0; i < n; i++) {
      const ended = new Promise<void>((r) => (oneDone = r));
      await engine.createInstance({ processId: 'bench-three-tasks', variables: { i } });
      await ended;
    }
  else await pool(n, starters, (i) => engine.createInstance({ processId: 'bench-three-tasks', variables: { i } }).then(() => undefined));
  await all;
  const rate = n / seconds(t0);
  await engine.stop();
  return { rate, latencies };
}

/** Park `n` instances at the user task of the parked process with a fresh engine; instances/s and the engine's start. */
export async function parking(conn: mongoose.Connection, n: number): Promise<{ rate: number; startSeconds: number }> {
  const engine = new EmbeddedEngine({ connection: conn, logger: pino({ level: 'silent' }) });
  const s0 = process.hrtime.bigint();
  await engine.start();
  const startSeconds = seconds(s0);
  await engine.deploy([{ name: 'parked.bpmn', content: parkedXml }]);
  const t0 = process.hrtime.bigint();
  await pool(
    n,
    CONCURRENCY,
    (i) => engine.createInstance({ processId: 'bench-parked', variables: { i, project: `P-${i % 500}` } }).then(() => undefined),
    'parking',
  );
  const rate = n / seconds(t0);
  await engine.stop();
  return { rate, startSeconds };
}

/** CPU seconds a process has used so far (Linux /proc), or null. */
function cpuOf(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ (100 on Linux)
  } catch {
    return null;
  }
}

export interface IdleResult {
  startSeconds: number;
  enginePct: number;
  databasePct: number | null;
  rss: number;
}

/** An engine started on what is stored, with a worker, left idle for `idleSeconds`: its CPU and the database's. */
export async function idle(conn: mongoose.Connection, idleSeconds: number, dbPid: number | null): Promise<IdleResult> {
  const engine = new EmbeddedEngine({ connection: conn, logger: pino({ level: 'silent' }) });
  engine.createWorker({ taskType: 'bench.step', handler: async () => jobOutcome.complete({}) });
  const s0 = process.hrtime.bigint();
  await engine.start();
  const startSeconds = seconds(s0);
  await new Promise((r) => setTimeout(r, 3000)); // its start-up work done
  const c0 = process.cpuUsage();
  const d0 = dbPid ? cpuOf(dbPid) : null;
  const w0 = Date.now();
  for (let s = idleSeconds; s > 0; s -= 10) {
    progress(`idle: ${idleSeconds - s}/${idleSeconds} s`);
    await new Promise((r) => setTimeout(r, Math.min(10, s) * 1000));
  }
  progress(null);
  const wall = (Date.now() - w0) / 1000;
  const c = process.cpuUsage(c0);
  const d1 = dbPid ? cpuOf(dbPid) : null;
  global.gc?.();
  const rss = process.memoryUsage().rss;
  await engine.stop();
  return {
    startSeconds,
    enginePct: ((c.user + c.system) / 1e6 / wall) * 100,
    databasePct: d0 !== null && d1 !== null ? ((d1 - d0) / wall) * 100 : null,
    rss,
  };
}
