/**
 * The memory layout holds the live inbox in one process: a second API process on the same database
 * would serve a stale inbox and write over the first one's changes. The process that loads it
 * takes a lease document (by `_id`) and renews it; another process started on the same database is
 * refused with a clear message while the lease is alive, and takes over once its holder is gone
 * (stopped: released at once; killed: at once on the same machine, else when the lease runs out).
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { AppError } from '@ggzy/shared';
import { ownerGoneHere, processOwner } from '@ggzy/engine-workers';
import { modelOn } from '../../db/model-on';

interface HolderDoc {
  _id: string;
  owner: string;
  until: Date;
}

const ID = 'inbox:memory-layout';

export class SoleHolder {
  readonly owner = processOwner();
  private readonly model: Model<HolderDoc>;
  private timer?: NodeJS.Timeout;

  constructor(
    db: Connection,
    private readonly leaseMs = 15_000,
  ) {
    this.model = modelOn<HolderDoc>(
      db,
      'ProcessLease',
      new Schema<HolderDoc>({ _id: String, owner: String, until: Date }, { versionKey: false, _id: false, collection: 'process_leases' }),
    );
  }

  /** Take the lease or refuse to start. */
  async acquire(): Promise<void> {
    const until = () => new Date(Date.now() + this.leaseMs);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.model.collection.insertOne({ _id: ID, owner: this.owner, until: until() } as never);
        return this.renewing();
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
      }
      const cur = await this.model.findById(ID).lean();
      if (!cur) continue;
      if (cur.until.getTime() > Date.now() && !ownerGoneHere(cur.owner)) {
        throw new AppError({
          code: 'INBOX_HELD_ELSEWHERE',
          status: 409,
          zh: `另一个 API 进程（${cur.owner}）正以内存方式持有收件箱（INBOX_STORE=memory 只允许一个进程）。请先停止它；多个副本请在 MongoDB 上以 INBOX_STORE=database 运行。`,
          en: `Another API process (${cur.owner}) holds the inbox in memory (INBOX_STORE=memory allows one process). Stop it first; run several replicas with INBOX_STORE=database on MongoDB.`,
        });
      }
      // Its holder died without letting go: take it over.
      await this.model.collection.deleteOne({ _id: ID, owner: cur.owner } as never);
    }
    throw new Error('could not take the inbox lease');
  }

  private renewing(): void {
    this.timer = setInterval(
      () => void this.model.updateOne({ _id: ID, owner: this.owner }, { $set: { until: new Date(Date.now() + this.leaseMs) } }).catch(() => undefined),
      Math.floor(this.leaseMs / 3),
    );
    this.timer.unref();
  }

  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const cur = await this.model.findById(ID).lean();
    if (cur?.owner === this.owner) await this.model.deleteOne({ _id: ID });
  }
}
