/**
 * Contract tests of the cluster adapter: `ZeebeEngine` talks to a gRPC server built from Zeebe's
 * published gateway.proto and to an HTTP server answering the Orchestration Cluster REST API's
 * shapes. They assert the exact requests the adapter sends and how it handles what comes back
 * (activated jobs, failures, BPMN errors, dropped streams). They prove the wire calls, not Zeebe's
 * behaviour: that needs a real cluster (README, "Cluster mode").
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { Connection } from 'mongoose';
import { connectTestDb, eventually, quietLogger } from '../testing/test-db';
import { TestGrpcGateway, TestRestApi, testZeebeEngine } from '../testing/zeebe-test-gateway';
import { jobOutcome, type UserTaskRecord } from '../port/engine-port';
import { ZeebeEngine } from './zeebe-engine';
import { INBOX_PROCESS_END_LISTENER, INBOX_TASK_LISTENER } from './inbox-listeners';

const PROCESSES = path.resolve(__dirname, '../../../processes');
const archiveXml = readFileSync(path.join(PROCESSES, 'archive-lending.bpmn'), 'utf8');
const archiveForm = readFileSync(path.join(PROCESSES, 'forms/archive-check.form'), 'utf8');

let db: Connection;
let gateway: TestGrpcGateway;
let rest: TestRestApi;
let engine: ZeebeEngine;

function newEngine(inboxListeners = false): ZeebeEngine {
  return testZeebeEngine(db, gateway, rest, { inboxListeners });
}

beforeAll(async () => {
  db = await connectTestDb('zeebe_contract');
  gateway = new TestGrpcGateway();
  await gateway.start();
  rest = new TestRestApi();
  await rest.start();
});

afterAll(async () => {
  await gateway.stop();
  await rest.stop();
  await db.dropDatabase();
  await db.close();
});

beforeEach(async () => {
  engine = newEngine();
  await engine.start();
});

afterEach(async () => {
  await engine.stop();
});

describe('commands over gRPC', () => {
  test('deploy sends the diagram with the inbox listeners and its forms in one DeployResource, and keeps the drawn XML', async () => {
    const res = await engine.deploy([
      { name: 'archive-lending.bpmn', content: archiveXml },
      { name: 'archive-check.form', content: archiveForm },
    ]);
    const [req] = gateway.callsOf('DeployResource').slice(-1) as Array<{ resources: Array<{ name: string; content: Buffer }> }>;
    expect(req.resources.map((r) => r.name)).toEqual(['archive-lending.bpmn', 'archive-check.form']);
    const sent = req.resources[0].content.toString();
    const userTasks = (archiveXml.match(/<zeebe:userTask \/>/g) ?? []).length;
    expect(userTasks).toBeGreaterThan(2);
    expect(sent.match(new RegExp(`<zeebe:taskListener eventType="creating"[^>]*type="${INBOX_TASK_LISTENER}"`, 'g'))).toHaveLength(userTasks);
    expect(sent.match(new RegExp(`<zeebe:taskListener eventType="canceling"[^>]*type="${INBOX_TASK_LISTENER}"`, 'g'))).toHaveLength(userTasks);
    expect(sent).toMatch(new RegExp(`<zeebe:executionListener eventType="end"[^>]*type="${INBOX_PROCESS_END_LISTENER}"`));
    expect(req.resources[1].content.toString()).toBe(archiveForm);

    expect(res.processes).toEqual([expect.objectContaining({ processId: 'archive-lending', version: 1, resourceName: 'archive-lending.bpmn' })]);
    const detail = await engine.getDefinition(res.processes[0].key);
    expect(detail.xml).toBe(archiveXml);
    expect((await engine.listDefinitions()).map((d) => d.key)).toContain(res.processes[0].key);
  });

  test('a diagram uploaded without the .bpmn ending is deployed under a name Zeebe recognises', async () => {
    await engine.deploy([{ name: 'redrawn', content: archiveXml }]);
    const [req] = gateway.callsOf('DeployResource').slice(-1) as Array<{ resources: Array<{ name: string }> }>;
    expect(req.resources.map((r) => r.name)).toEqual(['redrawn.bpmn']);
  });

  test('a diagram the engine cannot run is refused before anything is sent', async () => {
    const before = gateway.callsOf('DeployResource').length;
    await expect(engine.deploy([{ name: 'bad.bpmn', content: '<not-bpmn' }])).rejects.toMatchObject({ code: 'BPMN_PARSE_ERROR' });
    expect(gateway.callsOf('DeployResource')).toHaveLength(before);
  });

  test('create instance, publish message, set variables and cancel send the fields Zeebe expects', async () => {
    const created = await engine.createInstance({ processId: 'archive-lending', variables: { archiveNo: 'A-1', days: 3 } });
    const [c] = gateway.callsOf('CreateProcessInstance').slice(-1);
    expect(c).toMatchObject({ bpmnProcessId: 'archive-lending' });
    expect(JSON.parse(String(c.variables))).toEqual({ archiveNo: 'A-1', days: 3 });
    expect(created.processId).toBe('archive-lending');
    const view = await engine.getInstance(created.key);
    expect(view).toMatchObject({ status: 'active', variables: { archiveNo: 'A-1', days: 3 } });

    await engine.publishMessage({ name: 'materials-supplied', correlationKey: 'C-7', variables: { ok: true }, timeToLive: 60_000, messageId: 'm-1' });
    const [m] = gateway.callsOf('PublishMessage').slice(-1);
    expect(m).toMatchObject({ name: 'materials-supplied', correlationKey: 'C-7', timeToLive: '60000', messageId: 'm-1' });
    expect(JSON.parse(String(m.variables))).toEqual({ ok: true });

    await engine.setVariables(created.key, { days: 5 });
    const [s] = gateway.callsOf('SetVariables').slice(-1);
    expect(s).toMatchObject({ elementInstanceKey: created.key, local: false });
    expect(JSON.parse(String(s.variables))).toEqual({ days: 5 });
    expect((await engine.getInstance(created.key)).variables).toEqual({ archiveNo: 'A-1', days: 5 });

    const canceled: string[] = [];
    engine.on('instance.canceled', (i) => void canceled.push(i.key));
    await engine.cancelInstance(created.key);
    expect(gateway.callsOf('CancelProcessInstance').slice(-1)[0]).toMatchObject({ processInstanceKey: created.key });
    expect(canceled).toEqual([created.key]);
    expect((await engine.getInstance(created.key)).status).toBe('canceled');
  });

  test("a start carries its request key; made again, it finds the first instance in the cluster's search instead of starting a second", async () => {
    // given a start whose answer was lost: the cluster made the instance, nothing here knows its key
    const first = await engine.createInstance({ processId: 'archive-lending', variables: { archiveNo: 'A-2' }, requestKey: 'req-1' });
    const [c] = gateway.callsOf('CreateProcessInstance').slice(-1);
    expect(JSON.parse(String(c.variables))).toEqual({ archiveNo: 'A-2', ggzyStartRequest: 'req-1' });
    await db.collection('cluster_instances').deleteOne({ _id: first.key as never });
    rest.variables.push({ name: 'ggzyStartRequest', value: '"req-1"', processInstanceKey: first.key });
    rest.processInstances.set(first.key, {
      processInstanceKey: first.key,
      processDefinitionId: 'archive-lending',
      processDefinitionVersion: first.version,
      processDefinitionKey: first.definitionKey,
      state: 'ACTIVE',
      startDate: new Date().toISOString(),
    });
    const creates = gateway.callsOf('CreateProcessInstance').length;

    // when it is made again with the same key
    const again = await engine.createInstance({ processId: 'archive-lending', variables: { archiveNo: 'A-2' }, requestKey: 'req-1', repeat: true });

    // then it is the first instance, mirrored again, and the cluster was not asked for another
    expect(again).toEqual(first);
    expect(gateway.callsOf('CreateProcessInstance')).toHaveLength(creates);
    expect(rest.callsTo('POST', /^\/v2\/variables\/search$/).slice(-1)[0]?.body).toMatchObject({ filter: { name: 'ggzyStartRequest', value: '"req-1"' } });
    expect(await engine.getInstance(first.key)).toMatchObject({ status: 'active', processId: 'archive-lending' });

    // and a start made again that the cluster never had (the search shows none) is made
    const fresh = await engine.createInstance({ processId: 'archive-lending', variables: {}, requestKey: 'req-2', repeat: true });
    expect(gateway.callsOf('CreateProcessInstance')).toHaveLength(creates + 1);
    expect(fresh.key).not.toBe(first.key);
  });

  test('a gateway error becomes a clear error: unknown process → 404, duplicate message id → 409', async () => {
    gateway.failOnce('CreateProcessInstance', { code: grpc.status.NOT_FOUND, details: 'Command rejected with code CREATE: NOT_FOUND' });
    await expect(engine.createInstance({ processId: 'nope' })).rejects.toMatchObject({ status: 404 });
    gateway.failOnce('PublishMessage', { code: grpc.status.ALREADY_EXISTS, details: 'message with id m-2 already published' });
    await expect(engine.publishMessage({ name: 'x', correlationKey: 'k', messageId: 'm-2', timeToLive: 1000 })).rejects.toMatchObject({
      status: 409,
      code: 'MESSAGE_ALREADY_PUBLISHED',
    });
  });
});

test('health asks the gateway for its topology, and says so when it cannot be reached', async () => {
  expect(await engine.health()).toMatchObject({ ok: true, partitions: 1, gatewayVersion: '8.8.0' });
  const away = new ZeebeEngine({
    connection: db,
    logger: quietLogger,
    sdk: {
      ZEEBE_GRPC_ADDRESS: 'grpc://127.0.0.1:1',
      ZEEBE_REST_ADDRESS: 'http://127.0.0.1:1',
      ZEEBE_CLIENT_LOG_LEVEL: 'NONE',
      CAMUNDA_LOG_LEVEL: 'none',
    } as never,
  });
  const h = await away.health();
  expect(h.ok).toBe(false);
  expect(String(h.error)).not.toBe('');
  await away.stop();
});

describe('job workers over gRPC', () => {
  test('an activated job reaches the handler with its variables and headers, and is completed with the handler’s variables', async () => {
    const seen: unknown[] = [];
    engine.createWorker({
      taskType: 'contract.complete',
      handler: async (job) => {
        seen.push({ vars: job.variables, headers: job.customHeaders, elementId: job.elementId, retries: job.retries });
        return jobOutcome.complete({ done: job.variables.n });
      },
    });
    const key = gateway.offerJob({ type: 'contract.complete', variables: { n: 7 }, customHeaders: { timeLimit: 'ack' }, elementId: 'notify' });
    const done = await eventually(async () => gateway.callsOf('CompleteJob').find((r) => r.jobKey === key), 10_000, 'CompleteJob');
    expect(JSON.parse(String(done.variables))).toEqual({ done: 7 });
    expect(seen).toEqual([{ vars: { n: 7 }, headers: { timeLimit: 'ack' }, elementId: 'notify', retries: 3 }]);
    const [act] = gateway.callsOf('ActivateJobs').filter((r) => r.type === 'contract.complete');
    expect(act).toMatchObject({ type: 'contract.complete', worker: 'contract-test' });
  });

  test('a failing handler fails the job with one retry fewer and the back-off it asked for', async () => {
    engine.createWorker({ taskType: 'contract.fail', handler: async () => jobOutcome.fail('mail server down', { retryBackOff: 5000 }) });
    engine.createWorker({
      taskType: 'contract.throw',
      handler: async () => {
        throw new Error('boom');
      },
    });
    const k1 = gateway.offerJob({ type: 'contract.fail', retries: 3 });
    const k2 = gateway.offerJob({ type: 'contract.throw', retries: 2 });
    const f1 = await eventually(async () => gateway.callsOf('FailJob').find((r) => r.jobKey === k1), 10_000, 'FailJob 1');
    const f2 = await eventually(async () => gateway.callsOf('FailJob').find((r) => r.jobKey === k2), 10_000, 'FailJob 2');
    expect(f1).toMatchObject({ retries: 2, errorMessage: 'mail server down', retryBackOff: '5000' });
    expect(f2).toMatchObject({ retries: 1, errorMessage: 'boom' });
  });

  test('a business refusal throws a BPMN error with code, message and variables', async () => {
    engine.createWorker({ taskType: 'contract.error', handler: async () => jobOutcome.error('MATERIALS_MISSING', '缺少工作证', { missing: ['workId'] }) });
    const key = gateway.offerJob({ type: 'contract.error' });
    const e = await eventually(async () => gateway.callsOf('ThrowError').find((r) => r.jobKey === key), 10_000, 'ThrowError');
    expect(e).toMatchObject({ errorCode: 'MATERIALS_MISSING', errorMessage: '缺少工作证' });
    expect(JSON.parse(String(e.variables))).toEqual({ missing: ['workId'] });
  });

  test('the last retry failing records an incident; retrying it restores retries and resolves Zeebe’s incident', async () => {
    const incidents: unknown[] = [];
    engine.on('incident.created', (i) => void incidents.push(i));
    const created = await engine.createInstance({ processId: 'archive-lending' });
    engine.createWorker({ taskType: 'contract.last', handler: async () => jobOutcome.fail('still down') });
    const key = gateway.offerJob({ type: 'contract.last', retries: 1, processInstanceKey: created.key, elementId: 'grant' });
    await eventually(async () => gateway.callsOf('FailJob').find((r) => r.jobKey === key), 10_000, 'FailJob');
    const view = await eventually(async () => {
      const v = await engine.getInstance(created.key);
      return v.incidents.length ? v : null;
    });
    expect(view.incidents[0]).toMatchObject({ key: `job-${key}`, elementId: 'grant', jobKey: key, status: 'open', message: 'still down' });
    expect(view.activeElements).toContain('grant');
    expect(incidents).toHaveLength(1);

    // not yet visible in the cluster's search: nothing is changed
    const retriesBefore = gateway.callsOf('UpdateJobRetries').length;
    await expect(engine.resolveIncident(`job-${key}`)).rejects.toMatchObject({ code: 'INCIDENT_NOT_FOUND', status: 409 });
    expect(gateway.callsOf('UpdateJobRetries')).toHaveLength(retriesBefore);
    expect((await engine.getInstance(created.key)).incidents[0].status).toBe('open');

    rest.incidents = [{ incidentKey: '4503599627370501', jobKey: key, state: 'ACTIVE' }];
    await engine.resolveIncident(`job-${key}`, { retries: 2 });
    expect(gateway.callsOf('UpdateJobRetries').slice(-1)[0]).toMatchObject({ jobKey: key, retries: 2 });
    expect(rest.callsTo('POST', /^\/v2\/incidents\/search$/).slice(-1)[0].body).toMatchObject({ filter: { jobKey: key } });
    expect(rest.callsTo('POST', /^\/v2\/incidents\/4503599627370501\/resolution$/)).toHaveLength(1);
    expect((await engine.getInstance(created.key)).incidents[0].status).toBe('resolved');
  });

  test('a dropped ActivateJobs stream is opened again and the job still runs', async () => {
    gateway.failOnce('ActivateJobs', { code: grpc.status.UNAVAILABLE, details: 'broker restarting' });
    gateway.failOnce('ActivateJobs', { code: grpc.status.UNAVAILABLE, details: 'broker restarting' });
    const ran: string[] = [];
    engine.createWorker({
      taskType: 'contract.reconnect',
      handler: async (job) => {
        ran.push(job.key);
        return jobOutcome.complete();
      },
    });
    const key = gateway.offerJob({ type: 'contract.reconnect' });
    await eventually(async () => gateway.callsOf('CompleteJob').find((r) => r.jobKey === key), 20_000, 'CompleteJob after reconnect');
    expect(ran).toEqual([key]);
    expect(gateway.callsOf('ActivateJobs').filter((r) => r.type === 'contract.reconnect').length).toBeGreaterThanOrEqual(3);
  });
});

describe('user tasks over REST', () => {
  let listening: ZeebeEngine;
  let definitionKey: string;

  beforeAll(async () => {
    listening = newEngine(true);
    definitionKey = (await listening.deploy([{ name: 'archive-lending.bpmn', content: archiveXml }])).processes[0].key;
    await listening.start();
  });

  afterAll(async () => {
    await listening.stop();
  });

  function taskListenerJob(jobKey: string, event: 'CREATING' | 'COMPLETING' | 'CANCELING', userTaskKey: string, instanceKey: string) {
    return {
      type: INBOX_TASK_LISTENER,
      jobKey,
      kind: 'TASK_LISTENER',
      listenerEventType: event,
      processInstanceKey: instanceKey,
      processDefinitionId: 'archive-lending',
      processDefinitionKey: definitionKey,
      elementId: 'check',
      variables: { archiveNo: 'A-9', applicant: 'external1' },
      userTask: { userTaskKey, assignee: null, candidateGroups: ['supervision'], candidateUsers: [], dueDate: '2026-12-01T08:00:00.000Z', priority: 50 },
    };
  }

  test('a creating listener job tells the inbox of the task (name, form and headers from the diagram), then completes the job', async () => {
    const created: UserTaskRecord[] = [];
    let stored = false;
    listening.on('userTask.created', async (t) => {
      await new Promise((r) => setTimeout(r, 50)); // the inbox writing the task
      created.push(t);
      stored = true;
    });
    rest.offerJob(taskListenerJob('900001', 'CREATING', '800001', '700001'));
    const done = await eventually(async () => rest.callsTo('POST', /^\/v2\/jobs\/900001\/completion$/)[0], 10_000, 'listener job completion');
    // The job is completed only after the inbox had stored the task, and without variables.
    expect(stored).toBe(true);
    expect(done.body ?? {}).not.toHaveProperty('variables');
    expect(created).toEqual([
      expect.objectContaining({
        key: '800001',
        processInstanceKey: '700001',
        processId: 'archive-lending',
        elementId: 'check',
        name: '监督科审查申请',
        formId: 'archive-check',
        candidateGroups: ['supervision'],
        dueDate: '2026-12-01T08:00:00.000Z',
        priority: 50,
        variables: { archiveNo: 'A-9', applicant: 'external1' },
      }),
    ]);
    expect(created[0].customHeaders).toHaveProperty('timeLimit');
    const activation = rest.callsTo('POST', /^\/v2\/jobs\/activation$/).find((c) => c.body?.type === INBOX_TASK_LISTENER);
    expect(activation?.body).toMatchObject({ type: INBOX_TASK_LISTENER, worker: 'contract-test', maxJobsToActivate: 32 });
    expect((await listening.listOpenUserTasks()).map((t) => t.key)).toContain('800001');
    expect((await listening.getInstance('700001')).activeElements).toEqual(['check']);
  });

  test('claim, unclaim and complete go to the user-task endpoints; a task Zeebe no longer has is a conflict', async () => {
    await listening.assignUserTask('800001', 'sup1');
    expect(rest.callsTo('POST', /^\/v2\/user-tasks\/800001\/assignment$/).slice(-1)[0].body).toEqual({ assignee: 'sup1', allowOverride: true });
    await listening.assignUserTask('800001', null);
    expect(rest.callsTo('DELETE', /^\/v2\/user-tasks\/800001\/assignee$/)).toHaveLength(1);

    const completed: string[] = [];
    listening.on('userTask.completed', (t) => void completed.push(t.key));
    await listening.completeUserTask('800001', { decision: 'pass', checkBy: 'sup1' });
    expect(rest.callsTo('POST', /^\/v2\/user-tasks\/800001\/completion$/)[0].body).toEqual({ variables: { decision: 'pass', checkBy: 'sup1' } });
    expect(completed).toEqual(['800001']);
    expect((await listening.listOpenUserTasks()).map((t) => t.key)).not.toContain('800001');

    rest.offerJob(taskListenerJob('900002', 'CREATING', '800002', '700001'));
    await eventually(async () => rest.callsTo('POST', /^\/v2\/jobs\/900002\/completion$/)[0]);
    // 409: the task is between states (its creating listener still being completed): tried again
    rest.failOnce(/^POST \/v2\/user-tasks\/800002\/completion$/, 409);
    await listening.completeUserTask('800002', { decision: 'pass' });
    expect(rest.callsTo('POST', /^\/v2\/user-tasks\/800002\/completion$/)).toHaveLength(2);

    rest.offerJob(taskListenerJob('900007', 'CREATING', '800007', '700001'));
    await eventually(async () => rest.callsTo('POST', /^\/v2\/jobs\/900007\/completion$/)[0]);
    // still busy after the retries: a clear conflict, and the task stays open here
    for (let i = 0; i < 3; i++) rest.failOnce(/^POST \/v2\/user-tasks\/800007\/completion$/, 409);
    await expect(listening.completeUserTask('800007', {})).rejects.toMatchObject({ code: 'TASK_BUSY', status: 409 });
    // 404 and no listener has said how the task ended: not decided here (the catch-up tries again)
    rest.failOnce(/^POST \/v2\/user-tasks\/800007\/completion$/, 404);
    await expect(listening.completeUserTask('800007', {})).rejects.toMatchObject({ code: 'TASK_BUSY', status: 409 });
    expect((await listening.listOpenUserTasks()).map((t) => t.key)).toContain('800007');
    // 404 after the completing listener ran (an earlier attempt, or another replica, got through): done
    rest.offerJob(taskListenerJob('900009', 'COMPLETING', '800007', '700001'));
    await eventually(async () => rest.callsTo('POST', /^\/v2\/jobs\/900009\/completion$/)[0]);
    rest.failOnce(/^POST \/v2\/user-tasks\/800007\/completion$/, 404);
    await listening.completeUserTask('800007', { decision: 'pass' });
    expect((await listening.listOpenUserTasks()).map((t) => t.key)).not.toContain('800007');
    // 404 after the canceling listener ran (a timer, a withdrawal): the completion did not take effect
    rest.offerJob(taskListenerJob('900010', 'CREATING', '800010', '700001'));
    await eventually(async () => rest.callsTo('POST', /^\/v2\/jobs\/900010\/completion$/)[0]);
    rest.offerJob(taskListenerJob('900011', 'CANCELING', '800010', '700001'));
    await eventually(async () => rest.callsTo('POST', /^\/v2\/jobs\/900011\/completion$/)[0]);
    rest.failOnce(/^POST \/v2\/user-tasks\/800010\/completion$/, 404);
    await expect(listening.completeUserTask('800010', {})).rejects.toMatchObject({ code: 'TASK_NOT_OPEN', status: 409 });
    rest.failOnce(/^POST \/v2\/user-tasks\/800007\/assignment$/, 404);
    await expect(listening.assignUserTask('800007', 'sup1')).rejects.toMatchObject({ status: 404 });
  });

  test('a listener job the inbox cannot take is offered again later, keeping its retries', async () => {
    rest.offerJob({ ...taskListenerJob('900008', 'CREATING', '', '700004'), userTask: {}, retries: 10 });
    const failed = await eventually(async () => rest.callsTo('POST', /^\/v2\/jobs\/900008\/failure$/)[0], 10_000, 'listener job failure');
    expect(failed.body).toMatchObject({ retries: 10, retryBackOff: 10_000 });
    expect(rest.callsTo('POST', /^\/v2\/jobs\/900008\/completion$/)).toHaveLength(0);
  });

  test('when the inbox fails to store a task, its listener job is failed (offered again), not completed', async () => {
    const failing = async () => {
      throw new Error('inbox database away');
    };
    listening.on('userTask.created', failing);
    try {
      rest.offerJob(taskListenerJob('900012', 'CREATING', '800012', '700005'));
      const failed = await eventually(async () => rest.callsTo('POST', /^\/v2\/jobs\/900012\/failure$/)[0], 10_000, 'listener job failure');
      expect(failed.body).toMatchObject({ retries: 10, errorMessage: 'inbox database away' });
      expect(rest.callsTo('POST', /^\/v2\/jobs\/900012\/completion$/)).toHaveLength(0);
    } finally {
      listening.off('userTask.created', failing);
    }
  });

  test('a canceling listener job withdraws the task from the inbox', async () => {
    rest.offerJob(taskListenerJob('900003', 'CREATING', '800003', '700002'));
    await eventually(async () => rest.callsTo('POST', /^\/v2\/jobs\/900003\/completion$/)[0]);
    const canceled: string[] = [];
    listening.on('userTask.canceled', (t) => void canceled.push(t.key));
    rest.offerJob(taskListenerJob('900004', 'CANCELING', '800003', '700002'));
    await eventually(async () => rest.callsTo('POST', /^\/v2\/jobs\/900004\/completion$/)[0]);
    expect(canceled).toEqual(['800003']);
    expect((await listening.listOpenUserTasks()).map((t) => t.key)).not.toContain('800003');
  });

  test('the process end listener marks the instance completed with its final variables', async () => {
    const ended: unknown[] = [];
    listening.on('instance.completed', (i) => void ended.push(i));
    rest.offerJob({
      type: INBOX_PROCESS_END_LISTENER,
      jobKey: '900005',
      kind: 'EXECUTION_LISTENER',
      listenerEventType: 'END',
      processInstanceKey: '700002',
      processDefinitionId: 'archive-lending',
      processDefinitionKey: definitionKey,
      elementId: 'archive-lending',
      variables: { decision: 'refuse' },
    });
    await eventually(async () => rest.callsTo('POST', /^\/v2\/jobs\/900005\/completion$/)[0]);
    expect(ended).toEqual([{ key: '700002', processId: 'archive-lending', variables: { decision: 'refuse' } }]);
    expect(await listening.getInstance('700002')).toMatchObject({ status: 'completed', activeElements: [] });
  });

  test('a failed activation (REST API down) is retried and later jobs still arrive', async () => {
    rest.failOnce(/^POST \/v2\/jobs\/activation$/, 503);
    rest.offerJob(taskListenerJob('900006', 'CREATING', '800006', '700003'));
    await eventually(async () => rest.callsTo('POST', /^\/v2\/jobs\/900006\/completion$/)[0], 15_000, 'completion after a failed activation');
    expect((await listening.listOpenUserTasks()).map((t) => t.key)).toContain('800006');
  });
});
