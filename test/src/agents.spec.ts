/**
 * 代理机构库 (4.1) over HTTP as the real roles: 综合科 keeps the agents — licence, qualifications and
 * which staff belong to which agent; an edit over a newer version is refused and every change is in
 * the audit trail; the sections read and search it, applicants do not.
 */
import { startServer, type Body, type TestServer } from './harness';

let s: TestServer;
beforeAll(async () => {
  s = await startServer('agents', { DEMO_DATA: 'true' });
});
afterAll(() => s?.close());

test('the agent register (4.1): 综合科 keeps the agents, their licence, qualifications and staff; an edit over a newer version is refused; the sections read it', async () => {
  const gen = await s.login('gen1');
  const agent = {
    id: '91433100MA4L0ABC1X',
    name: '湖南华信招标代理有限公司',
    licence: '湘招代备 2024-031',
    qualifications: ['工程招标代理', '政府采购代理'],
    contact: '田某',
    phone: '0743-8123456',
    staff: [
      { name: '田某', role: '项目负责人', certificate: '招标师 ZB2021-0088' },
      { name: '龙某', role: '业务人员' },
    ],
  };
  const created = await gen.post('/api/agents', agent);
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({
    id: agent.id,
    version: 1,
    status: 'active',
    staff: [
      { name: '田某', certificate: '招标师 ZB2021-0088' },
      { name: '龙某', certificate: null },
    ],
  });
  expect((await gen.post('/api/agents', agent)).body.code).toBe('AGENT_EXISTS');
  // a bad credit code is refused, and nothing is written
  const bad = await gen.post('/api/agents', { ...agent, id: '12345' });
  expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_BODY']);
  // two edits from the same version: the second is refused
  const { id: _id, ...input } = agent;
  const first = await gen.put(`/api/agents/${agent.id}`, { ...input, version: 1, staff: [...agent.staff, { name: '彭某', role: '业务人员' }] });
  expect(first.body.version).toBe(2);
  const stale = await gen.put(`/api/agents/${agent.id}`, { ...input, version: 1, status: 'suspended' });
  expect([stale.status, stale.body.code]).toEqual([409, 'AGENT_CHANGED']);
  // which staff belong to which agent: found by a person's name
  const proc = await s.login('proc1');
  const found = (await proc.get(`/api/agents?q=${encodeURIComponent('彭某')}`)).body;
  expect(found.items.map((a: Body) => a.id)).toEqual([agent.id]);
  expect(found.mayWrite).toBe(false);
  expect((await proc.put(`/api/agents/${agent.id}`, { ...input })).status).toBe(403);
  expect((await (await s.login('external1')).get('/api/agents')).status).toBe(403);
  const trail = ((await (await s.login('admin')).get('/api/audit?action=agent.updated')).body.items as Body[]).find((e) => e.data?.agentId === agent.id);
  expect(trail?.data.changed.staff.after).toHaveLength(3);
});
