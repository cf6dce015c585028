/**
 * Two API processes on one database: the sign-in limit holds across both (its counters are in the
 * database), and the memory layout, which holds the inbox in one process, refuses a second one.
 */
import mongoose, { type Connection } from 'mongoose';
import { startServer, type TestServer } from './harness';

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
