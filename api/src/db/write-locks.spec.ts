/**
 * Write locks: read-check-write by id holding a lock is exact across holders (as if in several
 * processes), a lock its holder left behind is taken over (at once when the holder's process is
 * gone, else once it has run out), a lock held too long refuses with a clear error and writes
 * nothing, and a write that fails lets go of its lock.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { freshDbEach } from '@ggzy/engine-workers/testing';
import { WriteLocks } from './write-locks';

const t = freshDbEach('write_locks');

interface Counter {
  _id: string;
  n: number;
}
const counters = () => t.db.collection<Counter>('counters');
const locks = () => t.db.collection<{ _id: string; owner: string; until: Date }>('write_locks');

/** Read by id, add one, write by id: without a lock, concurrent bumps lose each other's. */
async function bump(l: WriteLocks | null): Promise<void> {
  const step = async () => {
    const cur = await counters().findOne({ _id: 'c' });
    await new Promise((r) => setImmediate(r)); // let the others read the same value, as they would
    await counters().updateOne({ _id: 'c' }, { $set: { n: (cur?.n ?? 0) + 1 } });
  };
  await (l ? l.hold('counters:c', step) : step());
}

test('read, check and write by id under the lock: forty bumps from two holders at once make forty', async () => {
  await counters().insertOne({ _id: 'c', n: 0 });
  // (forty queued for one lock: the last waits for thirty-nine holds, longer than a request would on a busy machine)
  const a = new WriteLocks(t.db, { waitMs: 60_000 });
  const b = new WriteLocks(t.db, { waitMs: 60_000 });
  expect(a.owner).not.toBe(b.owner);
  await Promise.all(Array.from({ length: 40 }, (_, i) => bump(i % 2 ? a : b)));
  expect((await counters().findOne({ _id: 'c' }))?.n).toBe(40);
  expect(await locks().countDocuments()).toBe(0);
  // (the same bumps without the lock lose some: what the lock is for)
  await counters().updateOne({ _id: 'c' }, { $set: { n: 0 } });
  await Promise.all(Array.from({ length: 40 }, () => bump(null)));
  expect((await counters().findOne({ _id: 'c' }))?.n).toBeLessThan(40);
});

test('a lock whose holder died is taken: at once when its process on this machine is gone, else once it has run out', async () => {
  const gone = spawnSync(process.execPath, ['-e', '0']).pid;
  await locks().insertOne({ _id: 'k1', owner: `${hostname()}:${gone}:dead0001`, until: new Date(Date.now() + 60_000) });
  await locks().insertOne({ _id: 'k2', owner: 'another-host:1234:aaaa0002', until: new Date(Date.now() - 1) });
  const l = new WriteLocks(t.db, { waitMs: 200 });
  const t0 = Date.now();
  expect(await l.hold('k1', async () => 'one')).toBe('one');
  expect(await l.hold('k2', async () => 'two')).toBe('two');
  expect(Date.now() - t0).toBeLessThan(5_000);
  expect(await locks().countDocuments()).toBe(0);
});

test('a lock held by a live holder past the wait: WRITE_BUSY (409, both languages), nothing written', async () => {
  await locks().insertOne({ _id: 'k3', owner: 'another-host:1:live0003', until: new Date(Date.now() + 60_000) });
  const l = new WriteLocks(t.db, { waitMs: 150 });
  let wrote = false;
  const err = await l
    .hold('k3', async () => {
      wrote = true;
    })
    .catch((e: unknown) => e);
  expect(err).toMatchObject({ code: 'WRITE_BUSY', status: 409 });
  expect((err as { messageZh: string }).messageZh).toMatch(/正被他人修改/);
  expect((err as Error).message).toMatch(/try again/);
  expect(wrote).toBe(false);
  // the holder's lock is left as it was
  expect(await locks().findOne({ _id: 'k3' })).toMatchObject({ owner: 'another-host:1:live0003' });
});

test('a write that fails lets go of its lock and its error reaches the caller; a second holder waits for the first', async () => {
  const l = new WriteLocks(t.db);
  await expect(
    l.hold('k4', async () => {
      throw new Error('refused');
    }),
  ).rejects.toThrow('refused');
  expect(await locks().countDocuments()).toBe(0);
  const order: string[] = [];
  let release!: () => void;
  const first = l.hold('k4', async () => {
    order.push('first in');
    await new Promise<void>((r) => (release = r));
    order.push('first out');
  });
  await new Promise((r) => setTimeout(r, 50));
  const second = new WriteLocks(t.db).hold('k4', async () => void order.push('second'));
  await new Promise((r) => setTimeout(r, 100));
  release();
  await Promise.all([first, second]);
  expect(order).toEqual(['first in', 'first out', 'second']);
});
