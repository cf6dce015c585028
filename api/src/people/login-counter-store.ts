/**
 * Failed sign-ins counted in the database, so that the limit holds across every API replica on it
 * (express-rate-limit's own store counts per process). One document per key (`_id`: the limiter's
 * prefix and the client's key), its count and when its window ends; a hit in an ended window starts
 * a new one. Read and written by `_id` only; ended windows are swept now and then.
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
    return d && d.resetAt > new Date() ? { totalHits: d.hits, resetTime: d.resetAt } : undefined;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const id = this.prefix + key;
    const now = new Date();
    // One more, by `_id` (writes on the embedded database run one at a time, so $inc is atomic there as on MongoDB).
    const cur = await this.model.findOneAndUpdate({ _id: id }, { $inc: { hits: 1 } }, { returnDocument: 'after', upsert: true }).lean();
    if (cur?.resetAt && cur.resetAt > now) return { totalHits: cur.hits, resetTime: cur.resetAt };
    // No window, or an ended one: a new window with this hit.
    const resetAt = new Date(now.getTime() + this.windowMs);
    await this.model.updateOne({ _id: id }, { $set: { hits: 1, resetAt } }, { upsert: true });
    if (++this.sweeps % 100 === 0) void this.model.deleteMany({ resetAt: { $lt: now } }).catch(() => undefined);
    return { totalHits: 1, resetTime: resetAt };
  }

  async decrement(key: string): Promise<void> {
    await this.model.updateOne({ _id: this.prefix + key }, { $inc: { hits: -1 } });
  }

  async resetKey(key: string): Promise<void> {
    await this.model.deleteOne({ _id: this.prefix + key });
  }
}
