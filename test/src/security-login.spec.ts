/**
 * Sign-in against a password guesser: one name however it is typed, limits per address and per
 * account that a stranger cannot turn into the owner's lock-out, and failures summed up in the
 * audit trail instead of an event each. Addresses come from X-Forwarded-For (a trusted proxy).
 */
import { AuthService } from '../../api/src/people/auth.service';
import { startServer, type TestServer } from './harness';

let s: TestServer;
beforeAll(async () => {
  s = await startServer('security_login', { TRUST_PROXY: 'loopback', LOGIN_ATTEMPTS: 6 });
});
afterAll(() => s?.close());

async function login(username: string, password: string, from: string): Promise<{ status: number; code?: string }> {
  const r = await fetch(`${s.base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify({ username, password }),
  });
  const body = (await r.json()) as { code?: string };
  return { status: r.status, code: body.code };
}

test('a name typed with spaces, capitals or full-width letters is the same account, for the sign-in and for its limits', async () => {
  // the owner signs in with the name as it is typed on a Chinese keyboard (full-width, spaced, capitals)
  expect((await login('  ＤＩＲＥＣＴＯＲ ', 'demo1234', '10.0.1.1')).status).toBe(200);
  // and from a new address, six failures under six spellings count against one account
  const spellings = [' director', 'director  ', 'Director', 'DIRECTOR', 'ｄｉｒｅｃｔｏｒ', '\tdirector'];
  for (const [i, name] of spellings.entries()) expect((await login(name, 'wrong', `10.0.2.${i + 1}`)).code).toBe('INVALID_CREDENTIALS');
  expect(await login('director', 'wrong', '10.0.2.99')).toMatchObject({ status: 429, code: 'TOO_MANY_LOGIN_ATTEMPTS' });
  // while the owner's usual address is not stopped by them
  expect((await login('director', 'demo1234', '10.0.1.1')).status).toBe(200);
}, 60_000);

test('one address trying many names is slowed, then refused, whatever names it tries', async () => {
  const from = '10.0.3.1';
  // (limit 6 in this file: slower after 3 failures, refused after 18)
  const timed = async (name: string) => {
    const t = Date.now();
    const r = await login(name, 'wrong', from);
    return { ...r, ms: Date.now() - t };
  };
  const first = [await timed('nobody0'), await timed('nobody1'), await timed('nobody2')];
  expect(first.map((r) => r.status)).toEqual([401, 401, 401]);
  expect(Math.max(...first.map((r) => r.ms))).toBeLessThan(1000);
  const more = await Promise.all(Array.from({ length: 15 }, (_, i) => timed(`nobody${i + 3}`)));
  expect(more.every((r) => r.status === 401)).toBe(true);
  // the later failures are answered more and more slowly
  expect(Math.max(...more.map((r) => r.ms))).toBeGreaterThanOrEqual(5000);
  // and past the limit, the address is refused for any name, also a real one with its password
  expect(await login('sup1', 'demo1234', from)).toMatchObject({ status: 429, code: 'TOO_MANY_LOGIN_ATTEMPTS' });
  // while another address signs in as usual
  expect((await login('sup1', 'demo1234', '10.0.3.2')).status).toBe(200);
}, 120_000);

test('failed sign-ins reach the audit trail as one summary, not an event each', async () => {
  await s.system.loginGuard.flush();
  for (let i = 0; i < 5; i++) await login('eng_head', 'wrong', `10.0.4.${i + 1}`);
  await login('nobody-at-all', 'wrong', '10.0.4.9');
  await s.system.loginGuard.flush();
  const admin = await s.login('admin');
  expect((await admin.get('/api/audit?action=auth.login-failed')).body.total).toBe(0);
  const [summary] = (await admin.get('/api/audit?action=auth.login-failures')).body.items;
  expect(summary).toMatchObject({ actor: 'system' });
  expect(summary.data).toMatchObject({ failures: 6, addresses: 6, accounts: { eng_head: 5, 'nobody-at-all': 1 } });
});

test('sign-ins at the same moment from one address are each counted once, and successes are taken back without going below zero', async () => {
  const errors = jest.spyOn(console, 'error');
  const from = '10.0.5.1';
  // (not director: its account is held for new addresses by the first test)
  const staff = ['sup1', 'sup2', 'gen1', 'office1', 'proc1', 'eng_head', 'admin', 'deputy', 'sup_head', 'witness1'];
  for (let round = 0; round < 2; round++) {
    const ok = await Promise.all(staff.map((u) => login(u, 'demo1234', from)));
    expect(ok.map((r) => r.status)).toEqual(staff.map(() => 200));
  }
  const failed = await Promise.all(staff.slice(0, 5).map((u) => login(u, 'wrong', from)));
  expect(failed.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
  expect(errors.mock.calls.filter((c) => String(c[0]).includes('ERR_ERL'))).toEqual([]);
  errors.mockRestore();
});

test('expired sessions are swept, so the sessions kept are the live ones; a live session goes on', async () => {
  const live = await s.login('sup1');
  const expired = Array.from({ length: 3 }, (_, k) => ({ _id: `swept-${k}`, userId: 'sup2', createdAt: new Date(0), expiresAt: new Date(Date.now() - 1000) }));
  await s.db.collection('sessions').insertMany(expired as never[]);
  const removed = await new AuthService(s.db).sweepSessions();
  expect(removed).toBeGreaterThanOrEqual(3);
  expect(await s.db.collection('sessions').countDocuments({ expiresAt: { $lte: new Date() } })).toBe(0);
  expect((await live.get('/api/me')).status).toBe(200);
});
