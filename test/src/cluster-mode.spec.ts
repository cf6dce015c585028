/**
 * Cluster mode through the whole API: the real server with the Zeebe adapter, talking to the
 * test doubles of the gateway (gRPC, from gateway.proto) and of the Orchestration Cluster REST
 * API. A contract test: it proves what the system sends to Zeebe and how the inbox follows what
 * Zeebe reports, not Zeebe itself (README, "Cluster mode", for checking on a real cluster).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { INBOX_TASK_LISTENER, INBOX_PROCESS_END_LISTENER } from '@ggzy/engine-workers';
import { TestGrpcGateway, TestRestApi, testZeebeEngine } from '@ggzy/engine-workers/testing';
import { startServer, taskAt, claimAndComplete, eventually, instanceState, PROCESSES_DIR, type TestServer } from './harness';

let s: TestServer;
const gateway = new TestGrpcGateway();
const rest = new TestRestApi();

beforeAll(async () => {
  await gateway.start();
  await rest.start();
  s = await startServer('cluster_mode', { INBOX_STORE: 'database', runWorkers: false }, undefined, (db) =>
    testZeebeEngine(db, gateway, rest, { inboxListeners: true, workerName: 'api-replica-1' }),
  );
});

afterAll(async () => {
  await s?.close();
  await gateway.stop();
  await rest.stop();
});

/** witness1 reports an anomaly without a pause; returns the instance id. */
async function report(title: string, description: string): Promise<string> {
  const witness = await s.login('witness1');
  const started = await witness.post('/api/process-instances', {
    processId: 'anomaly-escalation',
    variables: { projectId: 'XXGC-2026-001', category: 'trade', assignedBy: 'none', title, description, pauseNow: false },
  });
  expect(started.status).toBe(201);
  return started.body.id as string;
}

/** The job Zeebe hands out when a report's acknowledgement task is being created, completed or canceled. */
async function ackListenerJob(instanceId: string, jobKey: string, event: 'CREATING' | 'CANCELING', userTaskKey: string, variables = {}) {
  const definitionKey = (await s.engine.listDefinitions()).find((d) => d.processId === 'anomaly-escalation')!.key;
  return {
    type: INBOX_TASK_LISTENER,
    jobKey,
    kind: 'TASK_LISTENER',
    listenerEventType: event,
    processInstanceKey: instanceId,
    processDefinitionId: 'anomaly-escalation',
    processDefinitionKey: definitionKey,
    elementId: 'ack',
    variables,
    userTask: { userTaskKey, candidateGroups: ['engineering.head'], candidateUsers: [] },
  };
}

/** A report whose acknowledgement task Zeebe has just created (its creating listener job taken): the id and the head's task. */
async function reportAtAck(title: string, description: string, jobKey: string, userTaskKey: string) {
  const id = await report(title, description);
  rest.offerJob(await ackListenerJob(id, jobKey, 'CREATING', userTaskKey));
  return { id, ack: await taskAt(await s.login('eng_head'), id, 'ack') };
}

test('at start every diagram and every form is deployed to Zeebe in one call; health asks the gateway', async () => {
  const [deploy] = gateway.callsOf('DeployResource') as Array<{ resources: Array<{ name: string }> }>;
  const names = deploy.resources.map((r) => r.name).sort();
  const expected = [
    ...readdirSync(PROCESSES_DIR).filter((f) => f.endsWith('.bpmn')),
    ...readdirSync(path.join(PROCESSES_DIR, 'forms')).filter((f) => f.endsWith('.form')),
  ].sort();
  expect(names).toEqual(expected);

  const health = await s.anonymous().get('/api/health');
  expect(health.status).toBe(200);
  expect(health.body.engine).toMatchObject({ mode: 'cluster', ok: true, gatewayVersion: '8.8.0' });
  expect(gateway.callsOf('Topology').length).toBeGreaterThan(0);
});

test('a report started in the inbox runs on Zeebe: the task Zeebe creates reaches the head, whose claim and approval go back to Zeebe', async () => {
  // given
  const witness = await s.login('witness1');
  const head = await s.login('eng_head');

  // when the witness reports
  const started = await witness.post('/api/process-instances', {
    processId: 'anomaly-escalation',
    variables: {
      projectId: 'XXGC-2026-001',
      category: 'trade',
      assignedBy: 'none',
      title: '开标现场投标文件雷同',
      description: '两家投标文件技术部分高度雷同。',
      pauseNow: false,
    },
  });

  // then Zeebe is asked to start it with the report and who reported it
  expect(started.status).toBe(201);
  const id = started.body.id as string;
  const [create] = gateway.callsOf('CreateProcessInstance').slice(-1);
  expect(create.bpmnProcessId).toBe('anomaly-escalation');
  const sentVars = JSON.parse(String(create.variables));
  expect(sentVars).toMatchObject({ title: '开标现场投标文件雷同', starter: 'witness1', starterSection: 'engineering' });

  // when Zeebe creates the acknowledgement task (its creating listener job)
  const creating = await ackListenerJob(id, '2251799813700001', 'CREATING', '2251799813700002', sentVars);
  rest.offerJob({ ...creating, userTask: { ...creating.userTask, dueDate: new Date(Date.now() + 7_200_000).toISOString(), priority: 90 } });

  // then the head sees it in the section's unclaimed tasks, named and formed as drawn
  const ack = await taskAt(head, id, 'ack');
  expect(ack).toMatchObject({ id: '2251799813700002', name: '科室负责人确认', formId: 'anomaly-ack', candidateGroups: ['engineering.head'], priority: 90 });
  expect(rest.callsTo('POST', /^\/v2\/jobs\/2251799813700001\/completion$/)).toHaveLength(1);
  expect((await witness.get('/api/tasks?view=unclaimed')).body.items.some((t: { id: string }) => t.id === ack.id)).toBe(false);

  // when the head claims and acknowledges
  await claimAndComplete(head, ack.id, { ackOpinion: '情况紧急，已确认' });

  // then Zeebe is told who took it and what they decided
  expect(rest.callsTo('POST', /^\/v2\/user-tasks\/2251799813700002\/assignment$/)[0].body).toEqual({ assignee: 'eng_head', allowOverride: true });
  const completion = rest.callsTo('POST', /^\/v2\/user-tasks\/2251799813700002\/completion$/)[0].body as { variables: Record<string, unknown> };
  expect(completion.variables).toMatchObject({ ackOpinion: '情况紧急，已确认', ackBy: 'eng_head' });
  expect((await head.get(`/api/tasks/${ack.id}`)).body.task.status).toBe('completed');

  // when the process ends on Zeebe
  rest.offerJob({
    type: INBOX_PROCESS_END_LISTENER,
    jobKey: '2251799813700003',
    kind: 'EXECUTION_LISTENER',
    listenerEventType: 'END',
    processInstanceKey: id,
    processDefinitionId: 'anomaly-escalation',
    processDefinitionKey: creating.processDefinitionKey,
    elementId: 'anomaly-escalation',
    variables: { ...sentVars, verifyResult: 'unsubstantiated' },
  });

  // then the witness sees it completed among the flows they started
  await eventually(async () => (await instanceState(witness, id)).instance?.state === 'completed', 10_000, 'instance completed');
});

test('an admin’s cancel goes to Zeebe, and the task Zeebe cancels leaves the inbox', async () => {
  const head = await s.login('eng_head');
  const admin = await s.login('admin');
  const { id, ack } = await reportAtAck('另一条报告', '用于撤销。', '2251799813700011', '2251799813700012');

  const canceled = await admin.post(`/api/process-instances/${id}/cancel`, { reason: '重复上报' });
  expect(canceled.status).toBe(200);
  expect(gateway.callsOf('CancelProcessInstance').slice(-1)[0]).toMatchObject({ processInstanceKey: id });

  rest.offerJob(await ackListenerJob(id, '2251799813700013', 'CANCELING', '2251799813700012'));
  await eventually(
    async () => (await head.get('/api/tasks?view=unclaimed')).body.items.every((t: { id: string }) => t.id !== ack.id),
    10_000,
    'task withdrawn',
  );
  expect((await instanceState(admin, id)).instance.state).toBe('canceled');
});

test('a completion Zeebe cannot take at the moment is accepted and delivered by the catch-up', async () => {
  const head = await s.login('eng_head');
  const { ack } = await reportAtAck('第三条报告', '集群繁忙时确认。', '2251799813700021', '2251799813700022');

  // when Zeebe keeps answering 409 (busy) through the adapter's retries
  for (let i = 0; i < 3; i++) rest.failOnce(/^POST \/v2\/user-tasks\/2251799813700022\/completion$/, 409);
  const done = await claimAndComplete(head, ack.id, { ackOpinion: '已确认' });

  // then the head's completion is accepted, and the next catch-up delivers it
  expect(done.status).toBe('completed');
  expect(rest.callsTo('POST', /^\/v2\/user-tasks\/2251799813700022\/completion$/)).toHaveLength(3);
  // the minute's catch-up leaves a completion this fresh to the request that made it …
  expect(await s.system.link.catchUp({ minAgeMs: s.system.link.catchUpAfterMs })).toEqual({ added: 0, completed: 0 });
  // … and delivers it once it is older (here: asked for without the age limit)
  expect(await s.system.link.catchUp()).toEqual({ added: 0, completed: 1 });
  const calls = rest.callsTo('POST', /^\/v2\/user-tasks\/2251799813700022\/completion$/);
  expect(calls).toHaveLength(4);
  expect((calls[3].body as { variables: Record<string, unknown> }).variables).toMatchObject({ ackOpinion: '已确认', ackBy: 'eng_head' });
  expect(await s.system.link.catchUp()).toEqual({ added: 0, completed: 0 });
});

test('a completion accepted while the cluster was busy is voided when Zeebe closes the step instead', async () => {
  const head = await s.login('eng_head');
  const admin = await s.login('admin');
  const { id, ack } = await reportAtAck('第四条报告', '确认时集群繁忙，随后环节被关闭。', '2251799813700031', '2251799813700032');
  for (let i = 0; i < 3; i++) rest.failOnce(/^POST \/v2\/user-tasks\/2251799813700032\/completion$/, 409);
  expect((await claimAndComplete(head, ack.id, { ackOpinion: '已确认' })).status).toBe('completed');

  // when Zeebe closes the step before the completion reaches it
  rest.offerJob(await ackListenerJob(id, '2251799813700033', 'CANCELING', '2251799813700032'));

  // then the inbox shows it did not take effect, and the trail says so
  await eventually(async () => (await head.get(`/api/tasks/${ack.id}`)).body.task.status === 'canceled', 10_000, 'completion voided');
  const trail = (await admin.get(`/api/audit?instanceId=${id}`)).body.items as Array<{ action: string; actor: string }>;
  expect(trail.filter((e) => e.action === 'task.completion-void')).toEqual([expect.objectContaining({ actor: 'eng_head' })]);
});

test('a start cut short after Zeebe made the instance is carried through from the cluster’s search: its record and event, no second instance', async () => {
  // given a start written down whose answer never came back (the process stopped after Zeebe made the instance)
  const done = await report('中断的发起', '集群已创建实例，应答丢失');
  const template = await s.db.collection('start_requests').findOne({ 'reply.id': done });
  expect(template).toBeTruthy();
  const key = '2251799813699991';
  await s.db.collection('start_requests').insertOne({
    ...template!,
    _id: 'cut-short-1' as never,
    instanceKey: 'req-cut-short-1',
    state: 'pending',
    reply: undefined,
    at: new Date(Date.now() - 60_000),
  });
  const definitionKey = (await s.engine.listDefinitions()).find((d) => d.processId === 'anomaly-escalation')!.key;
  rest.variables.push({ name: 'ggzyStartRequest', value: '"req-cut-short-1"', processInstanceKey: key });
  rest.processInstances.set(key, {
    processInstanceKey: key,
    processDefinitionId: 'anomaly-escalation',
    processDefinitionVersion: 1,
    processDefinitionKey: definitionKey,
    state: 'ACTIVE',
  });
  const creates = gateway.callsOf('CreateProcessInstance').length;

  // when the start recovery runs
  expect(await s.system.starts.recover(0)).toBe(1);

  // then the instance Zeebe made has its record and its start event, and no second one was made
  expect(gateway.callsOf('CreateProcessInstance')).toHaveLength(creates);
  const admin = await s.login('admin');
  const detail = await admin.get(`/api/process-instances/${key}`);
  expect(detail.status).toBe(200);
  expect(detail.body.instance).toMatchObject({ id: key, state: 'active', starter: 'witness1' });
  const trail = (await (await s.login('director')).get(`/api/audit?instanceId=${key}&action=instance.started`)).body.items;
  expect(trail).toEqual([expect.objectContaining({ actor: 'witness1' })]);
  expect((await s.db.collection('start_requests').findOne({ _id: 'cut-short-1' as never }))?.state).toBe('done');
});
