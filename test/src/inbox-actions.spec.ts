/**
 * The inbox's actions over HTTP: unclaim, transfer, delegate and get back, add a signer, CC, urge,
 * withdraw, comments; views and filters; 50 people claiming at once.
 */
import { randomUUID } from 'node:crypto';
import { AuthService, epochCollectionName, peopleModels } from '@ggzy/api';
import { startServer, taskAt, claimAndComplete, eventually, type Body, type Client, type TestServer } from './harness';

let s: TestServer;
beforeAll(async () => {
  s = await startServer('inbox', { URGE_INTERVAL_MS: 60_000 });
});
afterAll(() => s?.close());

async function report(witness: Client, title: string, projectId = 'XXGC-2026-001'): Promise<string> {
  const r = await witness.post('/api/process-instances', {
    processId: 'anomaly-escalation',
    variables: { projectId, category: 'trade', assignedBy: 'none', title, description: '现场情况说明', pauseNow: false },
  });
  expect(r.status).toBe(201);
  return r.body.id;
}

/** An instance waiting at supervision's verification. */
async function atVerify(title: string): Promise<{ id: string; taskId: string }> {
  const witness = await s.login('witness1');
  const head = await s.login('eng_head');
  const id = await report(witness, title);
  await claimAndComplete(head, (await taskAt(head, id, 'ack')).id, {});
  const sup = await s.login('sup1');
  return { id, taskId: (await taskAt(sup, id, 'verify')).id };
}

test('claim, unclaim, transfer to a colleague', async () => {
  const { taskId } = await atVerify('转办测试');
  const sup1 = await s.login('sup1');
  const sup2 = await s.login('sup2');
  expect((await sup1.post(`/api/tasks/${taskId}/claim`)).body.assignee).toBe('sup1');
  expect((await sup1.get('/api/tasks?view=mine')).body.items.map((t: Body) => t.id)).toContain(taskId);
  expect((await sup1.post(`/api/tasks/${taskId}/unclaim`)).body.assignee).toBeNull();
  await sup1.post(`/api/tasks/${taskId}/claim`);
  const moved = await sup1.post(`/api/tasks/${taskId}/transfer`, { userId: 'sup2', comment: '请田监督办理' });
  expect(moved.status).toBe(200);
  expect(moved.body.assignee).toBe('sup2');
  expect((await sup2.get('/api/tasks?view=mine')).body.items.map((t: Body) => t.id)).toContain(taskId);
  expect((await sup1.post(`/api/tasks/${taskId}/complete`, { variables: {} })).status).toBe(403);
  const note = await eventually(async () => (await sup2.get('/api/notifications')).body.items.find((n: Body) => n.kind === 'task.transferred'), 5000, 'told');
  expect(note.body).toContain('请田监督办理');
});

test('delegate (委派): the delegate answers, the task comes back to its owner, who completes it', async () => {
  const { id, taskId } = await atVerify('委派测试');
  const sup1 = await s.login('sup1');
  const sup2 = await s.login('sup2');
  await sup1.post(`/api/tasks/${taskId}/claim`);
  const d = await sup1.post(`/api/tasks/${taskId}/delegate`, { userId: 'sup2' });
  expect(d.body).toMatchObject({ assignee: 'sup2', owner: 'sup1', delegationState: 'pending' });
  // the delegate cannot pass it on or delegate again
  expect((await sup2.post(`/api/tasks/${taskId}/delegate`, { userId: 'sup_head' })).status).toBe(403);
  const answered = await sup2.post(`/api/tasks/${taskId}/complete`, { variables: { verifyResult: 'substantiated', verifyFindings: '属实（田监督核实）' } });
  expect(answered.body).toMatchObject({ assignee: 'sup1', delegationState: 'resolved', status: 'open' });
  const back = (await sup1.get(`/api/tasks/${taskId}`)).body;
  expect(back.draft.verifyFindings).toBe('属实（田监督核实）');
  await sup1.post(`/api/tasks/${taskId}/complete`, { variables: back.draft });
  await taskAt(sup1, id, 'draft_sup');
});

test('add a signer (加签): the task cannot be completed until the signer signs', async () => {
  const { taskId } = await atVerify('加签测试');
  const sup1 = await s.login('sup1');
  const head = await s.login('sup_head');
  await sup1.post(`/api/tasks/${taskId}/claim`);
  expect((await sup1.post(`/api/tasks/${taskId}/add-signer`, { userId: 'sup_head', comment: '请赵科长会签' })).status).toBe(200);
  const blocked = await sup1.post(`/api/tasks/${taskId}/complete`, { variables: { verifyResult: 'substantiated', verifyFindings: 'x' } });
  expect(blocked.status).toBe(409);
  expect(blocked.body.code).toBe('SIGNERS_PENDING');
  const signTask = (await head.get('/api/tasks?view=mine')).body.items.find((t: Body) => t.parentTaskId === taskId);
  expect(signTask.kind).toBe('add-sign');
  expect((await head.post(`/api/tasks/${signTask.id}/complete`, { variables: { opinion: '同意核实意见', agree: true } })).status).toBe(200);
  const ok = await sup1.post(`/api/tasks/${taskId}/complete`, { variables: { verifyResult: 'substantiated', verifyFindings: '会签后确认属实' } });
  expect(ok.status).toBe(200);
});

test('CC, comments and urging; the CC view', async () => {
  const { taskId } = await atVerify('抄送测试');
  const sup1 = await s.login('sup1');
  const witness = await s.login('witness1');
  const gen = await s.login('gen1');
  // gen1 cannot see it before being CC'd
  expect((await gen.get(`/api/tasks/${taskId}`)).status).toBe(404);
  await sup1.post(`/api/tasks/${taskId}/claim`);
  expect((await sup1.post(`/api/tasks/${taskId}/cc`, { userIds: ['gen1'], note: '请综合科知悉' })).body.added).toEqual(['gen1']);
  expect((await gen.get('/api/tasks?view=cc')).body.items.map((t: Body) => t.id)).toContain(taskId);
  expect((await gen.get(`/api/tasks/${taskId}`)).status).toBe(200);
  const c = await gen.post(`/api/tasks/${taskId}/comments`, { text: '综合科已知悉，现场录像已保存' });
  expect(c.status).toBe(201);
  // the starter urges; a second urge at once is refused
  const u1 = await witness.post(`/api/tasks/${taskId}/urge`, { note: '请尽快核实' });
  expect(u1.status).toBe(200);
  expect(u1.body.urgeCount).toBe(1);
  expect((await witness.post(`/api/tasks/${taskId}/urge`, {})).status).toBe(429);
  await eventually(async () => (await sup1.get('/api/notifications')).body.items.find((n: Body) => n.kind === 'task.urged'), 5000, 'urged');
  const detail = (await witness.get(`/api/process-instances/${(await sup1.get(`/api/tasks/${taskId}`)).body.task.instanceId}`)).body;
  expect(detail.comments.map((x: Body) => x.text)).toContain('综合科已知悉，现场录像已保存');
});

test('withdraw (撤回) by the starter while the next step is untouched, not after', async () => {
  const witness = await s.login('witness1');
  const head = await s.login('eng_head');
  const id = await report(witness, '撤回测试');
  const ack = await taskAt(head, id, 'ack');
  const w = await witness.post(`/api/tasks/${ack.id}/withdraw`, { reason: '误报' });
  expect(w.status).toBe(200);
  const d = (await witness.get(`/api/process-instances/${id}`)).body;
  expect(d.instance.state).toBe('withdrawn');
  expect((await head.get(`/api/tasks/${ack.id}`)).body.task.status).toBe('canceled');

  const id2 = await report(witness, '撤回测试2');
  const ack2 = await taskAt(head, id2, 'ack');
  await head.post(`/api/tasks/${ack2.id}/claim`);
  const late = await witness.post(`/api/tasks/${ack2.id}/withdraw`, {});
  expect(late.status).toBe(409);
  expect(late.body.code).toBe('TASK_TOUCHED');
  expect((await head.get(`/api/tasks/${ack2.id}`)).body.task.status).toBe('open');
});

test('views filter, sort and page', async () => {
  const witness = await s.login('witness1');
  const head = await s.login('eng_head');
  await report(witness, '分页测试A', 'XXGC-2026-002');
  await report(witness, '分页测试B', 'XXGC-2026-002');
  await eventually(async () => (await head.get('/api/tasks?view=unclaimed&projectId=XXGC-2026-002')).body.total >= 2, 5000, 'two tasks');
  const p1 = await head.get('/api/tasks?view=unclaimed&projectId=XXGC-2026-002&pageSize=1&sort=-created');
  expect(p1.body.items).toHaveLength(1);
  expect(p1.body.total).toBeGreaterThanOrEqual(2);
  const p2 = await head.get('/api/tasks?view=unclaimed&projectId=XXGC-2026-002&pageSize=1&page=2&sort=-created');
  expect(p2.body.items[0].id).not.toBe(p1.body.items[0].id);
  expect(p1.body.items[0].createdAt >= p2.body.items[0].createdAt).toBe(true);
  const started = await witness.get('/api/tasks?view=started&processId=anomaly-escalation');
  expect(started.body.items.every((t: Body) => t.starter === 'witness1')).toBe(true);
  const counts = await head.get('/api/tasks/counts');
  expect(counts.body.unclaimed).toBeGreaterThanOrEqual(2);
});

test('50 people claim one task at the same moment: exactly one wins, the others get a conflict', async () => {
  // given 50 supervision staff
  const { User } = peopleModels(s.db);
  const passwordHash = await AuthService.hashPassword('pw-claim-50');
  const names = Array.from({ length: 50 }, (_, i) => `sup_c${i}`);
  for (const n of names)
    await User.create({ _id: n, name: n, sections: ['supervision'], roles: ['staff'], oversees: [], passwordHash, active: true, createdAt: new Date() });
  const clients = await Promise.all(names.map((n) => s.login(n, 'pw-claim-50')));
  const { taskId } = await atVerify(`并发认领 ${randomUUID().slice(0, 4)}`);

  // when all claim at once
  const replies = await Promise.all(clients.map((c) => c.post(`/api/tasks/${taskId}/claim`)));

  // then one wins
  const wins = replies.filter((r) => r.status === 200);
  expect(wins).toHaveLength(1);
  const losers = replies.filter((r) => r.status === 409);
  expect(losers).toHaveLength(49);
  expect(losers.every((r) => r.body.code === 'TASK_ALREADY_CLAIMED' || r.body.code === 'TASK_CHANGED')).toBe(true);
  const t = (await clients[0]!.get(`/api/tasks/${taskId}`)).body.task;
  expect(t.assignee).toBe(wins[0]!.body.assignee);
  const claims = (await (await s.login('director')).get(`/api/audit?instanceId=${t.instanceId}&action=task.claimed`)).body.items;
  expect(claims.filter((e: Body) => e.taskId === taskId)).toHaveLength(1);
});

// The memory layout's change log (the database layout decides with one guarded update instead).
const memoryLayout = process.env.INBOX_STORE === 'database' ? test.skip : test;
memoryLayout('a change stored first by another process: the claim gets a conflict and leaves no audit event', async () => {
  // given a task whose next version another API process has just written
  const { id, taskId } = await atVerify(`外部变更 ${randomUUID().slice(0, 4)}`);
  // (written where this process writes its log now)
  const log = (s.system.inbox.store as unknown as { log: { epoch: number } }).log;
  await s.db.collection(epochCollectionName(log.epoch)).insertOne({
    _id: `${taskId}#2` as never,
    taskId,
    version: 2,
    at: new Date(),
    change: JSON.stringify({ set: { assignee: 'sup2', touched: true } }),
  });

  // when sup1 claims it
  const sup1 = await s.login('sup1');
  const r = await sup1.post(`/api/tasks/${taskId}/claim`);

  // then the claim is refused and the trail does not say sup1 claimed it
  expect(r.status).toBe(409);
  expect(r.body.code).toBe('TASK_CHANGED');
  const director = await s.login('director');
  const trail = (await director.get(`/api/audit?instanceId=${id}`)).body.items as Body[];
  expect(trail.filter((e) => e.taskId === taskId).map((e) => e.action)).not.toContain('task.claimed');
  expect((await director.get('/api/audit/verify')).body.ok).toBe(true);
});

test('new work reaches the people it is offered to as server-sent events', async () => {
  const sup = await s.login('sup1');
  const ac = new AbortController();
  const { ticket } = (await sup.post('/api/events/tickets', {})).body;
  const res = await fetch(`${s.base}/api/events?ticket=${ticket}`, { signal: ac.signal });
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const reader = res.body!.getReader();
  const received: string[] = [];
  const reading = (async () => {
    const dec = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      received.push(dec.decode(value));
    }
  })();
  const { taskId } = await atVerify('实时推送');
  await eventually(async () => received.join('').includes(taskId), 5000, 'the verify task pushed to sup1');
  const text = received.join('');
  expect(text).toContain('event: task');
  expect(text).not.toContain('"elementId":"ack"'); // the head's step is not offered to sup1
  ac.abort();
  await reading;
});
