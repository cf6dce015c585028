/**
 * Accounts: passwords meet a policy (length, not the username, a strength estimate); a password an
 * admin set is changed at first sign-in before anything else; without demo data a new system
 * starts with no users and a one-time code, printed to its log, for its first admin.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '@ggzy/api';
import { startServer, type Client, type TestServer } from './harness';

let s: TestServer;
beforeAll(async () => {
  s = await startServer('security_accounts');
});
afterAll(() => s?.close());

const colleague = (id: string, password: string) => ({ id, name: '向监督', sections: ['supervision'], roles: ['staff'], password });

test('weak passwords are refused, for new people and new passwords alike, and nothing is created', async () => {
  const admin = await s.login('admin');
  for (const password of ['password', '12345678', 'sup4sup4sup4', '        ', '          ', 'Password123!', 'qwertyuiop12', '向监督向监督向监督1']) {
    const r = await admin.post('/api/admin/users', colleague('sup4', password));
    expect({ password, status: r.status, code: r.body.code }).toEqual({ password, status: 422, code: 'WEAK_PASSWORD' });
    expect(r.body.message).toMatch(/^密码强度不足/);
    expect(r.body.messageEn).toMatch(/^The password is too weak/);
  }
  expect((await admin.get('/api/admin/users')).body.items.map((u: { id: string }) => u.id)).not.toContain('sup4');
  // an admin's reset of an existing account too
  const reset = await fetch(`${s.base}/api/admin/users/sup2`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ password: 'sup2sup2sup2' }),
  });
  expect(reset.status).toBe(422);
  expect((await s.login('sup2')).user).toBe('sup2');
});

test('a password an admin set must be changed at first sign-in: nothing else is allowed until then', async () => {
  const admin = await s.login('admin');
  expect((await admin.post('/api/admin/users', colleague('sup5', 'Lantern-Orbit-58'))).status).toBe(201);
  const first = await s.login('sup5', 'Lantern-Orbit-58');
  const other = await s.login('sup5', 'Lantern-Orbit-58');
  expect((await first.get('/api/me')).body).toMatchObject({ id: 'sup5', mustChangePassword: true });
  for (const p of ['/api/tasks?view=unclaimed', '/api/process-instances', '/api/users', '/api/notifications']) {
    const r = await first.get(p);
    expect({ p, status: r.status, code: r.body.code }).toEqual({ p, status: 403, code: 'PASSWORD_CHANGE_REQUIRED' });
  }
  expect((await first.post('/api/events/tickets')).status).toBe(403);
  // the current password is checked, and the new one meets the policy and differs
  expect((await first.post('/api/auth/password', { currentPassword: 'wrong-one-0000', newPassword: 'River-Quartz-913' })).status).toBe(422);
  expect((await first.post('/api/auth/password', { currentPassword: 'Lantern-Orbit-58', newPassword: 'sup5-password' })).body.code).toBe('WEAK_PASSWORD');
  expect((await first.post('/api/auth/password', { currentPassword: 'Lantern-Orbit-58', newPassword: 'Lantern-Orbit-58' })).body.code).toBe('WEAK_PASSWORD');
  expect((await first.post('/api/auth/password', { currentPassword: 'Lantern-Orbit-58', newPassword: 'River-Quartz-913' })).status).toBe(204);
  // this session goes on with the new rights; the other session (the old password's) has ended
  expect((await first.get('/api/me')).body.mustChangePassword).toBeUndefined();
  expect((await first.get('/api/tasks?view=unclaimed')).status).toBe(200);
  expect((await other.get('/api/me')).status).toBe(401);
  expect((await s.anonymous().post('/api/auth/login', { username: 'sup5', password: 'Lantern-Orbit-58' })).status).toBe(401);
  expect((await s.login('sup5', 'River-Quartz-913')).token).toBeTruthy();
  const trail = (await admin.get('/api/audit?action=auth.password-changed')).body.items;
  expect(trail.map((e: { actor: string }) => e.actor)).toContain('sup5');
  // an admin's reset asks for a change again
  const reset = await fetch(`${s.base}/api/admin/users/sup5`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ password: 'Meadow-Signal-204' }),
  });
  expect(reset.status).toBe(200);
  expect((await first.get('/api/me')).status).toBe(401);
  expect((await (await s.login('sup5', 'Meadow-Signal-204')).get('/api/tasks')).body.code).toBe('PASSWORD_CHANGE_REQUIRED');
});

test('demo data is off unless asked for', () => {
  expect(loadConfig({ MONGODB_URI: 'mongodb://127.0.0.1/x' }).DEMO_DATA).toBe('false');
  expect(loadConfig({ MONGODB_URI: 'mongodb://127.0.0.1/x', DEMO_DATA: 'true' }).DEMO_DATA).toBe('true');
});

describe('a new system without demo data', () => {
  let empty: TestServer;
  const lines: string[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    empty = await startServer('security_first_admin', { DEMO_DATA: 'false' }, undefined, undefined, pino({ level: 'warn' }, sink));
  });
  afterAll(() => empty?.close());

  test('has no users, prints a one-time code, and creates its first admin with it — once', async () => {
    const anon = empty.anonymous();
    expect((await anon.post('/api/auth/login', { username: 'admin', password: 'demo1234' })).status).toBe(401);
    expect((await anon.get('/api/setup')).body).toEqual({ needed: true });
    const code = lines.map((l) => JSON.parse(l) as { setupCode?: string }).find((l) => l.setupCode)?.setupCode;
    expect(code).toMatch(/^[A-Za-z0-9_-]{12}$/);
    const first = { id: 'zhang.admin', name: '张管理', password: 'Harbor-Violet-772' };
    expect((await anon.post('/api/setup', { ...first, code: 'not-the-code' })).body.code).toBe('SETUP_CODE_INVALID');
    expect((await anon.post('/api/setup', { ...first, code, password: 'zhang.admin1' })).body.code).toBe('WEAK_PASSWORD');
    const made = await anon.post('/api/setup', { ...first, code });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ id: 'zhang.admin', roles: ['admin'] });
    // spent: not a second time, not with another name
    expect((await anon.post('/api/setup', { ...first, id: 'li.admin', code })).body.code).toBe('SETUP_CODE_INVALID');
    expect((await anon.get('/api/setup')).body).toEqual({ needed: false });
    const admin: Client = await empty.login('zhang.admin', 'Harbor-Violet-772');
    expect((await admin.get('/api/admin/users')).body.items.map((u: { id: string }) => u.id)).toEqual(['zhang.admin']);
  });
});
