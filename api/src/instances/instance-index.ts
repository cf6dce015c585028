/**
 * What belongs to one instance, found by the instance's id: the ids of its comments, attachments
 * and audit events, in one document per instance (`instance_index`). The instance's page (and each
 * task page, which shows it) reads these by id instead of filtering the comments, the attachments
 * and the trail, which grow with every instance ever run (on the embedded database only
 * `{ _id: string }` filters use an index).
 *
 * An id is listed before the document it names is written (or given the instance): one listed
 * whose document a stop kept out, or that is not the instance's, is skipped by the reader, who
 * checks each document it reads. Stored data from before the index is listed once (`build`: at
 * start, or at the first question about that kind).
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../db/model-on';

export type IndexKind = 'comments' | 'attachments' | 'audit';

interface IndexDoc {
  _id: string;
  comments?: string[];
  attachments?: string[];
  audit?: string[];
}

export interface IndexEntry {
  instanceId: string;
  kind: IndexKind;
  id: string;
}

/** A document an instance can own (a comment, an attachment, an audit event). */
type Owned = { _id: string; instanceId?: string | null };

/** Reads of index documents under way, per connection (see `read`). */
const inFlight = new WeakMap<Connection, Map<string, Promise<IndexDoc | null>>>();

/** Marks a kind whose stored documents were listed (`#built:comments`…). */
const BUILT = (kind: IndexKind) => `#built:${kind}`;

export class InstanceIndex {
  private readonly model: Model<IndexDoc>;
  private readonly built = new Map<IndexKind, Promise<void>>();

  constructor(db: Connection) {
    this.model = modelOn<IndexDoc>(
      db,
      'InstanceIndex',
      new Schema<IndexDoc>(
        { _id: String, comments: [String], attachments: [String], audit: [String] },
        { versionKey: false, _id: false, collection: 'instance_index' },
      ),
    );
  }

  /**
   * List these ids under their instances: one single-statement write per instance, eight at a
   * time (the embedded database can stall for good on two multi-statement upserts of the same
   * documents at once).
   */
  async add(entries: IndexEntry[]): Promise<void> {
    const byInstance = new Map<string, Partial<Record<IndexKind, string[]>>>();
    for (const e of entries) {
      const lists = byInstance.get(e.instanceId) ?? {};
      byInstance.set(e.instanceId, lists);
      (lists[e.kind] ??= []).push(e.id);
    }
    const writes = [...byInstance].map(([instanceId, lists]) => {
      const each = Object.fromEntries(Object.entries(lists).map(([kind, ids]) => [kind, { $each: ids }]));
      const write = (upsert: boolean) => this.model.updateOne({ _id: instanceId }, { $addToSet: each }, { upsert });
      // (a document made meanwhile by another writer's upsert: written again as an update)
      return () => write(true).catch((err: { code?: number }) => (err.code === 11000 ? write(false) : Promise.reject(err)));
    });
    for (let i = 0; i < writes.length; i += 8) await Promise.all(writes.slice(i, i + 8).map((w) => w()));
    // (a read begun before these writes is not handed to a reader who comes after them)
    for (const instanceId of byInstance.keys()) inFlight.get(this.model.db)?.delete(instanceId);
  }

  /** The documents of `model` listed for an instance that are there and are its (read by id, 16 at a time). */
  async docsOf<D extends Owned>(instanceId: string, kind: IndexKind, model: Model<D>): Promise<D[]> {
    await this.build(kind, model);
    const ids = (await this.read(instanceId))?.[kind] ?? [];
    const out: D[] = [];
    for (let i = 0; i < ids.length; i += 16) {
      const some = await Promise.all(ids.slice(i, i + 16).map((id) => model.findById(id).lean<D>()));
      for (const d of some) if (d?.instanceId === instanceId) out.push(d);
    }
    return out;
  }

  /**
   * An instance's index document. A page asks for its comments, attachments and events at once
   * (three readers, each with its own index object): a read already under way on the same
   * connection is shared, so the document is read once.
   */
  private read(instanceId: string): Promise<IndexDoc | null> {
    let reading = inFlight.get(this.model.db);
    if (!reading) inFlight.set(this.model.db, (reading = new Map()));
    let doc = reading.get(instanceId);
    if (!doc) {
      doc = this.model.findById(instanceId).lean<IndexDoc>().exec();
      reading.set(instanceId, doc);
      const done = () => reading.get(instanceId) === doc && reading.delete(instanceId);
      doc.then(done, done);
    }
    return doc;
  }

  /** What `model` stored before the index existed, listed once (read whole, then written); later calls wait for the first. */
  build<D extends Owned>(kind: IndexKind, model: Model<D>): Promise<void> {
    let done = this.built.get(kind);
    if (!done) {
      done = (async () => {
        if (await this.model.exists({ _id: BUILT(kind) })) return;
        const stored = await model
          .find({ instanceId: { $ne: null } })
          .select('instanceId')
          .lean<Owned[]>();
        await this.add(stored.map((d) => ({ instanceId: d.instanceId!, kind, id: d._id })));
        await this.model.updateOne({ _id: BUILT(kind) }, { $set: { [kind]: [] } }, { upsert: true });
      })();
      done.catch(() => this.built.delete(kind));
      this.built.set(kind, done);
    }
    return done;
  }
}
