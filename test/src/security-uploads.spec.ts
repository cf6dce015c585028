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
