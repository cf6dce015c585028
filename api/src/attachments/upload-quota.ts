/**
 * How much one person may upload: bytes per day (a fixed window per user and day, counted in the
 * database, so that it holds across API replicas). Read and written by `_id` only; ended days are
 * swept now and then. How many files per minute is express-rate-limit's, on the upload route.
 */
import { userError } from '@ggzy/shared';
import type { Connection } from 'mongoose';

const DAY = 86_400_000;

interface QuotaDoc {
  _id: string;
  bytes: number;
  resetAt: Date;
}

export class UploadQuota {
  private readonly days;
  private sweeps = 0;

  constructor(
    db: Connection,
    readonly bytesPerDay: number,
  ) {
    this.days = db.collection<QuotaDoc>('upload_quota');
  }

  private key(user: string, now = Date.now()): string {
    return `${user}:${Math.floor(now / DAY)}`;
  }

  /** Refuses (429) one who has used up today's quota. */
  async admit(user: string): Promise<void> {
    const doc = await this.days.findOne({ _id: this.key(user) });
    if (doc && doc.bytes >= this.bytesPerDay) {
      const mb = Math.round(this.bytesPerDay / 1048576);
      throw userError('UPLOAD_QUOTA', `今日上传已达上限（${mb} MB），请明天再传`, `Today's upload quota (${mb} MB) is used up`, { status: 429 });
    }
  }

  /** Counts an upload against today's quota. */
  async add(user: string, bytes: number): Promise<void> {
    const now = Date.now();
    await this.days.updateOne(
      { _id: this.key(user, now) },
      { $inc: { bytes }, $setOnInsert: { resetAt: new Date((Math.floor(now / DAY) + 1) * DAY) } },
      { upsert: true },
    );
    if (++this.sweeps % 100 === 0) await this.days.deleteMany({ resetAt: { $lt: new Date(now) } }).catch(() => undefined);
  }
}
