/**
 * Failed sign-ins counted in the database, so that the limit holds across every API replica on it
 * (express-rate-limit's own store counts per process). One document per key (`_id`: the limiter's
 * prefix and the client's key): its count and when its window ends. Read and written by `_id`;
 * ended windows are swept now and then.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { ClientRateLimitInfo, IncrementResponse, Options, Store } from 'express-rate-limit';
import { modelOn } from '../db/model-on';

interface CounterDoc {
  _id: string;
  hits: number;
  resetAt: Date;
}

export function loginCounterModel(db: Connection): Model<CounterDoc> {
  return modelOn<CounterDoc>(
    db,
    'LoginCounter',
    new Schema<CounterDoc>({ _id: String, hits: Number, resetAt: Date }, { versionKey: false, _id: false, collection: 'login_counters' }),
  );
}

export class DatabaseLimitStore implements Store {
  readonly localKeys = false;
  private windowMs = 60_000;
  private readonly model: Model<CounterDoc>;
  private sweeps = 0;

  constructor(
    db: Connection,
    readonly prefix: string,
  ) {
    this.model = loginCounterModel(db);
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const d = await this.model.findById(this.prefix + key).lean();
    return d && d.resetAt > new Date() ? { totalHits: Math.max(0, d.hits), resetTime: d.resetAt } : undefined;
  }

  /**
   * One more hit in the key's window, which begins at its first hit (as express-rate-limit's own
   * store does; windows fixed to the clock would let a burst that straddles a boundary count twice
   * the limit). Each step is one atomic write by `_id`: count in a live window, or start a new one
   * over an ended window, or insert the first — two replicas racing both count.
   */
  async increment(key: string): Promise<IncrementResponse> {
    const id = this.prefix + key;
    if (++this.sweeps % 100 === 0) void this.model.deleteMany({ resetAt: { $lt: new Date() } }).catch(() => undefined);
    for (let attempt = 0; ; attempt++) {
      const now = new Date();
      const live = await this.model.findOneAndUpdate({ _id: id, resetAt: { $gt: now } }, { $inc: { hits: 1 } }, { returnDocument: 'after' }).lean();
      if (live) return { totalHits: Math.max(1, live.hits), resetTime: live.resetAt };
      const resetAt = new Date(now.getTime() + this.windowMs);
      const renewed = await this.model
        .findOneAndUpdate({ _id: id, resetAt: { $lte: now } }, { $set: { hits: 1, resetAt } }, { returnDocument: 'after' })
        .lean();
      if (renewed) return { totalHits: renewed.hits, resetTime: renewed.resetAt };
      try {
        await this.model.create({ _id: id, hits: 1, resetAt });
        return { totalHits: 1, resetTime: resetAt };
      } catch (err) {
        // another replica inserted it first: count in that window
        if ((err as { code?: number }).code !== 11000 || attempt > 3) throw err;
      }
    }
  }

  async decrement(key: string): Promise<void> {
    // A success taken back, in the window still running (an ended one has nothing to take back).
    await this.model.updateOne({ _id: this.prefix + key, resetAt: { $gt: new Date() } }, { $inc: { hits: -1 } });
  }

  async resetKey(key: string): Promise<void> {
    await this.model.deleteOne({ _id: this.prefix + key });
  }
}
