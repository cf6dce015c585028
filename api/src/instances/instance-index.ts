/**
 * What belongs to one instance, found by the instance's id: the ids of its comments and
 * attachments, in one document per instance (`instance_index`). The instance's page (and each task
 * page, which shows it) reads these by id instead of filtering the comments and the attachments,
 * which grow with every instance ever run (on the embedded database only `{ _id: string }` filters
 * use an index).
 *
 * An id is listed before the document it names is written (or given the instance): one listed
 * whose document a stop kept out, or that is not the instance's, is skipped by the reader, who
 * checks each document it reads. Stored data from before the index is listed once, at the first
 * question about that kind (read whole, then written: the embedded database does not take a write
 * while a cursor on it is open).
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../db/model-on';

export type IndexKind = 'comments' | 'attachments';

interface IndexDoc {
  _id: string;
  comments?: string[];
  attachments?: string[];
}

export interface IndexEntry<K extends IndexKind = IndexKind> {
  instanceId: string;
  kind: K;
  id: string;
}

/** Marks a kind whose stored documents were listed (`#built:comments`…). */
const BUILT = (kind: IndexKind) => `#built:${kind}`;

export class InstanceIndex {
  private readonly model: Model<IndexDoc>;
  private readonly built = new Map<IndexKind, Promise<void>>();
  private writing: Promise<unknown> = Promise.resolve();

  constructor(db: Connection) {
    this.model = modelOn<IndexDoc>(
      db,
      'InstanceIndex',
      new Schema<IndexDoc>({ _id: String, comments: [String], attachments: [String] }, { versionKey: false, _id: false, collection: 'instance_index' }),
    );
  }

  /**
   * List these ids under their instances: one single-statement write per instance, one batch at a
   * time in this process (the embedded database can stall for good on two multi-statement upserts
   * of the same documents at once).
   */
  add(entries: IndexEntry[]): Promise<void> {
    const byInstance = new Map<string, Partial<Record<IndexKind, string[]>>>();
    for (const e of entries) {
      const lists = byInstance.get(e.instanceId) ?? {};
      byInstance.set(e.instanceId, lists);
      (lists[e.kind] ??= []).push(e.id);
    }
    const run = this.writing.then(async () => {
      for (const [instanceId, lists] of byInstance) {
        const each = Object.fromEntries(Object.entries(lists).map(([kind, ids]) => [kind, { $each: ids }]));
        await this.model.updateOne({ _id: instanceId }, { $addToSet: each }, { upsert: true });
      }
    });
    this.writing = run.catch(() => undefined);
    return run;
  }

  /**
   * The ids listed for an instance. `listStored` gives what was stored before the index existed
   * (read once, the first time a process asks about that kind and finds it not yet listed).
   */
  async ids<K extends IndexKind>(instanceId: string, kind: K, listStored: () => AsyncIterable<IndexEntry<K>>): Promise<string[]> {
    await this.build(kind, listStored);
    const doc = await this.model.findById(instanceId).select(kind).lean();
    return doc?.[kind] ?? [];
  }

  private build<K extends IndexKind>(kind: K, listStored: () => AsyncIterable<IndexEntry<K>>): Promise<void> {
    let done = this.built.get(kind);
    if (!done) {
      done = (async () => {
        if (await this.model.exists({ _id: BUILT(kind) })) return;
        // read whole before writing: the embedded database holds a write back while a cursor is open
        const stored: IndexEntry[] = [];
        for await (const e of listStored()) stored.push(e);
        await this.add(stored);
        await this.model.updateOne({ _id: BUILT(kind) }, { $set: { [kind]: [] } }, { upsert: true });
      })();
      done.catch(() => this.built.delete(kind));
      this.built.set(kind, done);
    }
    return done;
  }
}

/** Read documents by id, a few at a time, keeping those that are there and pass `keep`. */
export async function readByIds<D, I>(ids: I[], read: (id: I) => Promise<D | null>, keep: (d: D) => boolean): Promise<D[]> {
  const out: D[] = [];
  for (let i = 0; i < ids.length; i += 16) {
    for (const d of await Promise.all(ids.slice(i, i + 16).map(read))) if (d && keep(d)) out.push(d);
  }
  return out;
}
