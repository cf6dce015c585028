/**
 * Two API processes on one database: what happens on one is seen on the other (lists, live
 * updates, a saved form), the sign-in limit holds across both (its counters are in the database),
 * and the memory layout, which holds the inbox in one process, refuses a second one.
 */
import mongoose, { type Connection } from 'mongoose';
import { Client, eventually, reportAnomaly, startServer, taskAt, type TestServer } from './harness';

const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.halt().catch(() => undefined); // (a server halted in its test is halted already)
  for (const s of servers) await s.db.dropDatabase().catch(() => undefined);
  for (const s of servers) await s.db.close().catch(() => undefined);
});

/** Another connection to the same database, as a second process has. */
async function sameDatabase(db: Connection): Promise<Connection> {
  const u = new URL(process.env.MONGODB_URI!);
  u.pathname = `/${db.name}`;
  return mongoose.createConnection(u.toString()).asPromise();
}

test('the sign-in limit holds across two replicas', async () => {
  const a = await startServer('two-replicas', { INBOX_STORE: 'database', LOGIN_ATTEMPTS: 4, DEMO_DATA: 'true' });
  servers.push(a);
  const b = await startServer('two-replicas', { INBOX_STORE: 'database', LOGIN_ATTEMPTS: 4 }, await sameDatabase(a.db));
  servers.push(b);
  const wrong = { username: 'gen1', password: 'not-the-password' };
  for (const s of [a, b, a, b]) expect((await s.anonymous().post('/api/auth/login', wrong)).status).toBe(401);
  // the fifth failure, on either replica, is one too many
  const fifth = await a.anonymous().post('/api/auth/login', wrong);
  expect(fifth.status).toBe(429);
  expect(fifth.body.code).toBe('TOO_MANY_LOGIN_ATTEMPTS');
  expect((await b.anonymous().post('/api/auth/login', wrong)).status).toBe(429);
});

test('a claim on one replica is seen on the other within a second, live too; a form saved on one is served by the other', async () => {
  const [a, b] = servers;
  const head = await b!.login('eng_head');
  // eng_head watches their live updates on replica B
  const aborter = new AbortController();
  // (the stream's one-time ticket is issued by replica A and taken by B)
  const issued = await fetch(`${a!.base}/api/events/tickets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${head.token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(issued.status).toBe(201);
  const { ticket } = (await issued.json()) as { ticket: string };
  const live = await fetch(`${b!.base}/api/events?ticket=${ticket}`, { signal: aborter.signal });
  expect(live.status).toBe(200);
  const reader = live.body!.getReader();
  let seen = '';
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      seen += new TextDecoder().decode(value);
    }
  })();
  try {
    // a report started on A reaches its acknowledgement; eng_head claims it on A
    const id = await reportAnomaly(await a!.login('witness1'), '两副本');
    const headOnA = await a!.login('eng_head');
    const ack = await taskAt(headOnA, id, 'ack');
    const claimedAt = Date.now();
    expect((await headOnA.post(`/api/tasks/${ack.id}/claim`)).status).toBe(200);
    // B's live stream tells eng_head, and B's list shows it as theirs
    await eventually(async () => seen.includes(ack.id) && /"change":"(claimed|updated)"/.test(seen), 5_000, "the claim on the other replica's live stream");
    expect(Date.now() - claimedAt).toBeLessThan(1_500);
    const mine = (await head.get('/api/tasks?view=mine')).body.items as Array<{ id: string; assignee: string }>;
    expect(mine.find((t) => t.id === ack.id)?.assignee).toBe('eng_head');
  } finally {
    aborter.abort();
    await pump;
  }

  // a form read on B (cached there), saved on A, is served by B in its new version
  const adminA = await a!.login('admin');
  const adminB = await b!.login('admin');
  const before = (await adminB.get('/api/forms/anomaly-verify')).body;
  const edited = { ...before.form, components: [{ type: 'text', text: '副本 A 修订' }, ...(before.form.components as unknown[])] };
  const saved = await adminA.put('/api/forms/anomaly-verify', edited);
  expect(saved.body.version).toBe(before.version + 1);
  await eventually(async () => (await adminB.get('/api/forms/anomaly-verify')).body.version === before.version + 1, 2_000, 'the new form on B');
  expect((await adminB.get('/api/forms/anomaly-verify')).body.form.components[0]).toEqual({ type: 'text', text: '副本 A 修订' });
});

test("an admin's change of someone's rights, or disabling them, holds on the other replica at once (not after its cache)", async () => {
  const [a, b] = servers;
  const adminA = await a!.login('admin');
  const office = await b!.login('office1');
  expect((await office.get('/api/me')).body.roles).toEqual(['staff']);
  const patch = (body: unknown) =>
    fetch(`${a!.base}/api/admin/users/office1`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${adminA.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  // B has just read office1 (its cache holds them for 5 s); the change on A is seen on B well within that
  let t0 = Date.now();
  expect((await patch({ roles: ['staff', 'head'] })).status).toBe(200);
  await eventually(async () => ((await office.get('/api/me')).body.roles as string[]).includes('head'), 2_000, 'the new role on B');
  expect(Date.now() - t0).toBeLessThan(2_000);
  t0 = Date.now();
  expect((await patch({ active: false })).status).toBe(200);
  await eventually(async () => (await office.get('/api/me')).status === 401, 2_000, 'disabled on B');
  expect(Date.now() - t0).toBeLessThan(2_000);
});

test('a sign-out on one replica ends the session on the other at once (not after its cache)', async () => {
  const [a, b] = servers;
  const signedIn = await a!.anonymous().post('/api/auth/login', { username: 'sup1', password: 'demo1234' });
  expect(signedIn.status).toBe(200);
  const onA = new Client(a!.base, signedIn.body.token, 'sup1');
  const onB = new Client(b!.base, signedIn.body.token, 'sup1');
  // B has just read the session (its cache keeps it for a minute)
  expect((await onB.get('/api/me')).status).toBe(200);
  const t0 = Date.now();
  expect((await onA.post('/api/auth/logout')).status).toBe(204);
  await eventually(async () => (await onB.get('/api/me')).status === 401, 2_000, 'signed out on B');
  expect(Date.now() - t0).toBeLessThan(2_000);
});

test('a second memory-layout process on the same database is refused, and starts once the first has stopped', async () => {
  const first = await startServer('one-inbox', { INBOX_STORE: 'memory' });
  servers.push(first);
  await expect(startServer('one-inbox', { INBOX_STORE: 'memory' }, await sameDatabase(first.db))).rejects.toMatchObject({ code: 'INBOX_HELD_ELSEWHERE' });
  // the first still serves
  expect((await (await first.login('sup1')).get('/api/tasks?view=unclaimed')).status).toBe(200);
  await first.halt();
  const second = await startServer('one-inbox', { INBOX_STORE: 'memory' }, await sameDatabase(first.db));
  servers.push(second);
  expect((await (await second.login('sup1')).get('/api/tasks?view=unclaimed')).status).toBe(200);
});
