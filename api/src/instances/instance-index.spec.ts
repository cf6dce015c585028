/**
 * An instance's comments and attachments are found through the instance's own index document,
 * not by filtering the collections they live in: what was listed but never stored (a stop in
 * between) or is another instance's is skipped, and data stored before the index existed is listed
 * once, at the first question.
 */
import { freshDbEach } from '@ggzy/engine-workers/testing';
import { AttachmentStore } from '../attachments/attachments';
import { Comments } from '../comments/comments';
import { AuditService } from '../audit/audit.service';
import { InstanceIndex } from './instance-index';

const t = freshDbEach('instance_index');

const comment = (id: string, instanceId: string, minute: number) => ({
  _id: id,
  instanceId,
  author: 'sup1',
  authorName: '监督一',
  text: id,
  at: new Date(Date.UTC(2026, 10, 30, 1, minute)),
});

test('comments and attachments stored before the index existed are listed at the first question; new ones are listed as they come', async () => {
  // given comments and an attachment stored with no index
  await t.db.collection('comments').insertMany([comment('c2', 'i1', 2), comment('c1', 'i1', 1), comment('c3', 'i2', 3)] as never[]);
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
  await t.db.collection('attachments').insertMany([
    { _id: 'a1', ...attachment, instanceId: 'i1', uploadedAt: new Date(Date.UTC(2026, 10, 30, 2)) },
    { _id: 'a2', ...attachment, instanceId: null, uploadedAt: new Date(Date.UTC(2026, 10, 30, 1)) },
  ] as never[]);
  const comments = new Comments(t.db);
  const files = new AttachmentStore(t.db, 1_000_000);

  expect((await comments.of('i1')).map((c) => c._id)).toEqual(['c1', 'c2']);
  expect((await files.forInstance('i1')).map((a) => a._id)).toEqual(['a1']);

  // when a comment is added and the unlinked upload is linked to i1
  await comments.add(comment('c4', 'i1', 4));
  await t.db.collection('attachment_orphans').insertOne({ _id: 'a2' as never, at: new Date() });
  expect(await files.link(['a2'], 'witness1', 'i1')).toBe(1);

  // and a comment listed whose write a stop kept out, and another instance's listed here by mistake
  await new InstanceIndex(t.db).add([
    { instanceId: 'i1', kind: 'comments', id: 'ghost' },
    { instanceId: 'i1', kind: 'comments', id: 'c3' },
  ]);

  // then both are found, in order, and the ghost and other instances' are not
  expect((await comments.of('i1')).map((c) => c._id)).toEqual(['c1', 'c2', 'c4']);
  expect((await files.forInstance('i1')).map((a) => a._id)).toEqual(['a2', 'a1']);
  expect((await comments.of('i2')).map((c) => c._id)).toEqual(['c3']);

  // and a second process finds the lists built: a comment stored behind its back is not read
  await t.db.collection('comments').insertOne(comment('c5', 'i1', 5) as never);
  expect((await new Comments(t.db).of('i1')).map((c) => c._id)).toEqual(['c1', 'c2', 'c4']);
});

test("a page's three readers share one read of the instance's index document; a reader after a write sees it", async () => {
  const comments = new Comments(t.db);
  const files = new AttachmentStore(t.db, 1_000_000);
  const audit = new AuditService(t.db);
  await comments.add(comment('c1', 'i7', 1));
  await audit.append({ actor: 'sup1', action: 'task.completed', instanceId: 'i7' });
  await Promise.all([comments.of('i7'), files.forInstance('i7'), audit.forInstance('i7')]); // (each kind's one-time listing done)
  const reads = jest.spyOn(t.db.model('InstanceIndex'), 'findById');

  // when the instance page asks for all three at once
  const [c, f, e] = await Promise.all([comments.of('i7'), files.forInstance('i7'), audit.forInstance('i7')]);

  // then the index document was read once, and each got its own
  expect(reads).toHaveBeenCalledTimes(1);
  expect([c.map((x) => x._id), f, e.map((x) => x.action)]).toEqual([['c1'], [], ['task.completed']]);

  // and a read under way while a comment is added (its answer, from before the add, held back
  // until after it) is not handed to a reader who comes after the add
  let answer!: () => void;
  const heldBack = new Promise<void>((r) => (answer = r));
  let readDone!: () => void;
  const read = new Promise<void>((r) => (readDone = r));
  const real = t.db.model('InstanceIndex').findById.bind(t.db.model('InstanceIndex'));
  reads.mockImplementationOnce(((id: string) => {
    const before = real(id).lean().exec();
    void before.then(() => readDone());
    return { lean: () => ({ exec: async () => (await heldBack, before) }) };
  }) as never);
  const early = comments.of('i7');
  await read;
  await comments.add(comment('c2', 'i7', 2));
  const later = comments.of('i7');
  answer();
  expect((await early).map((x) => x._id)).toEqual(['c1']);
  expect((await later).map((x) => x._id)).toEqual(['c1', 'c2']);
});
