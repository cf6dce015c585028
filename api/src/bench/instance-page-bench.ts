/**
 * What the instance page (and every task page, which shows it) reads of an instance's history —
 * its comments and attachments, and its audit events — with a year of the center's work stored
 * and with ten years': through the per-instance index (as the server reads them) and, for
 * comparison, by filtering each collection by instance (as it did before the index). The first
 * size's events are seeded as earlier versions stored them (numbered ids), so it also times giving
 * them their twelve-digit ids; each size times the one-time listing of data stored before the
 * index existed.
 *
 * A year: 5,000 instances, 20 audit events, 2 comments and 1 attachment each (100,000 events).
 * Env: MONGODB_URI (a throw-away database is made in it), BENCH_INSTANCE_SIZES (instances stored,
 * default `5000,50000`), BENCH_INSTANCE_READS (instances read per size, default 200).
 */
import type mongoose from 'mongoose';
import { AttachmentStore } from '../attachments/attachments';
import { Comments } from '../comments/comments';
import { onThrowawayDb } from './throwaway-db';
import { AuditService } from '../audit/audit.service';
import { seqId } from '../audit/audit-doc';
import { pct } from './timing';

const SIZES = (process.env.BENCH_INSTANCE_SIZES ?? '5000,50000').split(',').map(Number);
const READS = Number(process.env.BENCH_INSTANCE_READS ?? 200);
const EVENTS = 20;
const COMMENTS = 2;

const ms = (x: number) => `${x.toFixed(1)} ms`;
const inst = (i: number) => `bench-${String(i).padStart(7, '0')}`;

/** Add instances `from`..`to` (exclusive) straight into the collections, as the server writes them (the events with numbered ids, as earlier versions did, if `numbered`). */
async function seed(db: mongoose.Connection, from: number, to: number, seq: { n: number }, numbered: boolean): Promise<void> {
  const at = new Date(Date.UTC(2026, 0, 1));
  for (let start = from; start < to; start += 250) {
    const events: object[] = [];
    const comments: object[] = [];
    const files: object[] = [];
    for (let i = start; i < Math.min(to, start + 250); i++) {
      const id = inst(i);
      for (let e = 0; e < EVENTS; e++)
        events.push({
          _id: numbered ? ++seq.n : seqId(++seq.n),
          at,
          actor: 'sup1',
          action: e ? 'task.completed' : 'instance.started',
          instanceId: id,
          taskId: `${id}:t${e}`,
          data: '{}',
          prevHash: '',
          hash: '',
        });
      for (let c = 0; c < COMMENTS; c++)
        comments.push({ _id: `${id}:c${c}`, instanceId: id, taskId: `${id}:t${c}`, author: 'sup1', authorName: '监督一', text: '意见', at });
      files.push({
        _id: `${id}:f`,
        filename: 'a.pdf',
        contentType: 'application/pdf',
        size: 1,
        sha256: '',
        fileId: '',
        category: null,
        uploadedBy: 'witness1',
        uploadedAt: at,
        instanceId: id,
        taskId: null,
      });
    }
    await Promise.all([
      db.collection('audit_events').insertMany(events as never[], { ordered: false }),
      db.collection('comments').insertMany(comments as never[], { ordered: false }),
      db.collection('attachments').insertMany(files as never[], { ordered: false }),
    ]);
  }
}

onThrowawayDb('instance', async (db) => {
  process.stdout.write(`instance page bench: ${EVENTS} audit events, ${COMMENTS} comments, 1 attachment per instance; ${READS} instances read per size\n`);
  const rows: string[] = [];
  const seq = { n: 0 };
  let stored = 0;
  for (const size of SIZES) {
    const t0 = performance.now();
    const from = stored;
    await seed(db, stored, size, seq, from === 0);
    stored = size;
    const seeded = performance.now() - t0;
    // a new process at each size, the data seeded as if stored before the index and the trail's new ids: its start and first question make them
    for (const kind of ['comments', 'attachments', 'audit']) await db.collection('instance_index').deleteOne({ _id: `#built:${kind}` as never });
    await db.collection('audit_meta').deleteMany({});
    const comments = new Comments(db);
    const files = new AttachmentStore(db, 1);
    const audit = new AuditService(db);
    const t1 = performance.now();
    await audit.open();
    const migrated = performance.now() - t1;
    await Promise.all([comments.of(inst(0)), files.forInstance(inst(0)), audit.forInstance(inst(0))]);
    const listed = performance.now() - t1 - migrated;
    const pick = Array.from({ length: READS }, (_, k) => inst((k * 7919) % size));
    const indexed: number[] = [];
    for (const id of pick) {
      const t = performance.now();
      const [c, f, e] = await Promise.all([comments.of(id), files.forInstance(id), audit.forInstance(id)]);
      indexed.push(performance.now() - t);
      if (c.length !== COMMENTS || f.length !== 1 || e.length !== EVENTS)
        throw new Error(`instance ${id}: ${c.length} comments, ${f.length} files, ${e.length} events`);
    }
    const filtered: number[] = [];
    const trail: number[] = [];
    // (a filter of ten years' data takes over a minute: two are enough to see it)
    for (const id of pick.slice(0, size > 10_000 ? 2 : Math.max(5, Math.round(READS / 20)))) {
      let t = performance.now();
      await Promise.all([db.collection('comments').find({ instanceId: id }).toArray(), db.collection('attachments').find({ instanceId: id }).toArray()]);
      filtered.push(performance.now() - t);
      t = performance.now();
      await db.collection('audit_events').find({ instanceId: id }).sort({ _id: 1 }).toArray();
      trail.push(performance.now() - t);
    }
    rows.push(
      `  ${String(size).padStart(7)} instances (${size * EVENTS} events): comments, attachments and events by index p50 ${ms(pct(indexed, 50))}, ` +
        `p99 ${ms(pct(indexed, 99))}; by filter: comments and attachments p50 ${ms(pct(filtered, 50))}, events p50 ${ms(pct(trail, 50))}; ` +
        `seeded in ${(seeded / 1000).toFixed(0)} s; once: ${from ? '' : `${size * EVENTS} events given new ids and `}events listed in ${(migrated / 1000).toFixed(1)} s, ` +
        `comments and attachments listed in ${(listed / 1000).toFixed(1)} s`,
    );
    process.stdout.write(`${rows.at(-1)}\n`);
  }
});
