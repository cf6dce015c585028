/**
 * The permission matrix: every action by every role on tasks outside their reach is refused (403)
 * and changes nothing; admin-only operations; classified (保密) reports seen only by the entitled.
 */
import { startServer, taskAt, claimAndComplete, PDF, type Body, type Client, type TestServer, requestArchive, verifiedToClassified } from './harness';

let s: TestServer;
beforeAll(async () => {
  s = await startServer('perms');
});
afterAll(() => s?.close());

const ACTIONS: [string, unknown][] = [
  ['claim', {}],
  ['unclaim', {}],
  ['complete', { variables: { verifyResult: 'substantiated', verifyFindings: 'x' } }],
  ['return', { opinion: 'x' }],
  ['transfer', { userId: 'sup2' }],
  ['delegate', { userId: 'sup2' }],
  ['add-signer', { userId: 'sup2' }],
  ['cc', { userIds: ['sup2'] }],
  ['urge', {}],
  ['withdraw', {}],
  ['comments', { text: 'x' }],
];

async function snapshot(taskId: string, instanceId: string) {
  const director = await s.login('director');
  const t = (await director.get(`/api/tasks/${taskId}`)).body.task;
  const audit = (await director.get(`/api/audit?instanceId=${instanceId}&pageSize=200`)).body.total;
  const cc = await s.db.collection('cc_entries').countDocuments({ taskId });
  return { version: t.version, assignee: t.assignee, status: t.status, audit, cc };
}

async function flowAtVerify(title: string, claimBy?: string) {
  const witness = await s.login('witness1');
  const head = await s.login('eng_head');
  const r = await witness.post('/api/process-instances', {
    processId: 'anomaly-escalation',
    variables: { projectId: 'XXGC-2026-001', category: 'trade', assignedBy: 'none', title, description: '说明', pauseNow: false },
  });
  await claimAndComplete(head, (await taskAt(head, r.body.id, 'ack')).id, {});
  const sup = await s.login('sup1');
  const task = await taskAt(sup, r.body.id, 'verify');
  if (claimBy) expect((await (await s.login(claimBy)).post(`/api/tasks/${task.id}/claim`)).status).toBe(200);
  return { instanceId: r.body.id as string, taskId: task.id as string };
}

test.each(['gen1', 'office1', 'proc1', 'external1', 'admin'])(
  '%s: every action on a supervision task outside their reach is refused and changes nothing (the admin only reads)',
  async (user) => {
    const { instanceId, taskId } = await flowAtVerify(`权限矩阵 ${user}`, 'sup1');
    const c = await s.login(user);
    const before = await snapshot(taskId, instanceId);
    for (const [action, body] of ACTIONS) {
      const r = await c.post(`/api/tasks/${taskId}/${action}`, body);
      // Who may not see the task is answered as if it did not exist (ids cannot be probed); the admin, who reads it, is refused.
      expect({ action, status: r.status }).toEqual({ action, status: user === 'admin' ? 403 : 404 });
      expect(r.body.code).toMatch(user === 'admin' ? /FORBIDDEN/ : /^NOT_FOUND$/);
      expect(r.body.message).toBeTruthy();
      expect(r.body.messageEn).toBeTruthy();
    }
    if (user !== 'admin') {
      expect((await c.get(`/api/tasks/${taskId}`)).status).toBe(404);
      expect((await c.get(`/api/process-instances/${instanceId}`)).status).toBe(404);
    }
    expect(await snapshot(taskId, instanceId)).toEqual(before);
  },
);

test('a candidate who is not the assignee may not complete, transfer or delegate a claimed task', async () => {
  const { instanceId, taskId } = await flowAtVerify('认领后他人操作', 'sup1');
  const sup2 = await s.login('sup2');
  const before = await snapshot(taskId, instanceId);
  for (const action of ['claim', 'unclaim', 'complete', 'return', 'transfer', 'delegate', 'add-signer']) {
    const body = ACTIONS.find(([a]) => a === action)![1];
    const r = await sup2.post(`/api/tasks/${taskId}/${action}`, body);
    expect({ action, status: r.status }).toEqual({ action, status: action === 'claim' ? 409 : 403 });
  }
  expect(await snapshot(taskId, instanceId)).toEqual(before);
});

test("a step is transferred only to someone it is offered to (so a leaders' sign-off cannot go to staff)", async () => {
  const { instanceId, taskId } = await flowAtVerify('转办范围', 'sup1');
  const sup1 = await s.login('sup1');
  // sup1 may transfer within supervision, not to the general section
  expect((await sup1.post(`/api/tasks/${taskId}/transfer`, { userId: 'gen1' })).body.code).toBe('TRANSFER_TARGET_NOT_ELIGIBLE');
  expect((await sup1.post(`/api/tasks/${taskId}/transfer`, { userId: 'sup2' })).status).toBe(200);
  void instanceId;
});

test('admin-only operations are refused to others', async () => {
  const { instanceId } = await flowAtVerify('管理员操作');
  const sup = await s.login('sup_head');
  expect((await sup.post('/api/process-definitions', { xml: '<bpmn:definitions/>' })).status).toBe(403);
  expect((await sup.post(`/api/process-instances/${instanceId}/cancel`, { reason: 'x' })).status).toBe(403);
  expect((await (await s.login('sup1')).get('/api/audit/verify')).status).toBe(403);
  expect((await (await s.login('external1')).get('/api/users')).status).toBe(403);
  expect((await s.anonymous().get('/api/tasks')).status).toBe(401);
  // the admin may cancel
  const admin = await s.login('admin');
  expect((await admin.post(`/api/process-instances/${instanceId}/cancel`, { reason: '测试终止' })).status).toBe(200);
  expect((await admin.get(`/api/process-instances/${instanceId}`)).body.instance.state).toBe('canceled');
});

test('attachments are downloadable only by those who may see their flow', async () => {
  const ext = await s.login('external1');
  const up = await ext.upload('工作证.pdf', PDF, { category: 'work-id' });
  expect((await ext.get(`/api/attachments/${up.body.id}`)).status).toBe(200);
  expect((await (await s.login('gen1')).get(`/api/attachments/${up.body.id}`)).status).toBe(403);
});

test('a report classified 保密 is visible only to those entitled', async () => {
  const { instanceId, taskId } = await flowAtVerify('保密专报', 'sup1');
  await verifiedToClassified(s, instanceId, taskId, 'secret');
  const sup1 = await s.login('sup1');

  const see = async (c: Client) => (await c.get(`/api/process-instances/${instanceId}`)).status;
  // those who took part, leaders, and the heads of supervision and office
  for (const u of ['sup1', 'office1', 'director', 'deputy', 'sup_head', 'witness1'])
    expect({ u, status: await see(await s.login(u)) }).toEqual({ u, status: 200 });
  // others in supervision, the admin and other sections do not
  for (const u of ['sup2', 'admin', 'gen1', 'proc1']) expect({ u, status: await see(await s.login(u)) }).toEqual({ u, status: 404 });
  // nor through its tasks, though sup2 was among those the classification step was offered to
  const classifyTask = (await sup1.get(`/api/process-instances/${instanceId}`)).body.tasks.find((t: Body) => t.elementId === 'classify');
  const sup2 = await s.login('sup2');
  expect((await sup2.get(`/api/tasks/${classifyTask.id}`)).status).toBe(404);
  // and someone not entitled cannot widen the circle by CC
  expect((await sup1.post(`/api/tasks/${classifyTask.id}/cc`, { userIds: ['proc1'] })).status).toBe(403);
  expect((await (await s.login('proc1')).get(`/api/tasks/${classifyTask.id}`)).status).toBe(404);
  const list = (await sup2.get('/api/process-instances?pageSize=100')).body.items.map((i: Body) => i.id);
  expect(list).not.toContain(instanceId);
  expect((await s.anonymous().get('/api/public/special-reports')).body.items.map((p: Body) => p.title)).not.toContain('保密专报');
});

test('admins manage people: a new colleague works at once; a disabled one is out at once', async () => {
  const admin = await s.login('admin');
  const created = await admin.post('/api/admin/users', {
    id: 'sup3',
    name: '向监督',
    sections: ['supervision'],
    roles: ['staff'],
    password: 'new-colleague-1',
  });
  expect(created.status).toBe(201);
  expect(created.body.groups).toEqual(['supervision']);
  expect((await admin.post('/api/admin/users', { id: 'sup3', name: 'x', roles: ['staff'], password: 'whatever-1' })).status).toBe(409);
  expect((await admin.post('/api/admin/users', { id: 'bad', name: 'x', roles: ['emperor'], password: 'whatever-1' })).status).toBe(400);
  expect((await (await s.login('sup_head')).post('/api/admin/users', { id: 'sneaky', name: 'x', roles: ['admin'], password: 'whatever-1' })).status).toBe(403);

  // the password the admin gave is changed first; then the new colleague works at once
  const sup3 = await s.login('sup3', 'new-colleague-1');
  const { taskId } = await flowAtVerify('新同事认领');
  expect((await sup3.post(`/api/tasks/${taskId}/claim`)).body.code).toBe('PASSWORD_CHANGE_REQUIRED');
  expect((await sup3.post('/api/auth/password', { currentPassword: 'new-colleague-1', newPassword: 'Tide7-Maple-Quartz' })).status).toBe(204);
  expect((await sup3.post(`/api/tasks/${taskId}/claim`)).status).toBe(200);

  // disabled: the open session stops working and signing in is refused
  const off = await fetch(`${s.base}/api/admin/users/sup3`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ active: false }),
  });
  expect(off.status).toBe(200);
  expect((await sup3.get('/api/me')).status).toBe(401);
  const again = await s.anonymous().post('/api/auth/login', { username: 'sup3', password: 'Tide7-Maple-Quartz' });
  expect(again.body.code).toBe('ACCOUNT_DISABLED');
  const trail = (await admin.get('/api/audit?action=user.updated')).body.items;
  expect(trail[0].data).toMatchObject({ userId: 'sup3', after: { active: false } });
});

test('an instance one may not see is answered as one that does not exist, and ids do not reveal their neighbours', async () => {
  const a = await flowAtVerify('猜测编号一');
  const b = await flowAtVerify('猜测编号二');
  const gen = await s.login('gen1');
  const notMine = await gen.get(`/api/process-instances/${a.instanceId}`);
  const missing = await gen.get(`/api/process-instances/${a.instanceId.slice(0, -4)}ffff`);
  expect([notMine.status, missing.status]).toEqual([404, 404]);
  expect({ ...notMine.body, message: '', messageEn: '' }).toEqual({ ...missing.body, message: '', messageEn: '' });
  expect(notMine.body.message.replace(a.instanceId, '')).toBe(missing.body.message.replace(`${a.instanceId.slice(0, -4)}ffff`, ''));
  // two starts a moment apart share no leading time or counter (as sequential ObjectIds would)
  expect(a.instanceId.slice(0, 8)).not.toBe(b.instanceId.slice(0, 8));
  expect((await gen.get(`/api/audit?instanceId=${a.instanceId}`)).status).toBe(404);
});

test('files are added to a flow only by those who act on it, and only while it runs', async () => {
  const ext = await s.login('external1');
  const started = await requestArchive(ext, {
    archiveId: 'DA-XXGC-2025-031',
    requesterUnit: '州住建局',
    officerName: '吴监管',
    purpose: '附件权限',
    requestedDays: 1,
  });
  expect(started.status).toBe(201);
  const id = started.body.id as string;
  // the starter, and supervision (offered the open check)
  expect((await ext.upload('补充.pdf', PDF, { category: 'other', instanceId: id })).status).toBe(201);
  expect((await (await s.login('sup2')).upload('核查.pdf', PDF, { category: 'evidence', instanceId: id })).status).toBe(201);
  // a leader who oversees it reads it, but does not add to it; an admin neither
  const deputy = await s.login('deputy');
  expect((await deputy.get(`/api/process-instances/${id}`)).status).toBe(200);
  const byDeputy = await deputy.upload('领导.pdf', PDF, { category: 'other', instanceId: id });
  expect([byDeputy.status, byDeputy.body.code]).toEqual([403, 'ATTACH_FORBIDDEN']);
  const byAdmin = await (await s.login('admin')).upload('管理员.pdf', PDF, { category: 'other', instanceId: id });
  expect(byAdmin.status).toBe(403);
  // an ended flow takes no more files
  expect((await (await s.login('admin')).post(`/api/process-instances/${id}/cancel`, { reason: '测试' })).status).toBe(200);
  const late = await ext.upload('晚了.pdf', PDF, { category: 'other', instanceId: id });
  expect([late.status, late.body.code]).toEqual([409, 'INSTANCE_NOT_ACTIVE']);
});
