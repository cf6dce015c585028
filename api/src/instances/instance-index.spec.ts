/**
 * An instance's audit events, comments and attachments are found through the instance's own
 * index document, not by filtering the collections they live in: what was listed but never stored
 * (a stop in between) or is another instance's is skipped, and data stored before the index
 * existed is listed once, at the first question.
 */
import type { Connection } from 'mongoose';
import { connectTestDb } from '@ggzy/engine-workers/testing';
import { AuditService } from '../audit/audit.service';
import { AttachmentStore } from '../attachments/attachments';
import { Comments } from '../comments/comments';
import { InstanceIndex } from './instance-index';

let db: Connection;
let seq = 0;

beforeEach(async () => {
  db = await connectTestDb(`instance_index_${seq++}`);
});
afterEach(async () => {
  await db.dropDatabase();
  await db.close();
});

const comment = (id: string, instanceId: string, minute: number) => ({
  _id: id,
  instanceId,
  author: 'sup1',
  authorName: '监督一',
  text: id,
  at: new Date(Date.UTC(2026, 10, 30, 1, minute)),
});

test("an instance's audit events are read through its list: in order, its own only, and a number listed for an event never stored is skipped", async () => {
  const audit = new AuditService(db);
  await audit.append({ actor: 'witness1', action: 'instance.started', instanceId: 'i1' });
  await audit.append({ actor: 'witness1', action: 'instance.started', instanceId: 'i2' });
  await audit.append({ actor: 'eng_head', action: 'task.claimed', instanceId: 'i1', taskId: 't1' });
  await audit.append({ actor: 'system', action: 'calendar.loaded' });

  // a number listed under i1 whose event a stop kept out, then given to another instance's event
  await new InstanceIndex(db).add([{ instanceId: 'i1', kind: 'audit', id: 5 }]);
  await audit.append({ actor: 'witness1', action: 'instance.started', instanceId: 'i3' });

  expect((await audit.forInstance('i1')).map((e) => [e.seq, e.action])).toEqual([
    [1, 'instance.started'],
    [3, 'task.claimed'],
  ]);
  expect((await audit.list({ instanceId: 'i1', action: 'task.claimed' }, 1, 10)).items.map((e) => e.seq)).toEqual([3]);
  expect((await audit.list({ instanceId: 'i1' }, 1, 1)).total).toBe(2);

  // an event put in the trail behind the service's back is not found: the list is what is read
  await db.collection('audit_events').insertOne({ _id: 99 as never, instanceId: 'i1', action: 'x' });
  expect((await audit.forInstance('i1')).map((e) => e.seq)).toEqual([1, 3]);
});

test('comments and attachments stored before the index existed are listed at the first question; new ones are listed as they come', async () => {
  // given comments and an attachment stored with no index
  await db.collection('comments').insertMany([comment('c2', 'i1', 2), comment('c1', 'i1', 1), comment('c3', 'i2', 3)] as never[]);
  const attachment = {
    filename: 'a.pdf',
    contentType: 'application/pdf',
    size: 1,
    sha256: 'x',
    fileId: 'f',
    category: null,
    uploadedBy: 'witness1',
    taskId: null,
  };
  await db.collection('attachments').insertMany([
    { _id: 'a1', ...attachment, instanceId: 'i1', uploadedAt: new Date(Date.UTC(2026, 10, 30, 2)) },
    { _id: 'a2', ...attachment, instanceId: null, uploadedAt: new Date(Date.UTC(2026, 10, 30, 1)) },
  ] as never[]);
  const comments = new Comments(db);
  const files = new AttachmentStore(db, 1_000_000);

  expect((await comments.of('i1')).map((c) => c._id)).toEqual(['c1', 'c2']);
  expect((await files.forInstance('i1')).map((a) => a._id)).toEqual(['a1']);

  // when a comment is added and the unlinked upload is linked to i1
  await comments.add(comment('c4', 'i1', 4));
  await db.collection('attachment_orphans').insertOne({ _id: 'a2' as never, at: new Date() });
  expect(await files.link(['a2'], 'witness1', 'i1')).toBe(1);

  // then both are found, in order, and other instances' are not
  expect((await comments.of('i1')).map((c) => c._id)).toEqual(['c1', 'c2', 'c4']);
  expect((await files.forInstance('i1')).map((a) => a._id)).toEqual(['a2', 'a1']);
  expect((await comments.of('i2')).map((c) => c._id)).toEqual(['c3']);

  // and a second process finds the lists built: a comment stored behind its back is not read
  await db.collection('comments').insertOne(comment('c5', 'i1', 5) as never);
  expect((await new Comments(db).of('i1')).map((c) => c._id)).toEqual(['c1', 'c2', 'c4']);
});
