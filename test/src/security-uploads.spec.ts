/**
 * Uploads cannot exhaust the server: each person has a daily quota and a rate of files per minute
 * (429 past either, counted in the database), and files no flow took within a day are removed.
 */
import { AttachmentStore } from '../../api/src/attachments/attachments';
import { startServer, PDF, type TestServer } from './harness';

let s: TestServer;
beforeAll(async () => {
  // a quota of 2 KB a day, and 4 files a minute
  s = await startServer('security_uploads', { UPLOAD_QUOTA_MB: 2048 / 1048576, UPLOAD_RATE: 4 });
});
afterAll(() => s?.close());

const big = Buffer.concat([PDF, Buffer.alloc(1500, 0x20)]);

test('past the daily quota an upload is refused with 429, and the rest of the day stays so; others go on', async () => {
  const ext = await s.login('external1');
  expect((await ext.upload('一.pdf', big, { category: 'other' })).status).toBe(201);
  expect((await ext.upload('二.pdf', big, { category: 'other' })).status).toBe(201); // 3 KB now: over
  const refused = await ext.upload('三.pdf', PDF, { category: 'other' });
  expect([refused.status, refused.body.code]).toEqual([429, 'UPLOAD_QUOTA']);
  // the quota is each person's
  expect((await (await s.login('sup1')).upload('别人的.pdf', PDF, { category: 'other' })).status).toBe(201);
});

test('more files a minute than the rate allows are refused with 429 before they are read', async () => {
  const sup = await s.login('sup2');
  const answers: number[] = [];
  for (let i = 0; i < 6; i++) answers.push((await sup.upload(`小${i}.pdf`, PDF, { category: 'other' })).status);
  expect(answers.slice(0, 4)).toEqual([201, 201, 201, 201]);
  expect(answers.slice(4)).toEqual([429, 429]);
  const last = await sup.upload('再一个.pdf', PDF, { category: 'other' });
  expect(last.body.code).toBe('UPLOAD_RATE');
});

test('an upload no flow took within a day is removed, bytes and record; one a flow took stays', async () => {
  const witness = await s.login('witness1');
  const loose = await witness.upload('没用上.pdf', PDF, { category: 'evidence' });
  const used = await witness.upload('用上了.pdf', PDF, { category: 'evidence' });
  const started = await witness.post('/api/process-instances', {
    processId: 'anomaly-escalation',
    variables: { projectId: 'XXGC-2026-002', category: 'trade', assignedBy: 'none', title: '附件清理', description: '说明', pauseNow: false },
    attachmentIds: [used.body.id],
  });
  expect(started.status).toBe(201);
  const store = new AttachmentStore(s.db, 1048576);
  expect(await store.sweepOrphans()).toBe(0); // younger than a day: kept
  // a day later
  await s.db.collection('attachment_orphans').updateOne({ _id: loose.body.id }, { $set: { at: new Date(Date.now() - 25 * 3_600_000) } });
  expect(await store.sweepOrphans()).toBe(1);
  expect(await s.db.collection('attachments').findOne({ _id: loose.body.id })).toBeNull();
  const chunks = await s.db.collection('attachments.files').countDocuments({ filename: loose.body.id });
  expect(chunks).toBe(0);
  expect(await s.db.collection('attachments').findOne({ _id: used.body.id })).toMatchObject({ instanceId: started.body.id });
  expect((await witness.get(`/api/attachments/${used.body.id}`)).status).toBe(200);
});

test('an upload goes to one flow only: not to another person’s start, one of two starts naming it at once, and a start carried again after a stop finds its claim', async () => {
  // (proc1: the others here have used their quota of the day)
  const proc = await s.login('proc1');
  const store = new AttachmentStore(s.db, 1048576);
  const upload = async (name: string) => (await proc.upload(name, PDF, { category: 'evidence' })).body.id as string;
  const [mine, shared, halfway] = [await upload('一.pdf'), await upload('二.pdf'), await upload('三.pdf')];
  // someone else naming proc1's upload does not take it
  expect(await store.link([mine], 'sup1', 'inst-other')).toBe(0);
  // two starts naming the same upload at once: one takes it
  const taken = await Promise.all([store.link([shared], 'proc1', 'inst-a'), store.link([shared], 'proc1', 'inst-b')]);
  expect(taken.sort()).toEqual([0, 1]);
  const owner = (await s.db.collection('attachments').findOne({ _id: shared as never }))?.instanceId;
  expect(['inst-a', 'inst-b']).toContain(owner);
  expect(await store.link([shared], 'proc1', 'inst-c')).toBe(0);
  // a start stopped between its claim and the link is carried again: its claim holds, another's does not
  await s.db.collection('attachment_orphans').updateOne({ _id: halfway as never }, { $set: { claimedBy: 'inst-d' } });
  expect(await store.link([halfway], 'proc1', 'inst-e')).toBe(0);
  expect(await store.link([halfway], 'proc1', 'inst-d')).toBe(1);
  expect(await s.db.collection('attachments').findOne({ _id: halfway as never })).toMatchObject({ instanceId: 'inst-d' });
  expect(await s.db.collection('attachment_orphans').findOne({ _id: halfway as never })).toBeNull();
  // and the upload that was not taken is still proc1's to use
  expect(await store.link([mine], 'proc1', 'inst-f')).toBe(1);
});
