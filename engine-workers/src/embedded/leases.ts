/**
 * Who drives an instance: a lease document per instance being driven, in a collection that stays
 * as small as the number of instances in memory (a new instance needs one only once it is
 * written and still in memory: until then nobody else knows its key). Taking a lease is an insert (the unique `_id` is
 * the one atomic compare-and-set every MongoDB-compatible server has); taking over an expired one
 * deletes exactly that expired lease, then inserts. A wake-up asked for while a lease is held is a
 * flag on the lease, seen by the holder when it lets go.
 */
import { ownerGoneHere } from '../db/process-owner';
import type { GroupCommit } from './group-commit';
import type { EngineModels, LeaseDoc } from './models';

export interface Acquired {
  /** The process that held the lease before, if it was taken over (it died or stalled). */
  takenFrom?: string;
}

export class Leases {
  constructor(
    private readonly models: EngineModels,
    readonly owner: string,
    private readonly leaseMs: number,
    private readonly commit: GroupCommit,
  ) {}

  async acquire(key: string): Promise<Acquired | null> {
    const { Lease } = this.models;
    const until = () => new Date(Date.now() + this.leaseMs);
    for (let attempt = 0; attempt < 3; attempt++) {
      // The insert joins the other leases taken at about the same time (one statement for all).
      if (await this.commit.insert(Lease.collection as never, { _id: key, owner: this.owner, until: until() } as never)) return {};
      const cur = await Lease.findById(key).lean();
      if (!cur) continue; // released meanwhile: try again
      if (cur.owner === this.owner) {
        await Lease.updateOne({ _id: key }, { $set: { until: until() } });
        return {};
      }
      if (cur.until.getTime() > Date.now()) return null;
      // Expired: remove exactly that lease (another taker may race us), then take it.
      const gone = await Lease.deleteOne({ _id: key, owner: cur.owner, until: cur.until });
      if (!gone.deletedCount) return null;
      try {
        await Lease.collection.insertOne({ _id: key, owner: this.owner, until: until() } as never);
        return { takenFrom: cur.owner };
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
        return null;
      }
    }
    return null;
  }

  /** Let go; `wake` when someone asked for a wake-up meanwhile (drive the instance again). */
  async release(key: string): Promise<{ wasHeld: boolean; wake: boolean }> {
    // By `_id` alone (the one filter FerretDB 1.x answers from an index); a lease that turns out
    // to be another process's (ours expired and was taken over) is put back as it was.
    const doc = (await this.models.Lease.collection.findOneAndDelete({ _id: key } as never)) as LeaseDoc | null;
    if (doc && doc.owner !== this.owner) {
      // (taken again meanwhile is fine: its taker holds it; any other failure is not swallowed)
      await this.models.Lease.collection.insertOne(doc as never).catch((err: unknown) => {
        if ((err as { code?: number }).code !== 11000) throw err;
      });
      return { wasHeld: false, wake: false };
    }
    return { wasHeld: !!doc, wake: !!doc?.wake };
  }

  /**
   * Let go of the lease of an instance that has ended (its history is written, its runtime
   * document deleted): nothing is left to drive, so neither a wake flag nor a taker that came
   * meanwhile matters, and the delete joins the others made at about the same time.
   */
  async releaseEnded(key: string): Promise<void> {
    await this.commit.remove(this.models.Lease.collection as never, key);
  }

  /** Renew every lease of this process; the keys of those that are no longer ours. */
  async renewAll(held: string[]): Promise<string[]> {
    if (!held.length) return [];
    const { Lease } = this.models;
    await Lease.updateMany({ owner: this.owner }, { $set: { until: new Date(Date.now() + this.leaseMs) } });
    const mine = new Set((await Lease.find({ owner: this.owner }).select('_id').lean()).map((d) => d._id));
    return held.filter((k) => !mine.has(k));
  }

  /** Ask the holder, if any, to look again; false when nobody holds it. */
  async flagWake(key: string): Promise<boolean> {
    const r = await this.models.Lease.updateOne({ _id: key }, { $set: { wake: true } });
    return r.matchedCount > 0;
  }

  async expired(limit = 200): Promise<string[]> {
    const docs = await this.models.Lease.find({ until: { $lt: new Date() } })
      .limit(limit)
      .lean();
    return docs.map((d) => d._id);
  }

  /**
   * Leases and job locks of processes on this host that are gone (killed, crashed) can be taken
   * at once instead of waiting for them to expire.
   */
  async releaseDeadOwners(): Promise<void> {
    const { Lease, jobs } = this.models;
    const owners = new Set([
      ...((await Lease.distinct('owner')) as string[]),
      ...((await jobs.distinct('lockedBy', { status: 'running' })) as Array<string | null>).filter((o): o is string => !!o),
    ]);
    for (const o of owners) {
      if (o === this.owner || !ownerGoneHere(o)) continue;
      await Lease.updateMany({ owner: o }, { $set: { until: new Date(0) } });
      await jobs.updateMany({ status: 'running', lockedBy: o }, { $set: { status: 'activatable', lockedUntil: null, lockedBy: null } });
    }
  }
}
