/**
 * Diagrams an admin draws that the engine runs by itself or routes to nobody: an instance started
 * by a timer start event is listed and shown like any other (by the system, in the trail), and a
 * step offered to nobody is offered to the admins, who hand it to a colleague.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, eventually, type TestServer, type Body } from './harness';

let s: TestServer;
beforeAll(async () => {
  s = await startServer('engine-edges');
});
afterAll(() => s?.close());

const fixture = (name: string) => readFileSync(path.join(__dirname, '../fixtures', name), 'utf8');
const TIMER_FLOW = fixture('edges-patrol.bpmn');
const ORPHAN_FLOW = fixture('edges-orphan.bpmn');
const BAD_TIMER_FLOW = fixture('edges-bad-timer.bpmn');

test('an instance a timer start event starts is listed, shown and in the trail, started by the system', async () => {
  const admin = await s.login('admin');
  const deployed = await admin.post('/api/process-definitions', { name: 'edges-patrol.bpmn', xml: TIMER_FLOW });
  expect(deployed.body).toMatchObject({ processes: [expect.objectContaining({ processId: 'edges-patrol' })] });

  const listed = await eventually(
    async () => {
      const r = await admin.get('/api/process-instances?processId=edges-patrol');
      return r.body.items?.length > 0 && r.body.items;
    },
    10_000,
    'the timer-started instance listed',
  );
  expect(listed).toEqual([
    expect.objectContaining({
      processId: 'edges-patrol',
      processName: '定时巡查',
      starter: 'system',
      starterName: '系统（定时）',
      state: 'active',
      title: '定时巡查（定时启动）',
    }),
  ]);
  const id = listed[0].id as string;
  const detail = await admin.get(`/api/process-instances/${id}`);
  expect(detail.status).toBe(200);
  expect(detail.body.instance).toMatchObject({ id, starter: 'system' });
  const trail = (await admin.get(`/api/audit?instanceId=${id}`)).body;
  expect((trail.items ?? trail).filter((e: Body) => e.action === 'instance.started')).toEqual([expect.objectContaining({ actor: 'system' })]);

  // the section the step is offered to sees the step and the instance; a section it is not offered to does not
  const sup = await s.login('sup1');
  const task = await eventually(
    async () => (await sup.get('/api/tasks?view=unclaimed')).body.items.find((t: Body) => t.instanceId === id),
    10_000,
    'the step offered',
  );
  expect(task).toMatchObject({ name: '现场巡查', processName: '定时巡查' });
  expect((await sup.get('/api/process-instances?processId=edges-patrol')).body.items.map((i: Body) => i.id)).toEqual([id]);
  expect((await (await s.login('proc1')).get(`/api/process-instances/${id}`)).status).toBe(404);

  // done, it is completed in the list too
  await sup.post(`/api/tasks/${task.id}/claim`, {});
  expect((await sup.post(`/api/tasks/${task.id}/complete`, { variables: {} })).status).toBe(200);
  await eventually(async () => (await admin.get(`/api/process-instances/${id}`)).body.instance.state === 'completed', 10_000, 'completed in the list');
});

test('a step the diagram offers to nobody is offered to the admins, who may only hand it to a colleague', async () => {
  const admin = await s.login('admin');
  expect((await admin.post('/api/process-definitions', { name: 'edges-orphan.bpmn', xml: ORPHAN_FLOW })).status).toBe(201);
  const sup = await s.login('sup1');
  const started = await sup.post('/api/process-instances', { processId: 'edges-orphan' });
  expect(started.body).toMatchObject({ processId: 'edges-orphan' });
  const id = started.body.id as string;

  const offered = await eventually(
    async () => (await admin.get('/api/tasks?view=unclaimed')).body.items.find((t: Body) => t.instanceId === id),
    10_000,
    'the step offered to the admins',
  );
  const detail = (await admin.get(`/api/tasks/${offered.id}`)).body;
  expect(detail.actions).toEqual(['comment', 'transfer']);
  // not theirs to do
  expect((await admin.post(`/api/tasks/${offered.id}/claim`, {})).status).toBe(403);
  expect((await admin.post(`/api/tasks/${offered.id}/complete`, { variables: {} })).status).toBe(403);
  // nobody else has it
  expect((await sup.get('/api/tasks?view=unclaimed')).body.items.some((t: Body) => t.instanceId === id)).toBe(false);

  // handed to a colleague of any section, who does it
  const handed = await admin.post(`/api/tasks/${offered.id}/transfer`, { userId: 'office1', comment: '请办理' });
  expect(handed.status).toBe(200);
  expect(handed.body.assignee).toBe('office1');
  const office = await s.login('office1');
  expect((await office.post(`/api/tasks/${offered.id}/complete`, { variables: {} })).status).toBe(200);
  await eventually(async () => (await admin.get(`/api/process-instances/${id}`)).body.instance.state === 'completed', 10_000, 'the flow completed');
  const trail = (await admin.get(`/api/audit?instanceId=${id}`)).body;
  expect((trail.items ?? trail).some((e: Body) => e.action === 'task.transferred' && e.actor === 'admin')).toBe(true);
});

test('an instance the engine could not go on with is shown ended as failed, with its error, in the list and the trail', async () => {
  const admin = await s.login('admin');
  expect((await admin.post('/api/process-definitions', { name: 'edges-bad-timer.bpmn', xml: BAD_TIMER_FLOW })).status).toBe(201);
  const sup = await s.login('sup1');
  const started = await sup.post('/api/process-instances', { processId: 'edges-bad-timer' });
  expect(started.status).toBe(201);
  const id = started.body.id as string;
  const row = await eventually(
    async () => (await admin.get('/api/process-instances?processId=edges-bad-timer')).body.items.find((i: Body) => i.id === id && i.state === 'failed'),
    10_000,
    'the instance shown failed',
  );
  expect(row.endedAt).toEqual(expect.any(String));
  const trail = (await admin.get(`/api/audit?instanceId=${id}`)).body;
  expect((trail.items ?? trail).filter((e: Body) => e.action === 'instance.failed')).toEqual([
    expect.objectContaining({ actor: 'system', data: expect.objectContaining({ error: expect.stringContaining('soon') }) }),
  ]);
  // ended: there is nothing left to cancel, and the answer says so
  const cancel = await admin.post(`/api/process-instances/${id}/cancel`, { reason: '清理' });
  expect([cancel.status, cancel.body.code]).toEqual([409, 'INSTANCE_NOT_ACTIVE']);
});
