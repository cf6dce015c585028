/**
 * Runtime apart from history: when an instance ends, its runtime document and everything it still
 * held (outcomes, stored jobs, leases, subscriptions, timers) are gone, and its history document
 * is complete: end state, variables, every user task and job it ran, its incidents. Also when the
 * process is killed between writing the history and deleting the runtime document.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { jobOutcome } from '../port/engine-port';
import { eventually, testDbUri, testEngine } from '../testing/test-db';
import { harness, type Harness } from './conformance/harness';
import { engineModels } from './models';
import mongoose from 'mongoose';

/** Nothing of `key` is left in the collections the engine reads while running. */
async function nothingLeftOf(conn: Connection, key: string): Promise<void> {
  const m = engineModels(conn);
  expect(await m.runtime.findOne({ _id: key })).toBeNull();
  expect(await m.outcomes.countDocuments({ instanceKey: key })).toBe(0);
  expect(await m.jobs.countDocuments({ instanceKey: key })).toBe(0);
  expect(await m.Lease.countDocuments({ _id: key })).toBe(0);
  for (const list of await m.correlations.find({}).toArray()) expect(list.keys.filter((k) => k.startsWith(key))).toEqual([]);
  for (const list of await m.timers.find({}).toArray()) expect(list.keys ?? []).not.toContain(key);
}

describe('an ended instance moves from the runtime to history', () => {
  let h: Harness;
  let fileRuns = 0;
  beforeAll(async () => {
    h = await harness('history-move', ['history-move.bpmn'], {
      'hm.file': async (job) =>
        ++fileRuns === 1 ? jobOutcome.fail('archive offline', { retries: 0 }) : jobOutcome.complete({ filedAs: `A-${String(job.variables.no)}` }),
    });
  });
  afterAll(() => h.close());

  it('with its state, variables, every task and job, and its incidents', async () => {
    const { engine, conn } = h;
    const { key } = await engine.createInstance({ processId: 'history-move', variables: { no: 7 } });
    const [{ key: task }] = await h.waitTasks(key, 'review');
    // while it runs, it is in the runtime only
    expect((await engine.inspect(key)).runtime?.tasks.map((t) => t.key)).toEqual([task]);
    expect((await engine.inspect(key)).history).toBeNull();

    await engine.completeUserTask(task!, { approved: true });
    const incident = await eventually(async () => (await engine.getInstance(key)).incidents.find((i) => i.status === 'open'));
    expect(incident).toMatchObject({ type: 'JOB_NO_RETRIES', elementId: 'file' });
    // the job waits under its incident (stored once the state that holds the incident is written)
    await eventually(async () => (await engineModels(conn).jobs.countDocuments({ instanceKey: key })) === 1, 10_000, 'the job stored');
    await engine.resolveIncident(incident.key, { retries: 1 });
    await eventually(async () => (await engine.inspect(key)).history);

    // the move ends with the lease let go, a moment after the history is written
    await eventually(async () => (await nothingLeftOf(conn, key), true), 10_000, 'nothing of the instance left in the runtime');
    const { runtime, history } = await engine.inspect(key);
    expect(runtime).toBeNull();
    expect(history).toMatchObject({ _id: key, processId: 'history-move', status: 'completed' });
    expect(JSON.parse(history!.variables)).toEqual({ no: 7, approved: true, filedAs: 'A-7' });
    expect(history!.state).toContain('"end"'); // the end state names the end event reached
    expect(history!.trail.map((t) => [t.kind, t.elementId, t.status])).toEqual([
      ['userTask', 'review', 'completed'],
      ['job', 'file', 'completed'],
    ]);
    expect(history!.trail[0]!.key).toBe(task);
    expect(history!.incidents).toEqual([
      expect.objectContaining({ key: incident.key, type: 'JOB_NO_RETRIES', status: 'resolved', resolvedAt: expect.any(Date) }),
    ]);
    // what the monitor reads comes from history now
    const view = await engine.getInstance(key);
    expect(view.status).toBe('completed');
    expect(view.incidents).toEqual([expect.objectContaining({ key: incident.key, status: 'resolved' })]);
  });
});

describe('killed in the middle of the move', () => {
  const CHILD = path.resolve(__dirname, '../../dist/testing/crash-child.js');
  const CRASH_FLOW = { name: 'crash-flow.bpmn', content: readFileSync(path.resolve(__dirname, '../testing/crash-flow.bpmn'), 'utf8') };
  let uri: string;
  let conn: Connection;
  beforeAll(async () => {
    uri = testDbUri('history-move-kill');
    conn = mongoose.createConnection(uri);
    await conn.asPromise();
  });
  afterAll(async () => {
    await conn.dropDatabase();
    await conn.close();
  });

  function run(env: Record<string, string>): { child: ChildProcess; exited: Promise<NodeJS.Signals | number | null> } {
    const child = fork(CHILD, [], { env: { ...process.env, MONGODB_URI: uri, LEASE_MS: '2000', ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return { child, exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code))) };
  }

  it('history written, runtime document not yet deleted: the next start finishes the move', async () => {
    const seeder = testEngine(conn);
    await seeder.start();
    await seeder.deploy([CRASH_FLOW]);
    const keys: string[] = [];
    for (let idx = 0; idx < 4; idx++) keys.push((await seeder.createInstance({ processId: 'crash-flow', variables: { idx, items: [1, 2, 3], count: 0 } })).key);
    await seeder.stop();

    const first = run({ CRASH_AFTER_HISTORY: '1' });
    expect(await first.exited).toBe('SIGKILL');
    const m = engineModels(conn);
    // the kill came between the two writes: some instance is in history and still in the runtime
    const ended = await m.history.find({}).toArray();
    expect(ended.length).toBeGreaterThan(0);
    const halfMoved = [];
    for (const h of ended) if (await m.runtime.findOne({ _id: h._id })) halfMoved.push(h._id);
    expect(halfMoved.length).toBeGreaterThan(0);

    const second = run({});
    try {
      await eventually(
        async () => (await m.history.countDocuments({})) === keys.length && (await m.runtime.countDocuments({})) === 0,
        60_000,
        'every instance moved',
      );
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
    for (const key of keys) {
      await eventually(async () => (await nothingLeftOf(conn, key), true), 10_000, 'nothing left in the runtime');
      const h = await m.history.findOne({ _id: key });
      expect(h?.status).toBe('completed');
      expect(JSON.parse(h!.variables)).toMatchObject({ idx: keys.indexOf(key), approved: true, twice: 6 });
      expect(h!.trail.filter((t) => t.kind === 'userTask' && t.status === 'completed')).toHaveLength(1);
      for (const el of ['A', 'B1', 'B2', 'C']) expect(h!.trail.some((t) => t.kind === 'job' && t.elementId === el && t.status === 'completed')).toBe(true);
    }
    // the half-moved ones kept the history written before the kill: written once, not twice
    expect(await m.history.countDocuments({ _id: { $in: halfMoved } })).toBe(halfMoved.length);
  }, 90_000);
});
