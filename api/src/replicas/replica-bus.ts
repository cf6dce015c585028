/**
 * What one API replica tells the others on the same database: task changes and notifications (for
 * the live updates of the people connected to the other replicas) and edits that make their caches
 * stale (a form saved, the calendar changed). Each replica writes what happened to it in
 * `replica_events` and reads what the others wrote since it last looked, every few hundred ms.
 * Events live for a minute, so the collection stays as small as a minute of changes (on the
 * embedded database a query other than by `_id` reads it whole). On a real MongoDB replica set a
 * change stream could replace the polling; this works on every server.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { Logger } from 'pino';
import { parseWithDates } from '@ggzy/shared';
import { processOwner } from '@ggzy/engine-workers';
import { modelOn } from '../db/model-on';

export type ReplicaEvent =
  | { kind: 'task'; payload: { task: unknown; change: string } }
  | { kind: 'notification'; payload: unknown }
  | { kind: 'form'; payload: { id: string } }
  | { kind: 'calendar'; payload: null }
  | { kind: 'user'; payload: { id: string } }
  | { kind: 'session'; payload: { id: string } }
  | { kind: 'project'; payload: { id: string } };

interface EventDoc {
  /** Time-ordered: `<ms, 15 digits>-<origin>-<n>`. */
  _id: string;
  origin: string;
  kind: ReplicaEvent['kind'];
  payload: string;
  at: Date;
}

const KEEP_MS = 60_000;

export class ReplicaBus {
  readonly origin = processOwner();
  /** Handlers of what the other replicas tell. */
  readonly handlers = new Set<(e: ReplicaEvent) => void>();
  private readonly model: Model<EventDoc>;
  /** Events written up to this time (ms) are read; later ones may still arrive out of order for a moment. */
  private readFrom = 0;
  /** Ids already handled within the look-back. */
  private seen = new Map<string, number>();
  private n = 0;
  private timer?: NodeJS.Timeout;
  private polling = false;
  private lastSweep = 0;

  constructor(
    db: Connection,
    private readonly logger: Logger,
  ) {
    this.model = modelOn<EventDoc>(
      db,
      'ReplicaEvent',
      new Schema<EventDoc>(
        { _id: String, origin: String, kind: String, payload: String, at: Date },
        { versionKey: false, _id: false, collection: 'replica_events' },
      ),
    );
  }

  publish(e: ReplicaEvent): void {
    const now = Date.now();
    const doc: EventDoc = {
      _id: `${String(now).padStart(15, '0')}-${this.origin}-${this.n++}`,
      origin: this.origin,
      kind: e.kind,
      payload: JSON.stringify(e.payload),
      at: new Date(now),
    };
    this.model.collection.insertOne(doc as never).catch((err: unknown) => this.logger.warn({ err, kind: e.kind }, 'telling the other replicas failed'));
  }

  /** Read from now on (what was told before this replica started is not for it). */
  start(pollMs = 300): void {
    this.readFrom = Date.now();
    this.timer = setInterval(() => void this.poll(), pollMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      // Look back two seconds: an event stamped a moment before another may be written after it.
      const since = this.readFrom - 2000;
      const docs = await this.model
        .find({ _id: { $gt: String(since).padStart(15, '0') } })
        .sort({ _id: 1 })
        .limit(1000)
        .lean();
      for (const d of docs) {
        const at = d.at.getTime();
        this.readFrom = Math.max(this.readFrom, at);
        if (d.origin === this.origin || this.seen.has(d._id)) continue;
        this.seen.set(d._id, at);
        const e = {
          kind: d.kind,
          payload: parseWithDates<unknown>(d.payload),
        } as ReplicaEvent;
        for (const h of this.handlers) {
          try {
            h(e);
          } catch (err) {
            this.logger.warn({ err, kind: e.kind }, 'a replica event handler failed');
          }
        }
      }
      for (const [id, at] of this.seen) if (at < since) this.seen.delete(id);
      if (Date.now() - this.lastSweep > 10_000) {
        this.lastSweep = Date.now();
        // Any replica sweeps, so the events of one that died do not stay.
        await this.model.deleteMany({ at: { $lt: new Date(Date.now() - KEEP_MS) } });
      }
    } catch (err) {
      this.logger.warn({ err }, 'reading what the other replicas told failed');
    } finally {
      this.polling = false;
    }
  }
}
