/**
 * Nothing accepted is lost when the process dies mid-action: a completion the inbox accepted but
 * the engine never heard of is delivered at the next start, and a task the engine created but
 * the inbox never stored (its event not taken) is added.
 */
import { eventually } from '@ggzy/engine-workers/testing';
import { liveLogCollection, reportAnomaly, startServer, taskAt, type TestServer } from './harness';

let s: TestServer;
afterAll(() => s?.close());

/** witness1 reports an anomaly (no pause); its instance id. */
const report = async (server: TestServer, title: string) => reportAnomaly(await server.login('witness1'), title);

test('after a restart the inbox and the engine agree again', async () => {
  // given an anomaly report at its acknowledgement, claimed by the head
  s = await startServer('restart');
  const head = await s.login('eng_head');
  const id = await report(s, '重启测试');
  const ack = await taskAt(head, id, 'ack');
  const claimed = (await head.post(`/api/tasks/${ack.id}/claim`)).body;

  // when the process dies right after the inbox accepted the head's completion (the state
  // `complete` writes before it calls the engine) and before the engine heard of it
  const accepted = await s.system.inbox.store.change(ack.id, claimed.version, {
    set: {
      status: 'completed',
      completedAt: new Date(),
      completedBy: 'eng_head',
      result: JSON.stringify({ ackOpinion: '已确认', ackBy: 'eng_head', ackByName: '李工程' }),
    },
  });
  expect(accepted?.status).toBe('completed');
  const db = s.db;
  await s.halt();
  const runtime = await db.collection('engine_runtime').findOne({ _id: id as never });
  expect(runtime?.tasks.map((t: { key: string }) => t.key)).toContain(ack.id);

  // then the next start delivers it and the flow goes on to supervision
  s = await startServer('restart', {}, db);
  const sup = await s.login('sup1');
  const verify = await taskAt(sup, id, 'verify');
  expect(verify.name).toBe('监督科核实');
  const detail = (await sup.get(`/api/process-instances/${id}`)).body;
  expect(detail.variables.ackOpinion).toBe('已确认');

  // and a task the engine created while the inbox could not store it (the process died before it
  // did) is added at the next start: the engine tells again what the inbox had not taken
  s.system.inbox.store.insert = () => Promise.reject(new Error('the process dies before the inbox stores the task'));
  const lost = await report(s, '重启前未入库的任务');
  await new Promise((r) => setTimeout(r, 300));
  await s.halt();
  expect(await db.collection('engine_outbox').countDocuments({})).toBeGreaterThan(0);
  s = await startServer('restart', {}, db);
  const lostAck = await taskAt(await s.login('eng_head'), lost, 'ack');
  expect(lostAck.name).toBeTruthy();
  await eventually(async () => (await db.collection('engine_outbox').countDocuments({})) === 0, 5000, 'the outbox to be taken');
  const sup1 = await s.login('sup1');
  const again = await taskAt(sup1, id, 'verify');
  expect(again.id).toBe(verify.id);

  // and what people did to tasks is there after a restart (replayed from the change records)
  expect((await sup1.post(`/api/tasks/${again.id}/claim`)).status).toBe(200);
  expect((await sup1.post(`/api/tasks/${again.id}/comments`, { text: '重启前的意见' })).status).toBe(201);
  await s.halt();
  s = await startServer('restart', {}, db);
  const after = await taskAt(await s.login('sup1'), id, 'verify', 'mine');
  expect(after).toMatchObject({ id: verify.id, assignee: 'sup1', status: 'open' });
  expect(after.claimedAt).toMatch(/^\d{4}-/);
  expect((await (await s.login('sup2')).post(`/api/tasks/${after.id}/claim`)).status).toBe(409);
});

// The memory layout stores an act's audit event in its change record (the database layout appends it after the update).
const memoryLayout = process.env.INBOX_STORE === 'database' ? test.skip : test;
memoryLayout('an audit event stored with its change but not yet chained when the process stopped is chained at the next start', async () => {
  // given a report waiting at supervision's verification
  let r = await startServer('restart_audit');
  try {
    const head = await r.login('eng_head');
    const id = await report(r, '审计补链');
    const ack = await taskAt(head, id, 'ack');
    expect((await head.post(`/api/tasks/${ack.id}/claim`)).status).toBe(200);
    expect((await head.post(`/api/tasks/${ack.id}/complete`, { variables: {} })).status).toBe(200);
    const verify = await taskAt(await r.login('sup1'), id, 'verify');

    // when the process stops right after sup1's claim was stored, before its event reached the trail
    const db = r.db;
    await r.halt();
    const at = new Date();
    await db.collection(await liveLogCollection(db)).insertOne({
      _id: `${verify.id}#${verify.version + 1}` as never,
      taskId: verify.id,
      version: verify.version + 1,
      at,
      change: JSON.stringify({ set: { assignee: 'sup1', claimedAt: at, touched: true } }),
      audit: JSON.stringify({ actor: 'sup1', action: 'task.claimed', instanceId: id, taskId: verify.id, data: { taskName: verify.name }, at }),
    });

    // then the next start has the claim and its event, at the time of the act, and the chain holds
    r = await startServer('restart_audit', {}, db);
    const mine = await taskAt(await r.login('sup1'), id, 'verify', 'mine');
    expect(mine.assignee).toBe('sup1');
    const director = await r.login('director');
    const trail = (await director.get(`/api/audit?instanceId=${id}&action=task.claimed`)).body.items as { actor: string; taskId: string; at: string }[];
    expect(trail.filter((e) => e.taskId === verify.id)).toEqual([expect.objectContaining({ actor: 'sup1', at: at.toISOString() })]);
    expect((await director.get('/api/audit/verify')).body.ok).toBe(true);

    // and a further start does not chain it twice
    await r.halt();
    r = await startServer('restart_audit', {}, db);
    const again = (await (await r.login('director')).get(`/api/audit?instanceId=${id}&action=task.claimed`)).body.items as { taskId: string }[];
    expect(again.filter((e) => e.taskId === verify.id)).toHaveLength(1);
  } finally {
    await r.close();
  }
});

test('a withdrawal stored just before the process stopped is carried through at the next start', async () => {
  // given a report waiting at its acknowledgement
  let r = await startServer('restart_withdraw');
  try {
    const id = await report(r, '撤回后中断');
    const ack = await taskAt(await r.login('eng_head'), id, 'ack');

    // when the process stops right after the withdrawal's one write (the mark with its audit
    // event), before the instance's state, the engine's cancel and the open steps followed
    const t = (await r.system.inbox.store.get(ack.id))!;
    const marked = await r.system.inbox.store.change(
      ack.id,
      t.version,
      { set: { touched: true, withdrawal: JSON.stringify({ by: 'witness1', reason: '误报' }) } },
      {},
      { actor: 'witness1', action: 'instance.withdrawn', instanceId: id, taskId: ack.id, data: { taskName: ack.name, opinion: '误报' } },
    );
    expect(marked?.withdrawal).toBeTruthy();
    const db = r.db;
    await r.halt();
    expect(await db.collection('engine_runtime').countDocuments({ _id: id as never })).toBe(1);

    // then the next start withdraws the instance: its state, the engine's instance and every open step
    r = await startServer('restart_withdraw', {}, db);
    const admin = await r.login('admin');
    const detail = (await admin.get(`/api/process-instances/${id}`)).body;
    expect(detail.instance.state).toBe('withdrawn');
    expect(await db.collection('engine_runtime').countDocuments({ _id: id as never })).toBe(0);
    expect((await db.collection('engine_history').findOne({ _id: id as never }))?.status).toBe('canceled');
    expect((await r.system.inbox.store.find({ instanceId: id })).map((x) => x.status)).toEqual(['canceled']);
    // and the act's event is in the trail once, and stays once after a further start
    await r.halt();
    r = await startServer('restart_withdraw', {}, db);
    const trail = (await (await r.login('director')).get(`/api/audit?instanceId=${id}&action=instance.withdrawn`)).body.items;
    expect(trail).toEqual([expect.objectContaining({ actor: 'witness1', taskId: ack.id })]);
    expect((await (await r.login('admin')).get(`/api/process-instances/${id}`)).body.instance.state).toBe('withdrawn');
  } finally {
    await r.close();
  }
});

test('data an earlier version stored — the trail with numbered ids, comments not listed under their instance — is brought into the new layout at start, before any page asks', async () => {
  // given an instance with its events and a comment, stored as the earlier version stored them
  await s?.close();
  s = await startServer('restart-upgrade');
  const id = await report(s, '升级前的上报');
  const ack = await taskAt(await s.login('eng_head'), id, 'ack');
  const db = s.db;
  await s.halt();
  await db
    .collection('comments')
    .insertOne({ _id: 'old-comment' as never, instanceId: id, taskId: ack.id, author: 'sup1', authorName: '监督一', text: '升级前的意见', at: new Date() });
  const events = await db.collection<{ _id: string }>('audit_events').find({}).toArray();
  await db.collection('audit_events').drop();
  await db.collection('audit_events').insertMany(events.map((e) => ({ ...e, _id: Number(e._id) })) as never[]);
  await db.collection('audit_meta').drop();
  await db.collection('instance_index').drop();

  // when the new version starts
  s = await startServer('restart-upgrade', {}, db);

  // then, before anyone asks: every event has its twelve-digit id, and each kind is listed under the instance
  expect(await db.collection('audit_events').countDocuments({ _id: { $type: 'number' } } as never)).toBe(0);
  const listed = await db.collection<{ _id: string; comments?: string[]; audit?: string[] }>('instance_index').findOne({ _id: id });
  expect(listed?.comments).toEqual(['old-comment']);
  expect(listed?.audit).toHaveLength(events.filter((e) => (e as { instanceId?: string }).instanceId === id).length);
  expect(await db.collection('instance_index').countDocuments({ _id: { $in: ['#built:comments', '#built:attachments', '#built:audit'] } } as never)).toBe(3);
  // and the chain still verifies, the instance's page shows its events and the comment
  const admin = await s.login('admin');
  const verified = (await admin.get('/api/audit/verify')).body;
  expect(verified.ok).toBe(true);
  expect(verified.count).toBeGreaterThanOrEqual(events.length); // (and what happened since the start, chained after them)
  const page = (await admin.get(`/api/process-instances/${id}`)).body;
  expect(page.timeline.map((e: { action: string }) => e.action)).toContain('instance.started');
  expect(page.comments.map((c: { text: string }) => c.text)).toContain('升级前的意见');
});
