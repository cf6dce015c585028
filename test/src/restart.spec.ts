/**
 * Nothing accepted is lost when the process dies mid-action: a completion the inbox accepted but
 * the engine never heard of is delivered at the next start, and a task the engine created but
 * the inbox never stored is added.
 */
import { startServer, taskAt, type TestServer } from './harness';

let s: TestServer;
afterAll(() => s?.close());

test('after a restart the inbox and the engine agree again', async () => {
  // given an anomaly report at its acknowledgement, claimed by the head
  s = await startServer('restart');
  const witness = await s.login('witness1');
  const head = await s.login('eng_head');
  const started = await witness.post('/api/process-instances', {
    processId: 'anomaly-escalation',
    variables: { projectId: 'XXGC-2026-002', category: 'trade', assignedBy: 'none', title: '重启测试', description: '说明', pauseNow: false },
  });
  const id = started.body.id as string;
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
  expect((await db.collection('engine_user_tasks').findOne({ _id: ack.id as never }))?.status).toBe('created');

  // then the next start delivers it and the flow goes on to supervision
  s = await startServer('restart', {}, db);
  const sup = await s.login('sup1');
  const verify = await taskAt(sup, id, 'verify');
  expect(verify.name).toBe('监督科核实');
  const detail = (await sup.get(`/api/process-instances/${id}`)).body;
  expect(detail.variables.ackOpinion).toBe('已确认');

  // and a task the engine created while the inbox lost it is added at the next start
  await s.halt();
  await db.collection('inbox_tasks').deleteOne({ _id: verify.id });
  s = await startServer('restart', {}, db);
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
