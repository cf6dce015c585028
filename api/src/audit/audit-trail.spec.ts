/**
 * The audit trail is read by id, never filtered, for everything a page asks of it: an instance's
 * events (listed under the instance), the newest page (the ids below the head), the head itself
 * (probed), whether a change record's event is in. A trail stored with numbered ids is given the
 * twelve-digit ones once, keeping its hashes, also when a stop cut the first try short.
 */
import { freshDbEach } from '@ggzy/engine-workers/testing';
import { AuditService } from './audit.service';
import { seqId } from './audit-doc';

const t = freshDbEach('audit_trail');

/** Events of three instances, in turn (i0, i1, i2, i0…), each with a ref. */
async function someEvents(audit: AuditService, count: number, prefix = 'e'): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, (_, k) => audit.appendStored({ actor: 'sup1', action: 'task.claimed', instanceId: `i${k % 3}`, ref: `${prefix}${k}` })),
  );
}

test('a trail stored with numbered ids gets twelve-digit ones once, hashes unchanged; a stop in the middle is taken up', async () => {
  // given a trail of 9 events as the earlier version stored it (numbered ids), of which a stopped
  // first try copied two already
  await someEvents(new AuditService(t.db), 9);
  const stored = await t.db.collection<{ _id: unknown; hash: string }>('audit_events').find({}).sort({ _id: 1 }).toArray();
  const head = stored[8]!.hash;
  await t.db.collection('audit_events').drop();
  await t.db.collection('audit_meta').drop();
  await t.db.collection('instance_index').drop();
  await t.db.collection('audit_events').insertMany(stored.map((d) => ({ ...d, _id: Number(d._id) })) as never[]);
  await t.db.collection('audit_events').insertMany(stored.slice(0, 2) as never[]);

  // when a service opens it
  const audit = new AuditService(t.db);
  const said: string[] = [];
  await new AuditService(t.db, { log: (m) => said.push(m) }).open();

  // then every event has its twelve-digit id, the chain holds with the same head, and appends go on after it
  const ids = (await t.db.collection('audit_events').find({}).sort({ _id: 1 }).toArray()).map((d) => d._id);
  expect(ids).toEqual(Array.from({ length: 9 }, (_, k) => seqId(k + 1)));
  expect(said.at(-1)).toBe('audit trail: 9 events given their new ids, done');
  expect(await audit.verify()).toMatchObject({ ok: true, count: 9, headHash: head });
  await audit.appendStored({ actor: 'sup1', action: 'task.completed', instanceId: 'i0' });
  expect(await audit.verify()).toMatchObject({ ok: true, count: 10 });
  // and events stored before they were listed under their instance are found (listed once)
  expect((await audit.forInstance('i0')).map((e) => e.seq)).toEqual([1, 4, 7, 10]);
  // a second opening finds the work done (no pass over the trail)
  const again = new AuditService(t.db);
  const find = jest.spyOn(again.model.collection, 'find');
  await again.open();
  expect(find).not.toHaveBeenCalled();
});

test("an instance's events, the newest page and the head are read by id, not by filtering the trail", async () => {
  // given 30 events, and a service that has already answered once (the one-time listing)
  const audit = new AuditService(t.db);
  await someEvents(audit, 30);
  await audit.forInstance('i1');
  const reads = (['find', 'findOne', 'countDocuments', 'exists'] as const).map((m) => jest.spyOn(audit.model, m as 'find'));

  // then one instance's events, paged, newest first
  const i1 = await audit.list({ instanceId: 'i1' }, 2, 4);
  expect(i1.total).toBe(10);
  expect(i1.items.map((e) => e.seq)).toEqual([17, 14, 11, 8]);
  expect((await audit.forInstance('i2')).map((e) => e.seq)).toEqual([3, 6, 9, 12, 15, 18, 21, 24, 27, 30]);
  // the whole trail's newest page and the next one
  const page1 = await audit.list({}, 1, 7);
  expect(page1.total).toBe(30);
  expect(page1.items.map((e) => e.seq)).toEqual([30, 29, 28, 27, 26, 25, 24]);
  expect((await audit.list({}, 5, 7)).items.map((e) => e.seq)).toEqual([2, 1]);
  // whether change records' events are in
  expect(await audit.chained('e4', 'i1')).toBe(true);
  expect(await audit.chained('e4', 'i0')).toBe(false);
  expect([
    ...(await audit.unchained([
      { ref: 'e5', instanceId: 'i2' },
      { ref: 'gone', instanceId: 'i2' },
    ])),
  ]).toEqual(['gone']);
  const asked = reads.flatMap((r) => r.mock.calls.map((c) => c[0] as Record<string, unknown>));
  expect(asked.length).toBeGreaterThan(30);
  expect(asked.filter((q) => Object.keys(q).join() !== '_id' || typeof q._id !== 'string')).toEqual([]);

  // and searching by actor alone still filters (what an auditor's search is for)
  expect((await audit.list({ actor: 'sup1', action: 'task.claimed' }, 1, 5)).total).toBe(30);
});

test("listed but never stored (a stop in between) or another instance's: skipped", async () => {
  const audit = new AuditService(t.db);
  await someEvents(audit, 6);
  await t.db.collection('instance_index').updateOne({ _id: 'i0' as never }, { $addToSet: { audit: { $each: [seqId(2), seqId(99)] } } });
  expect((await audit.forInstance('i0')).map((e) => e.seq)).toEqual([1, 4]);
});

test('two processes appending at once keep one unbroken chain, and each instance has all its events', async () => {
  const a = new AuditService(t.db);
  const b = new AuditService(t.db);
  for (let round = 0; round < 3; round++) await Promise.all([someEvents(a, 20, `a${round}-`), someEvents(b, 20, `b${round}-`)]);
  expect(await a.verify()).toMatchObject({ ok: true, count: 120 });
  const events = await Promise.all(['i0', 'i1', 'i2'].map((i) => b.forInstance(i)));
  expect(events.map((e) => e.length)).toEqual([42, 42, 36]);
  expect((await a.list({}, 1, 1)).items[0]!.seq).toBe(120);
});
