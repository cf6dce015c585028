/**
 * The memory layout holds the live inbox in one process: a second API process on the same database
 * would serve a stale inbox and write over the first one's changes. The process that loads it
 * takes a lease document (by `_id`) and renews it; another process started on the same database is
 * refused with a clear message while the lease is alive, and takes over once its holder is gone
 * (stopped: released at once; killed: at once on the same machine, else when the lease runs out).
 */
import type { Connection } from 'mongoose';
import { AppError } from '@ggzy/shared';
import { claimLease, processOwner, type LeaseDoc } from '@ggzy/engine-workers';

const ID = 'inbox:memory-layout';

export class SoleHolder {
  readonly owner = processOwner();
  private readonly leases;
  private timer?: NodeJS.Timeout;

  constructor(
    db: Connection,
    private readonly leaseMs = 15_000,
  ) {
    this.leases = db.collection<LeaseDoc>('process_leases');
  }

  /** Take the lease or refuse to start. */
  async acquire(): Promise<void> {
    const claim = await claimLease(this.leases, ID, this.owner, this.leaseMs);
    if (!claim.taken)
      throw new AppError({
        code: 'INBOX_HELD_ELSEWHERE',
        status: 409,
        zh: `另一个 API 进程（${claim.holder.owner}）正以内存方式持有收件箱（INBOX_STORE=memory 只允许一个进程）。请先停止它；多个副本请在 MongoDB 上以 INBOX_STORE=database 运行。`,
        en: `Another API process (${claim.holder.owner}) holds the inbox in memory (INBOX_STORE=memory allows one process). Stop it first; run several replicas with INBOX_STORE=database on MongoDB.`,
      });
    this.renewing();
  }

  private renewing(): void {
    this.timer = setInterval(
      () => void this.leases.updateOne({ _id: ID, owner: this.owner }, { $set: { until: new Date(Date.now() + this.leaseMs) } }).catch(() => undefined),
      Math.floor(this.leaseMs / 3),
    );
    this.timer.unref();
  }

  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const cur = await this.leases.findOne({ _id: ID });
    if (cur?.owner === this.owner) await this.leases.deleteOne({ _id: ID });
  }
}
