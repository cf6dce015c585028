/**
 * Failed sign-ins counted in the database, so that the limit holds across every API replica on it
 * (express-rate-limit's own store counts per process). One document per key and fixed window
 * (`_id`: the limiter's prefix, the client's key and the window's number), its count and when the
 * window ends. Read and written by `_id` only; ended windows are swept now and then.
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

  /** The document of the window `at` falls in: fixed windows, so counting is one atomic upsert. */
  private idOf(key: string, at = Date.now()): { id: string; resetAt: Date } {
    const n = Math.floor(at / this.windowMs);
    return { id: `${this.prefix}${key}|${n}`, resetAt: new Date((n + 1) * this.windowMs) };
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const { id } = this.idOf(key);
    const d = await this.model.findById(id).lean();
    return d ? { totalHits: Math.max(0, d.hits), resetTime: d.resetAt } : undefined;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const { id, resetAt } = this.idOf(key);
    // One atomic upsert by `_id` (two at once both count, whichever replica takes them).
    const cur = await this.model
      .findOneAndUpdate({ _id: id }, { $inc: { hits: 1 }, $setOnInsert: { resetAt } }, { returnDocument: 'after', upsert: true })
      .lean();
    if (++this.sweeps % 100 === 0) void this.model.deleteMany({ resetAt: { $lt: new Date() } }).catch(() => undefined);
    // (at least this request, should a success taken back in a window boundary's moment have gone below)
    return { totalHits: Math.max(1, cur?.hits ?? 1), resetTime: cur?.resetAt ?? resetAt };
  }

  async decrement(key: string): Promise<void> {
    // A success taken back: in the window it counts in now (none there: nothing to take back).
    await this.model.updateOne({ _id: this.idOf(key).id }, { $inc: { hits: -1 } });
  }

  async resetKey(key: string): Promise<void> {
    await this.model.deleteOne({ _id: this.idOf(key).id });
  }
}
