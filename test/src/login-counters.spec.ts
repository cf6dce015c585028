/**
 * The sign-in counters shared by the replicas (`DatabaseLimitStore`), on the real database: a
 * key's window begins at its first failure (a burst that straddles any clock boundary still counts
 * as one), ends after its length, and two replicas counting at once both count.
 */
import mongoose, { type Connection } from 'mongoose';
import type { Options } from 'express-rate-limit';
import { DatabaseLimitStore } from '../../api/src/people/login-counter-store';

let db: Connection;
beforeAll(async () => {
  const u = new URL(process.env.MONGODB_URI!);
  u.pathname = `/login_counters_${process.pid}`;
  db = await mongoose.createConnection(u.toString()).asPromise();
});
afterAll(async () => {
  await db.dropDatabase();
  await db.close();
});

const storeOf = (prefix: string, windowMs: number) => {
  const s = new DatabaseLimitStore(db, prefix);
  s.init({ windowMs } as Options);
  return s;
};

test('a window begins at the first hit and ends after its length; a success taken back counts down', async () => {
  const s = storeOf('w|', 1_500);
  const first = await s.increment('10.0.0.1');
  expect(first.totalHits).toBe(1);
  // the window ends its length after the first hit, whatever the clock's round numbers
  expect(Math.abs(first.resetTime!.getTime() - (Date.now() + 1_500))).toBeLessThan(500);
  expect((await s.increment('10.0.0.1')).totalHits).toBe(2);
  expect((await s.increment('10.0.0.1')).totalHits).toBe(3);
  await s.decrement('10.0.0.1');
  expect(await s.get('10.0.0.1')).toMatchObject({ totalHits: 2 });
  // another key counts apart
  expect((await s.increment('10.0.0.2')).totalHits).toBe(1);
  // once ended, the next hit opens a new window
  await new Promise((r) => setTimeout(r, 1_700));
  expect(await s.get('10.0.0.1')).toBeUndefined();
  const again = await s.increment('10.0.0.1');
  expect(again.totalHits).toBe(1);
  expect(again.resetTime!.getTime()).toBeGreaterThan(Date.now() + 1_000);
  // nothing to take back in an ended window
  await new Promise((r) => setTimeout(r, 1_700));
  await s.decrement('10.0.0.1');
  expect(await s.get('10.0.0.1')).toBeUndefined();
});

test('two replicas counting the same key at once both count, from the first hit on', async () => {
  const a = storeOf('c|', 60_000);
  const b = storeOf('c|', 60_000);
  const hits = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).increment('user|gen1')));
  // every hit counted once: the totals seen are 1..20, each once
  expect(hits.map((h) => h.totalHits).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  expect(await a.get('user|gen1')).toMatchObject({ totalHits: 20 });
  await b.resetKey('user|gen1');
  expect(await a.get('user|gen1')).toBeUndefined();
});
