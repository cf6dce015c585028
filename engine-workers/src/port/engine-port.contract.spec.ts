/**
 * What the engine port promises about its events (see EngineEvents in engine-port.ts), held for
 * both adapters by the same spec: the embedded engine running a one-task diagram, and the cluster
 * adapter against the Zeebe test servers (Zeebe's part — creating the task, offering a failed
 * listener job again — is played by the test servers as Zeebe documents it).
 */
import type { Connection } from 'mongoose';
import { connectTestDb, eventually, testEngine } from '../testing/test-db';
import { TestGrpcGateway, TestRestApi, testZeebeEngine } from '../testing/zeebe-test-gateway';
import { INBOX_TASK_LISTENER } from '../cluster/inbox-listeners';
import type { EnginePort, UserTaskRecord } from './engine-port';

const ONE_TASK = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:process id="port-contract" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="review" name="审查"><bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition candidateGroups="supervision" /></bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

interface Subject {
  engine: EnginePort;
  /** Make the engine open a user task; resolves with its instance key. */
  openTask(): Promise<string>;
  close(): Promise<void>;
}

let seq = 0;

async function embedded(): Promise<Subject> {
  const db = await connectTestDb(`port_embedded_${seq++}`);
  const engine = testEngine(db, { listenerRetryMs: 100 });
  await engine.start();
  await engine.deploy([{ name: 'port-contract.bpmn', content: ONE_TASK }]);
  return {
    engine,
    openTask: async () => (await engine.createInstance({ processId: 'port-contract' })).key,
    close: async () => {
      await engine.stop();
      await db.dropDatabase();
      await db.close();
    },
  };
}

async function cluster(): Promise<Subject> {
  const db: Connection = await connectTestDb(`port_cluster_${seq++}`);
  const gateway = new TestGrpcGateway();
  await gateway.start();
  const rest = new TestRestApi();
  await rest.start();
  const engine = testZeebeEngine(db, gateway, rest, { inboxListeners: true, listenerRetryBackOffMs: 100 });
  const definitionKey = (await engine.deploy([{ name: 'port-contract.bpmn', content: ONE_TASK }])).processes[0]!.key;
  await engine.start();
  return {
    engine,
    openTask: async () => {
      // Zeebe reaching the user task: its creating listener job, with the task's attributes.
      const n = 700_000 + seq++ * 10;
      rest.offerJob({
        type: INBOX_TASK_LISTENER,
        jobKey: String(n + 1),
        kind: 'TASK_LISTENER',
        listenerEventType: 'CREATING',
        processInstanceKey: String(n + 2),
        processDefinitionId: 'port-contract',
        processDefinitionKey: definitionKey,
        elementId: 'review',
        userTask: { userTaskKey: String(n + 3), assignee: null, candidateGroups: ['supervision'], candidateUsers: [], priority: 50 },
      });
      return String(n + 2);
    },
    close: async () => {
      await engine.stop();
      await gateway.stop();
      await rest.stop();
      await db.dropDatabase();
      await db.close();
    },
  };
}

describe.each([
  ['embedded', embedded],
  ['cluster', cluster],
])('the engine port, %s adapter', (_name, make) => {
  let s: Subject;
  beforeEach(async () => {
    s = await make();
  });
  afterEach(() => s.close());

  test('an event is told once what it reports is stored', async () => {
    // given: a listener that looks at the engine when it hears of a task
    const seen: Array<{ key: string; open: boolean }> = [];
    s.engine.on('userTask.created', async (t) => {
      seen.push({ key: t.key, open: (await s.engine.listOpenUserTasks()).some((x) => x.key === t.key) });
    });
    // when
    const instance = await s.openTask();
    // then
    const first = await eventually(async () => seen[0], 10_000, 'the task to be announced');
    expect(first.open).toBe(true);
    const task = (await s.engine.listOpenUserTasks()).find((t) => t.processInstanceKey === instance)!;
    expect(task.key).toBe(first.key);
    expect(task.elementId).toBe('review');
  });

  test('a listener that fails is told the same event again, and the others are not held up', async () => {
    // given: one listener failing twice, another taking every event
    const tries: string[] = [];
    const others: string[] = [];
    s.engine.on('userTask.created', async (t) => {
      tries.push(t.key);
      if (tries.length <= 2) throw new Error('the inbox is away');
    });
    s.engine.on('userTask.created', (t) => void others.push(`${t.key}@${tries.length}`));
    // when
    await s.openTask();
    // then
    await eventually(async () => tries.length >= 3, 15_000, 'the event to be told a third time');
    expect(new Set(tries).size).toBe(1);
    // The other listener had it at the first telling, while the failing one was still failing.
    expect(others[0]).toBe(`${tries[0]}@1`);
  });

  test('completing a task tells userTask.completed after the task has left the open ones', async () => {
    // given
    const created: UserTaskRecord[] = [];
    s.engine.on('userTask.created', (t) => void created.push(t));
    const completed: Array<{ key: string; stillOpen: boolean }> = [];
    s.engine.on('userTask.completed', async (t) => {
      completed.push({ key: t.key, stillOpen: (await s.engine.listOpenUserTasks()).some((x) => x.key === t.key) });
    });
    await s.openTask();
    const task = await eventually(async () => created[0], 10_000, 'the task');
    // when
    await s.engine.completeUserTask(task.key, { approved: true });
    // then
    const done = await eventually(async () => completed[0], 10_000, 'the completion to be told');
    expect(done).toEqual({ key: task.key, stillOpen: false });
  });
});
