/**
 * Where the event a change record carried sits in the trail (`audit_refs`, `_id`: the ref), so that
 * asking whether it is chained reads two documents by id instead of the trail. A ref is written
 * before its event: one whose event is not at its place (a stop in between, or another process
 * took the number) is not chained.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../db/model-on';
import type { AuditDoc } from './audit.service';

interface RefDoc {
  _id: string;
  seq: number;
}

/** The refs of a trail stored before this index existed were listed. */
const BUILT = '#built';

export class AuditRefs {
  private readonly model: Model<RefDoc>;
  private built: Promise<void> | null = null;

  constructor(
    db: Connection,
    private readonly events: Model<AuditDoc>,
  ) {
    this.model = modelOn<RefDoc>(db, 'AuditRef', new Schema<RefDoc>({ _id: String, seq: Number }, { versionKey: false, _id: false, collection: 'audit_refs' }));
  }

  async chained(ref: string): Promise<boolean> {
    await this.build();
    const at = await this.model.findById(ref).lean();
    if (!at) return false;
    return (await this.events.findById(at.seq).select('ref').lean())?.ref === ref;
  }

  /** Of these refs, those whose event is not in the trail (looked up 16 at a time). */
  async unchained(refs: string[]): Promise<Set<string>> {
    const missing = new Set<string>();
    for (let i = 0; i < refs.length; i += 16) {
      const some = refs.slice(i, i + 16);
      const found = await Promise.all(some.map((ref) => this.chained(ref)));
      some.forEach((ref, k) => found[k] || missing.add(ref));
    }
    return missing;
  }

  /** Say where these events will be (before they are written). */
  async add(refs: RefDoc[]): Promise<void> {
    if (!refs.length) return;
    await this.model.bulkWrite(
      refs.map((r) => ({ updateOne: { filter: { _id: r._id }, update: { $set: { seq: r.seq } }, upsert: true } })),
      { ordered: false },
    );
  }

  /**
   * A trail written before the index existed: its refs listed once, in one pass (every process that
   * finds the index unbuilt does the same writes, so two at once agree).
   */
  private build(): Promise<void> {
    this.built ??= (async () => {
      if (await this.model.exists({ _id: BUILT })) return;
      let batch: RefDoc[] = [];
      for await (const d of this.events
        .find({ ref: { $exists: true } })
        .select('ref')
        .lean()
        .cursor()) {
        batch.push({ _id: (d as { ref: string }).ref, seq: (d as { _id: number })._id });
        if (batch.length === 500) {
          await this.add(batch);
          batch = [];
        }
      }
      await this.add(batch);
      await this.model.updateOne({ _id: BUILT }, { $set: { seq: 0 } }, { upsert: true });
    })().catch((err: unknown) => {
      this.built = null;
      throw err;
    });
    return this.built;
  }
}
