/**
 * How an audit event is stored and hashed. Event n's id is its sequence number written with
 * twelve digits (`000000000042`): on the embedded database only `{ _id: string }` filters use an
 * index, so an event, the head and an instance's events (listed by id, see InstanceIndex) are
 * read without reading the trail. The hash is over the number, so the ids' form is not part of it.
 */
import { createHash } from 'node:crypto';
import { Schema, type Connection, type Model, type mongo } from 'mongoose';
import { modelOn } from '../db/model-on';

export interface AuditDoc {
  /** The sequence number, twelve digits (see `seqId`). */
  _id: string;
  at: Date;
  actor: string;
  action: string;
  instanceId?: string;
  taskId?: string;
  /** JSON of what changed (before/after, opinion, details), kept as text so its hash is stable. */
  data: string;
  prevHash: string;
  hash: string;
  /** The inbox change record this event was stored with first (see TaskStore.change). */
  ref?: string;
  /** The hash it was made with, when not SHA-256. */
  alg?: 'sm3';
}

export interface AuditEvent {
  seq: number;
  at: string;
  actor: string;
  action: string;
  instanceId?: string;
  taskId?: string;
  data: Record<string, unknown>;
  hash: string;
}

export const GENESIS = '0'.repeat(64);

/** Event n's id. */
export const seqId = (n: number): string => String(n).padStart(12, '0');

export function auditModel(db: Connection): Model<AuditDoc> {
  return modelOn<AuditDoc>(
    db,
    'AuditEvent',
    new Schema<AuditDoc>(
      {
        _id: String,
        at: Date,
        actor: String,
        action: String,
        instanceId: String,
        taskId: String,
        data: String,
        prevHash: String,
        hash: String,
        ref: String,
        alg: String,
      },
      { versionKey: false, _id: false, collection: 'audit_events' },
    )
      .index({ instanceId: 1, _id: 1 })
      .index({ ref: 1 }),
  );
}

/** An event's hash over its content and the previous event's hash (exported for the tamper tests). */
export function hashOf(d: Omit<AuditDoc, 'hash'>): string {
  const canonical = JSON.stringify([
    Number(d._id),
    d.at.toISOString(),
    d.actor,
    d.action,
    d.instanceId ?? null,
    d.taskId ?? null,
    d.data,
    d.prevHash,
    ...(d.ref ? [d.ref] : []),
  ]);
  return createHash(d.alg ?? 'sha256')
    .update(canonical)
    .digest('hex');
}

export function toEvent(d: AuditDoc): AuditEvent {
  return {
    seq: Number(d._id),
    at: d.at.toISOString(),
    actor: d.actor,
    action: d.action,
    ...(d.instanceId && { instanceId: d.instanceId }),
    ...(d.taskId && { taskId: d.taskId }),
    data: JSON.parse(d.data) as Record<string, unknown>,
    hash: d.hash,
  };
}

/** Marks a trail whose ids are all of the twelve-digit form (in `audit_meta`). */
const STRING_IDS = 'string-ids';

/**
 * Trails stored before the twelve-digit ids had numbers: copied once under the new ids (same
 * content, same hashes), then the numbered ones removed. A stop in between is taken up at the
 * next start (copies already made are kept); one pass over the trail, reported as it goes.
 */
export async function migrateNumberIds(db: Connection, log?: (msg: string) => void): Promise<void> {
  const meta = db.collection<{ _id: string; at: Date }>('audit_meta');
  if (await meta.findOne({ _id: STRING_IDS })) return;
  const events = db.collection('audit_events');
  // (the driver's types lack the 'number' alias of $type, which every server takes)
  const numbered = { _id: { $type: 'number' } } as unknown as mongo.Filter<mongo.Document>;
  let batch: Record<string, unknown>[] = [];
  let copied = 0;
  let [low, high] = [Infinity, -Infinity];
  const flush = async () => {
    if (!batch.length) return;
    await events.insertMany(batch, { ordered: false }).catch((err: { code?: number; writeErrors?: { code?: number }[] }) => {
      // (copies a stopped run made already)
      const errors = err.writeErrors ?? [err];
      if (!errors.every((e) => e.code === 11000)) throw err;
    });
    copied += batch.length;
    batch = [];
    if (copied % 10_000 === 0) log?.(`audit trail: ${copied} events given their new ids`);
  };
  for await (const d of events.find(numbered)) {
    const n = d._id as unknown as number;
    [low, high] = [Math.min(low, n), Math.max(high, n)];
    batch.push({ ...d, _id: seqId(n) });
    if (batch.length === 500) await flush();
  }
  await flush();
  if (copied) {
    // (by ranges of numbers: the embedded database deletes at most 32,766 documents in one statement)
    for (let from = low; from <= high; from += 30_000) await events.deleteMany({ _id: { $gte: from, $lt: from + 30_000 } } as never);
    log?.(`audit trail: ${copied} events given their new ids, done`);
  }
  await meta.updateOne({ _id: STRING_IDS }, { $setOnInsert: { at: new Date() } }, { upsert: true });
}
