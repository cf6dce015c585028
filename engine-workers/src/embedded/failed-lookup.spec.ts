/**
 * A look-up an instance makes while it runs (an outcome, a stored job) that fails — the database
 * away for a moment — is not left at a log line: the instance's waits are looked at again after a
 * back-off, and the instance goes on.
 */
import type { Connection } from 'mongoose';
import { connectTestDb, eventually, testEngine } from '../testing/test-db';
import type { EmbeddedEngine } from './embedded-engine';

const FLOW = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="fl" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="failed-lookup" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:userTask id="review"><bpmn:extensionElements><zeebe:userTask /></bpmn:extensionElements></bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

describe('a failed look-up', () => {
  let conn: Connection;
  let engine: EmbeddedEngine;
  beforeAll(async () => {
    conn = await connectTestDb('failed-lookup');
    // Recovery's own pass (which finds outcomes left unapplied) is kept out of the way: the instance's retry alone must do it.
    engine = testEngine(conn, { pollMs: 600_000 });
    await engine.start();
    await engine.deploy([{ name: 'failed-lookup.bpmn', content: FLOW }]);
  });
  afterAll(async () => {
    await engine.stop();
    await conn.dropDatabase();
    await conn.close();
  });

  it('is made again after a back-off, and the instance goes on', async () => {
    const tasks: string[] = [];
    engine.on('userTask.created', (t) => void tasks.push(t.key));
    const { key } = await engine.createInstance({ processId: 'failed-lookup' });
    const task = await eventually(async () => tasks.find((k) => k.startsWith(`${key}:`)));
    // the next look-up of the task's outcome fails once
    const outcomes = engine.models.outcomes;
    const findOne = outcomes.findOne.bind(outcomes);
    let failed = 0;
    outcomes.findOne = ((...args: Parameters<typeof findOne>) => {
      if (!failed && JSON.stringify(args[0]).includes(`t:${task}`)) {
        failed++;
        return Promise.reject(new Error('the database is away for a moment'));
      }
      return findOne(...args);
    }) as typeof outcomes.findOne;
    try {
      await engine.completeUserTask(task, { approved: true });
      const ended = await eventually(async () => (await engine.inspect(key)).history, 15_000, 'the instance to end');
      expect(failed).toBe(1);
      expect(JSON.parse(ended.variables)).toEqual({ approved: true });
    } finally {
      outcomes.findOne = findOne;
    }
  });
});
