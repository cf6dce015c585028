/**
 * A start is written down before the engine hears of it: a start the client sends again with the
 * same Idempotency-Key makes no second instance, and a start cut short after the engine created
 * the instance (the process died) is carried through at the next start — the instance gets its
 * record and its audit event, and the client's retry gets the same instance.
 */
import { anomalyReport, startServer, type Client, type TestServer } from './harness';

let s: TestServer | undefined;
afterAll(() => s?.close());

async function startWithKey(server: TestServer, c: Client, key: string, title: string): Promise<{ status: number; body: { id?: string; code?: string } }> {
  const r = await fetch(`${server.base}/api/process-instances`, {
    method: 'POST',
    headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(anomalyReport(title)),
  });
  return { status: r.status, body: (await r.json()) as { id?: string; code?: string } };
}

async function startsOf(server: TestServer, title: string): Promise<string[]> {
  const admin = await server.login('admin');
  const list = (await admin.get('/api/process-instances?processId=anomaly-escalation&pageSize=100')).body.items as Array<{ id: string; title: string }>;
  return list.filter((i) => i.title === title).map((i) => i.id);
}

async function startedEvents(server: TestServer, id: string): Promise<number> {
  const trail = (await (await server.login('admin')).get(`/api/audit?instanceId=${id}&pageSize=100`)).body.items as Array<{ action: string }>;
  return trail.filter((e) => e.action === 'instance.started').length;
}

test('the same Idempotency-Key twice starts one instance', async () => {
  s = await startServer('start-integrity');
  const w = await s.login('witness1');
  const first = await startWithKey(s, w, 'report-0001', '重复提交');
  const second = await startWithKey(s, w, 'report-0001', '重复提交');
  expect(first.status).toBe(201);
  expect(second.status).toBe(201);
  expect(second.body.id).toBe(first.body.id);
  expect(await startsOf(s, '重复提交')).toEqual([first.body.id]);
  expect(await startedEvents(s, first.body.id!)).toBe(1);
  // another user's key of the same name is theirs
  const other = await startWithKey(s, await s.login('proc1'), 'report-0001', '重复提交');
  expect(other.body.id).not.toBe(first.body.id);
  const bad = await startWithKey(s, w, 'bad key with spaces', '坏键');
  expect(bad.status).toBe(400);
  expect(bad.body.code).toBe('IDEMPOTENCY_KEY_INVALID');
});

test('a start cut short after the engine created the instance is carried through at the next start', async () => {
  const server = s!;
  const w = await server.login('witness1');
  // the process dies right after the engine created the instance: no record, no audit event yet
  const create = server.engine.createInstance.bind(server.engine);
  server.engine.createInstance = async (req) => {
    await create(req);
    throw new Error('the process dies here');
  };
  const cut = await startWithKey(server, w, 'report-0002', '中断的发起');
  expect(cut.status).toBe(500);
  expect(await startsOf(server, '中断的发起')).toEqual([]);
  const db = server.db;
  await server.halt();

  s = await startServer('start-integrity', {}, db);
  const ids = await startsOf(s, '中断的发起');
  expect(ids).toHaveLength(1);
  const [id] = ids;
  expect(await startedEvents(s, id!)).toBe(1);
  // the engine runs it: its first step reached the inbox
  const detail = (await (await s.login('admin')).get(`/api/process-instances/${id}`)).body;
  expect(detail.engine.status).toBe('active');
  // the client's retry gets that instance, and still only one exists
  const retry = await startWithKey(s, await s.login('witness1'), 'report-0002', '中断的发起');
  expect(retry).toMatchObject({ status: 201, body: { id } });
  expect(await startsOf(s, '中断的发起')).toEqual([id]);
  expect((await (await s.login('admin')).get('/api/audit/verify')).body.ok).toBe(true);
});
