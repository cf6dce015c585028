/**
 * The delivery queue of the channels beyond the app. What is to go out is written down first
 * (`delivery_queue`, live: only what is waiting or has failed), then sent by a loop; a failure is
 * retried later and later (the base delay × 4 each time) and after the last try stays in the queue,
 * marked failed, for an admin to see and send again. What went out moves to `delivery_log`
 * (history, read by id only). Several API replicas share the queue: each delivery is leased.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { Logger } from 'pino';
import { modelOn } from '../db/model-on';
import type { Channels, Outgoing } from './channels';

export interface DeliveryDoc extends Outgoing {
  _id: string;
  notificationKey: string;
  /** The people it is for (several for a group robot). */
  userIds: string[];
  status: 'pending' | 'failed';
  attempts: number;
  nextAt: Date;
  lastError?: string;
  leaseUntil?: Date | null;
  createdAt: Date;
  deliveredAt?: Date;
}

export const MAX_ATTEMPTS = 5;
const LEASE_MS = 60_000;

export class Deliveries {
  readonly Queue: Model<DeliveryDoc>;
  readonly Log: Model<DeliveryDoc>;
  private timer?: NodeJS.Timeout;
  private round?: Promise<number>;

  constructor(
    db: Connection,
    readonly channels: Channels,
    private readonly logger: Logger,
    private readonly opts: { tickMs: number; retryMs: number },
  ) {
    const schema = () =>
      new Schema<DeliveryDoc>(
        {
          _id: String,
          notificationKey: String,
          userIds: [String],
          channel: String,
          target: String,
          mentions: [String],
          title: String,
          text: String,
          status: String,
          attempts: Number,
          nextAt: Date,
          lastError: String,
          leaseUntil: Date,
          createdAt: Date,
          deliveredAt: Date,
        },
        { versionKey: false, _id: false },
      );
    this.Queue = modelOn<DeliveryDoc>(db, 'DeliveryQueue', schema().set('collection', 'delivery_queue'));
    this.Log = modelOn<DeliveryDoc>(db, 'DeliveryLog', schema().set('collection', 'delivery_log'));
  }

  /** Writes a delivery down once: one already waiting or already sent is not written again. */
  async enqueue(d: Omit<DeliveryDoc, 'status' | 'attempts' | 'nextAt' | 'createdAt'>): Promise<void> {
    if (await this.Log.exists({ _id: d._id })) return;
    try {
      await this.Queue.create({ ...d, status: 'pending', attempts: 0, nextAt: new Date(), createdAt: new Date(), leaseUntil: null });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
    }
  }

  start(): void {
    const next = () => {
      this.timer = setTimeout(() => {
        this.round = this.tick()
          .catch((err: unknown) => {
            this.logger.warn({ err }, 'delivering notifications failed');
            return 0;
          })
          .finally(() => {
            this.round = undefined;
            if (this.timer) next();
          });
      }, this.opts.tickMs);
      this.timer.unref();
    };
    next();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.round;
  }

  /** One round: every delivery due is tried once. Returns how many went out. */
  async tick(now = new Date()): Promise<number> {
    const due = (await this.Queue.find().lean()).filter((d) => d.status === 'pending' && new Date(d.nextAt) <= now);
    let sent = 0;
    for (const d of due) {
      const leased = await this.Queue.updateOne(
        { _id: d._id, attempts: d.attempts, $or: [{ leaseUntil: null }, { leaseUntil: { $lt: now } }] },
        { $set: { leaseUntil: new Date(now.getTime() + LEASE_MS) } },
      );
      if (!leased.modifiedCount) continue;
      try {
        await this.channels.deliver(d);
      } catch (err) {
        const attempts = d.attempts + 1;
        const failed = attempts >= MAX_ATTEMPTS;
        await this.Queue.updateOne(
          { _id: d._id },
          {
            $set: {
              attempts,
              status: failed ? 'failed' : 'pending',
              nextAt: new Date(now.getTime() + this.opts.retryMs * 4 ** (attempts - 1)),
              lastError: String((err as Error).message ?? err).slice(0, 500),
              leaseUntil: null,
            },
          },
        );
        this.logger[failed ? 'error' : 'warn'](
          { delivery: d._id, channel: d.channel, attempts, err },
          failed ? 'a notification could not be delivered' : 'a notification delivery will be tried again',
        );
        continue;
      }
      try {
        await this.Log.create({ ...d, attempts: d.attempts + 1, deliveredAt: new Date(), leaseUntil: null });
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
      }
      await this.Queue.deleteOne({ _id: d._id });
      sent++;
    }
    return sent;
  }

  /** What waits or failed, newest first (the queue holds nothing else). */
  async waiting(): Promise<DeliveryDoc[]> {
    return (await this.Queue.find().lean()).sort((a, b) => +new Date(b.createdAt) - +new Date(a.createdAt));
  }

  /** Sends a failed (or waiting) delivery again at the next round, with a fresh count of tries. */
  async retry(id: string): Promise<DeliveryDoc | null> {
    return this.Queue.findOneAndUpdate(
      { _id: id },
      { $set: { status: 'pending', attempts: 0, nextAt: new Date(), leaseUntil: null } },
      { returnDocument: 'after' },
    ).lean<DeliveryDoc>();
  }

  /** Gives a delivery up: it leaves the queue for the log, marked given up, and is not tried again. */
  async dismiss(id: string, by: string): Promise<DeliveryDoc | null> {
    const d = await this.Queue.findById(id).lean<DeliveryDoc>();
    if (!d) return null;
    try {
      await this.Log.create({ ...d, leaseUntil: null, lastError: `${d.lastError ?? ''}（${by} 放弃发送）`.trim() });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
    }
    await this.Queue.deleteOne({ _id: id });
    return d;
  }
}
