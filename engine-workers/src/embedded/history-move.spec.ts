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
import { connectTestDb, eventually, testDbUri, testEngine } from '../testing/test-db';
import type { EmbeddedEngine } from './embedded-engine';
import { engineModels } from './models';
import mongoose from 'mongoose';

const FLOW = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="hm" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="history-move" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:userTask id="review" name="审核"><bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition candidateGroups="supervision" /></bpmn:extensionElements></bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="file" />
    <bpmn:serviceTask id="file" name="归档"><bpmn:extensionElements><zeebe:taskDefinition type="hm.file" retries="1" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f3" sourceRef="file" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

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
  let conn: Connection;
  let engine: EmbeddedEngine;
  let fileRuns = 0;
  beforeAll(async () => {
    conn = await connectTestDb('history-move');
    engine = testEngine(conn);
    engine.createWorker({
      taskType: 'hm.file',
      handler: async (job) =>
        ++fileRuns === 1 ? jobOutcome.fail('archive offline', { retries: 0 }) : jobOutcome.complete({ filedAs: `A-${String(job.variables.no)}` }),
    });
    await engine.start();
    await engine.deploy([{ name: 'history-move.bpmn', content: FLOW }]);
  });
  afterAll(async () => {
    await engine.stop();
    await conn.dropDatabase();
    await conn.close();
  });

  it('with its state, variables, every task and job, and its incidents', async () => {
    const tasks: string[] = [];
    engine.on('userTask.created', (t) => void tasks.push(t.key));
    const { key } = await engine.createInstance({ processId: 'history-move', variables: { no: 7 } });
    const task = await eventually(async () => tasks.find((k) => k.startsWith(`${key}:`)));
    // while it runs, it is in the runtime only
    expect((await engine.inspect(key)).runtime?.tasks.map((t) => t.key)).toEqual([task]);
    expect((await engine.inspect(key)).history).toBeNull();

    await engine.completeUserTask(task, { approved: true });
    const incident = await eventually(async () => (await engine.getInstance(key)).incidents.find((i) => i.status === 'open'));
    expect(incident).toMatchObject({ type: 'JOB_NO_RETRIES', elementId: 'file' });
    // the job waits under its incident (stored once the state that holds the incident is written)
    await eventually(async () => (await engineModels(conn).jobs.countDocuments({ instanceKey: key })) === 1, 10_000, 'the job stored');
    await engine.resolveIncident(incident.key, { retries: 1 });
    await eventually(async () => (await engine.inspect(key)).history);

    const { runtime, history } = await engine.inspect(key);
    expect(runtime).toBeNull();
    await nothingLeftOf(conn, key);
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
      await nothingLeftOf(conn, key);
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
