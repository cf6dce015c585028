/**
 * Whether the event a change record carried is on the trail is found by id (the ref index), not by
 * reading the trail: a ref whose event a stop kept out is not chained, a trail written before the
 * index existed is indexed once, and the chain still verifies.
 */
import type { Connection } from 'mongoose';
import { connectTestDb } from '@ggzy/engine-workers/testing';
import { AuditService, type AuditDoc } from './audit.service';
import { hashOf } from './audit-chain';

let db: Connection;
let seq = 0;

beforeEach(async () => {
  db = await connectTestDb(`audit_refs_${seq++}`);
});
afterEach(async () => {
  await db.dropDatabase();
  await db.close();
});

const act = (ref: string) => ({ actor: 'eng_head', action: 'task.claimed', taskId: `t-${ref}`, ref });

test('appended events are chained under their refs; others, and a ref held by another event, are not', async () => {
  const audit = new AuditService(db);
  await Promise.all(['r1', 'r2', 'r3'].map((r) => audit.append(act(r))));
  await audit.append({ actor: 'system', action: 'instance.started' });

  expect(await audit.chained('r2')).toBe(true);
  expect(await audit.chained('never')).toBe(false);
  expect([...(await audit.unchained(['r1', 'gone', 'r3', 'also-gone']))]).toEqual(['gone', 'also-gone']);

  // a ref written down for an event that a stop kept out, whose number another event then took
  await db.collection('audit_refs').insertOne({ _id: 'lost' as never, seq: 4 });
  expect(await audit.chained('lost')).toBe(false);
  // chained again: found at its new place
  const again = await audit.append(act('lost'));
  expect(again.seq).toBe(5);
  expect(await audit.chained('lost')).toBe(true);
  expect((await audit.verify()).ok).toBe(true);
});

test('a trail stored before the ref index existed is indexed at the first question, once', async () => {
  // given a trail of three events, one with a ref, and no index
  const events = db.collection<AuditDoc>('audit_events');
  let prev = '0'.repeat(64);
  for (let i = 1; i <= 3; i++) {
    const doc = {
      _id: i,
      at: new Date(Date.UTC(2026, 0, i)),
      actor: 'witness1',
      action: 'task.completed',
      data: '{}',
      prevHash: prev,
      ...(i === 2 && { ref: 'old' }),
    };
    prev = hashOf(doc);
    await events.insertOne({ ...doc, hash: prev });
  }
  const audit = new AuditService(db);
  expect(await audit.chained('old')).toBe(true);
  expect(await audit.chained('other')).toBe(false);
  expect(await db.collection('audit_refs').findOne({ _id: 'old' as never })).toMatchObject({ seq: 2 });

  // a second process finds it built and reads no trail: an event put there behind the service's back is not seen
  const second = new AuditService(db);
  await events.insertOne({ _id: 4, at: new Date(), actor: 'x', action: 'x', data: '{}', prevHash: prev, ref: 'sneaked', hash: 'f'.repeat(64) });
  expect(await second.chained('sneaked')).toBe(false);
  expect(await second.chained('old')).toBe(true);
});
