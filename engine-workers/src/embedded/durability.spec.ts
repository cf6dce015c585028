/**
 * Durability: engine processes are killed with SIGKILL at random moments while instances run,
 * and started again; two engines share one database. Every instance must end exactly as it
 * would without the crash: same variables, one completion per user task, each state change once.
 * Only job handlers may run more than once (at least once).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { eventually, quietLogger, testDbUri } from '../testing/test-db';
import { EmbeddedEngine } from './embedded-engine';
import { engineModels } from './models';
import mongoose from 'mongoose';

const CHILD = path.resolve(__dirname, '../../dist/testing/crash-child.js');
const FLOW = { name: 'crash-flow.bpmn', content: readFileSync(path.resolve(__dirname, '../testing/crash-flow.bpmn'), 'utf8') };
const N = 24;

function expectedVariables(idx: number) {
  return {
    idx,
    items: [1, 2, 3],
    count: 4,
    a: `A@${idx}`,
    b1: `B1@${idx}`,
    b2: `B2@${idx}`,
    c: `C@${idx}`,
    doubled: [2, 4, 6],
    twice: 6,
    approved: true,
  };
}

/** A small seeded generator so that a failing run can be repeated. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function startChild(uri: string): Promise<ChildProcess> {
  const child = fork(CHILD, [], { env: { ...process.env, MONGODB_URI: uri, LEASE_MS: '2000' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`engine child exited early (${code})`)));
  });
}

function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

async function seed(conn: Connection): Promise<string[]> {
  // The instances are created by an engine without workers: their first jobs wait in the database.
  const engine = new EmbeddedEngine({ connection: conn, logger: quietLogger, pollMs: 50 });
  await engine.start();
  await engine.deploy([FLOW]);
  const keys: string[] = [];
  for (let idx = 0; idx < N; idx++) keys.push((await engine.createInstance({ processId: 'crash-flow', variables: { idx, items: [1, 2, 3], count: 0 } })).key);
  await engine.stop();
  return keys;
}

async function verify(conn: Connection, keys: string[]) {
  const models = engineModels(conn);
  // every instance ended and moved to history whole; nothing of it is left in the runtime
  expect(await models.runtime.countDocuments({})).toBe(0);
  const docs = await models.history.find({ processId: 'crash-flow' }).toArray();
  expect(docs).toHaveLength(N);
  for (const d of docs) {
    const vars = JSON.parse(d.variables) as { idx: number };
    expect(d.status).toBe('completed');
    expect(vars).toEqual(expectedVariables(vars.idx));
    expect(keys).toContain(d._id);
    // one completed approval per instance, every job in its trail
    expect(d.trail.filter((t) => t.kind === 'userTask' && t.status === 'completed')).toHaveLength(1);
    for (const el of ['A', 'B1', 'B2', 'C']) expect(d.trail.some((t) => t.kind === 'job' && t.elementId === el && t.status === 'completed')).toBe(true);
  }
  // nothing pending is left behind: no outcome, lease, stored job or event not taken
  expect(await models.outcomes.countDocuments({})).toBe(0);
  expect(await models.Lease.countDocuments({})).toBe(0);
  expect(await models.jobs.countDocuments({})).toBe(0);
  // every job ran at least once: A, B1, B2, C and three iterations of `each`
  const effects = await conn.collection('crash_effects').find({}).toArray();
  for (const k of keys) {
    const mine = effects.filter((e) => e.instanceKey === k);
    for (const el of ['A', 'B1', 'B2', 'C', 'each']) expect(mine.some((e) => e.elementId === el)).toBe(true);
    expect(mine.filter((e) => e.elementId === 'each').length).toBeGreaterThanOrEqual(3);
  }
  return effects;
}

async function allEnded(conn: Connection, timeoutMs: number) {
  const left = ['engine_runtime', 'engine_leases', 'engine_outcomes', 'engine_pending_jobs'];
  try {
    await eventually(
      async () => {
        for (const c of left) if (await conn.collection(c).countDocuments({})) return false;
        return true;
      },
      timeoutMs,
      'all instances to end',
    );
  } catch (err) {
    // What was left, to tell why.
    for (const c of [...left, 'engine_wakes', 'engine_timers']) {
      const docs = await conn.collection(c).find({}).limit(3).toArray();
      if (docs.length) process.stdout.write(`${c}: ${JSON.stringify(docs).slice(0, 1500)}\n`);
    }
    throw err;
  }
}

describe('durability', () => {
  jest.setTimeout(120_000);

  it('SIGKILL at random points, restart: every instance completes exactly as without the crash', async () => {
    const uri = testDbUri('crash');
    const db = mongoose.createConnection(uri);
    await db.asPromise();
    const keys = await seed(db);
    const seedValue = Number(process.env.CRASH_SEED ?? Date.now() % 100000);
    const random = rng(seedValue);
    let kills = 0;
    try {
      for (let round = 0; round < 8; round++) {
        const child = await startChild(uri);
        await new Promise((r) => setTimeout(r, 150 + random() * 900));
        await kill(child, 'SIGKILL');
        kills++;
      }
      const last = await startChild(uri);
      try {
        await allEnded(db, 60_000);
      } finally {
        await kill(last, 'SIGTERM');
      }
      const effects = await verify(db, keys);
      // the kills did interrupt work: at least one job ran again (reported, not required)
      process.stdout.write(`crash test: seed ${seedValue}, ${kills} kills, ${effects.length} job runs for ${N * 7} jobs\n`);
    } finally {
      await db.dropDatabase();
      await db.close();
    }
  });

  it('two engine processes on one database: each instance is driven by one at a time, jobs run once', async () => {
    const uri = testDbUri('two-engines');
    const db = mongoose.createConnection(uri);
    await db.asPromise();
    const keys = await seed(db);
    const [a, b] = await Promise.all([startChild(uri), startChild(uri)]);
    try {
      await allEnded(db, 60_000);
    } finally {
      await Promise.all([kill(a, 'SIGTERM'), kill(b, 'SIGTERM')]);
    }
    try {
      const effects = await verify(db, keys);
      // no crash here, so no job may have run twice
      expect(effects).toHaveLength(N * 7);
    } finally {
      await db.dropDatabase();
      await db.close();
    }
  });
});
