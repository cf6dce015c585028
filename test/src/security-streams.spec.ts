/**
 * Live-update streams end with the session they were opened in (sign-out, a disabled account),
 * and one user keeps only a few open: a new one ends the oldest.
 */
import { startServer, type TestServer } from './harness';

let s: TestServer;
beforeAll(async () => {
  s = await startServer('security_streams');
});
afterAll(() => s?.close());

/** Open a stream with a bearer token (or a one-time ticket); `ended` resolves when the server ends it. */
async function stream(token: string, by: 'bearer' | 'ticket' = 'bearer'): Promise<{ ended: Promise<'ended'>; abort(): void }> {
  const aborter = new AbortController();
  const r =
    by === 'ticket'
      ? await fetch(`${s.base}/api/events?ticket=${token}`, { signal: aborter.signal })
      : await fetch(`${s.base}/api/events`, { headers: { authorization: `Bearer ${token}` }, signal: aborter.signal });
  expect([r.status, r.headers.get('content-type')]).toEqual([200, expect.stringContaining('text/event-stream')]);
  const reader = r.body!.getReader();
  const ended = (async () => {
    try {
      while (!(await reader.read()).done);
    } catch {
      // aborted by the test
    }
    return 'ended' as const;
  })();
  return { ended, abort: () => aborter.abort() };
}

const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<'still open'>((r) => setTimeout(() => r('still open'), ms))]);

test('a stream ends when its session is signed out, and when its user is disabled', async () => {
  const sup1 = await s.login('sup1');
  const live = await stream(sup1.token!);
  const other = await stream((await s.login('sup2')).token!);
  expect((await sup1.post('/api/auth/logout')).status).toBe(204);
  expect(await within(live.ended, 2000)).toBe('ended');
  // another user's stream goes on
  expect(await within(other.ended, 300)).toBe('still open');
  other.abort();

  const admin = await s.login('admin');
  const proc = await s.login('proc1');
  const procLive = await stream(proc.token!);
  const off = await fetch(`${s.base}/api/admin/users/proc1`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ active: false }),
  });
  expect(off.status).toBe(200);
  expect(await within(procLive.ended, 2000)).toBe('ended');
});

test('one user keeps at most five streams open: a sixth ends the oldest', async () => {
  const gen = await s.login('gen1');
  const streams = [];
  for (let i = 0; i < 6; i++) streams.push(await stream(gen.token!));
  expect(await within(streams[0]!.ended, 2000)).toBe('ended');
  for (const st of streams.slice(1)) expect(await within(st.ended, 100)).toBe('still open');
  for (const st of streams) st.abort();
});

test('no token in a URL: the stream opens with a one-time ticket of its session; ?access_token= is not taken anywhere', async () => {
  const sup1 = await s.login('office1');
  // a token in the query is not a sign-in, on the stream or any other GET
  for (const p of ['/api/events', '/api/admin/users', '/api/tasks?view=mine']) {
    const r = await fetch(`${s.base}${p}${p.includes('?') ? '&' : '?'}access_token=${sup1.token}`);
    // refused: not signed in (401), or on the stream a parameter it does not take (400)
    expect([p, r.status]).toEqual([p, p === '/api/events' ? 400 : 401]);
    await r.body?.cancel();
  }
  const issued = await sup1.post('/api/events/tickets', {});
  expect(issued.status).toBe(201);
  expect(new Date(issued.body.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(30_000);
  const live = await stream(issued.body.ticket, 'ticket');
  // good once
  expect((await fetch(`${s.base}/api/events?ticket=${issued.body.ticket}`)).status).toBe(401);
  expect((await fetch(`${s.base}/api/events?ticket=made-up`)).status).toBe(401);
  expect((await s.anonymous().post('/api/events/tickets', {})).status).toBe(401);
  // the stream opened with a ticket ends with its session
  expect((await sup1.post('/api/auth/logout')).status).toBe(204);
  expect(await within(live.ended, 2000)).toBe('ended');
  live.abort();
});
