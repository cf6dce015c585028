/**
 * Timers of instances that are not in memory, without reading every instance: an instance let go
 * with a timer is entered in the bucket of the minute its earliest timer is due (`b:<minute ms>`,
 * one document per minute, entries of a turn of the event loop added in one update). The poll
 * loop visits the buckets by `_id` from a cursor: a bucket's instances are scheduled in memory when
 * its minute begins and driven (if still due: the instance's own `wakeAt` decides) when it has
 * passed; the bucket is then deleted and the cursor moved on. After a restart the cursor brings
 * every bucket missed meanwhile.
 */
import type { EngineModels } from './models';

const MINUTE = 60_000;

export function bucketOf(at: Date | number): number {
  const ms = typeof at === 'number' ? at : at.getTime();
  return Math.floor(ms / MINUTE) * MINUTE;
}

export class TimerBuckets {
  private pending = new Map<number, Set<string>>();
  private flushing: Promise<void> | null = null;
  private waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  /** Buckets already visited at their start (their keys are scheduled in memory). */
  private readonly opened = new Set<number>();

  constructor(private readonly models: EngineModels) {}

  /** Enter an instance in the bucket of its timer; resolves once written. */
  add(key: string, at: Date): Promise<void> {
    const b = bucketOf(at);
    let set = this.pending.get(b);
    if (!set) this.pending.set(b, (set = new Set()));
    set.add(key);
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      if (!this.flushing) this.flushing = new Promise<void>((r) => setImmediate(r)).then(() => this.flush());
    });
  }

  /** Take an instance out of a bucket (it ended before its timer was due). */
  async remove(key: string, at: Date): Promise<void> {
    await this.models.timers.updateOne({ _id: `b:${bucketOf(at)}` }, { $pull: { keys: key } });
  }

  private async flush(): Promise<void> {
    while (this.pending.size) {
      const batch = this.pending;
      const waiters = this.waiters;
      this.pending = new Map();
      this.waiters = [];
      try {
        await Promise.all(
          [...batch].map(([b, keys]) => this.models.timers.updateOne({ _id: `b:${b}` }, { $addToSet: { keys: { $each: [...keys] } } }, { upsert: true })),
        );
        for (const w of waiters) w.resolve();
      } catch (err) {
        for (const w of waiters) w.reject(err);
      }
    }
    this.flushing = null;
  }

  /**
   * Visit the buckets from the cursor up to now: `schedule` the instances of the current minute's
   * bucket, `drive` (awaited) those of every minute that has passed, then delete those buckets
   * and move the cursor. At most `limit` buckets per call, so a long stop does not block the loop.
   */
  async visit(now: number, schedule: (key: string) => Promise<void>, drive: (key: string) => Promise<void>, limit = 240): Promise<void> {
    const cursor = await this.models.timers.findOne({ _id: 'cursor' });
    const current = bucketOf(now);
    let from = cursor?.upTo !== undefined ? cursor.upTo + MINUTE : current - MINUTE;
    if (!cursor) await this.models.timers.updateOne({ _id: 'cursor' }, { $set: { upTo: from - MINUTE, keys: [] } }, { upsert: true });
    for (let n = 0; from < current && n < limit; from += MINUTE, n++) {
      const doc = await this.models.timers.findOne({ _id: `b:${from}` });
      for (const key of doc?.keys ?? []) await drive(key);
      await this.models.timers.updateOne({ _id: 'cursor' }, { $set: { upTo: from } });
      if (doc) await this.models.timers.deleteOne({ _id: `b:${from}` });
      this.opened.delete(from);
    }
    if (from === current && !this.opened.has(current)) {
      this.opened.add(current);
      const doc = await this.models.timers.findOne({ _id: `b:${current}` });
      for (const key of doc?.keys ?? []) await schedule(key);
    }
  }
}
