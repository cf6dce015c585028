/**
 * The audit trail: append-only and hash-chained. Event n stores the hash of event n-1 and its own
 * hash over both, so changing, removing or reordering any event breaks every hash after it.
 * Sequence numbers are document ids: two processes appending at once cannot both write event n
 * (the loser re-reads the head and appends after it). The chain's hash is SHA-256 or SM3
 * (GB/T 32905), chosen by AUDIT_HASH; each event says which one it was made with. Anchors
 * (audit-anchor.ts) keep the chain from being cut at its end or rewritten whole.
 */
import { createHash } from 'node:crypto';
import type { AuditAnchor, AuditHash, Checkpoint } from './audit-anchor';
import { modelOn } from '../db/model-on';
import { Schema, type Connection, type Model } from 'mongoose';

export interface AuditDoc {
  _id: number;
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

interface CheckpointDoc {
  _id: number;
  hash: string;
  at: string;
  alg?: 'sm3';
  sig: string;
}

export interface VerifyResult {
  ok: boolean;
  count: number;
  headHash: string;
  brokenAt?: number;
  reason?: string;
  algorithm: AuditHash;
  /** Whether the chain is held to signed checkpoints; the last one it matched. */
  anchored: boolean;
  checkpoints: number;
  lastCheckpoint?: { seq: number; hash: string; at: string };
}

export interface AuditInput {
  actor: string;
  action: string;
  instanceId?: string;
  taskId?: string;
  data?: Record<string, unknown>;
  /** When it happened, if before it could be recorded (e.g. a start whose id the engine gives). */
  at?: Date;
  /** The inbox change record that carried this event until it was chained here. */
  ref?: string;
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

const GENESIS = '0'.repeat(64);

export function auditModel(db: Connection): Model<AuditDoc> {
  return modelOn<AuditDoc>(
    db,
    'AuditEvent',
    new Schema<AuditDoc>(
      {
        _id: Number,
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
    d._id,
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

export class AuditService {
  readonly model: Model<AuditDoc>;
  private head: { seq: number; hash: string } | null = null;
  private pending: { e: AuditInput; resolve: (doc: AuditDoc) => void; reject: (err: unknown) => void }[] = [];
  private writing = false;
  /** The last event appended, settled or not (see `idle`). */
  private last: Promise<unknown> = Promise.resolve();

  private readonly checkpoints: Model<CheckpointDoc>;
  private readonly algorithm: AuditHash;
  private readonly anchor: AuditAnchor | null;
  private lastStoredCheckpoint = 0;
  private checkpointTimer?: NodeJS.Timeout;

  constructor(db: Connection, opts: { algorithm?: AuditHash; anchor?: AuditAnchor | null } = {}) {
    this.model = auditModel(db);
    this.algorithm = opts.algorithm ?? 'sha256';
    this.anchor = opts.anchor ?? null;
    this.checkpoints = modelOn<CheckpointDoc>(
      db,
      'AuditCheckpoint',
      new Schema<CheckpointDoc>(
        { _id: Number, hash: String, at: String, alg: String, sig: String },
        { versionKey: false, _id: false, collection: 'audit_checkpoints' },
      ),
    );
  }

  /** Store a signed checkpoint of the head in the database every `everyMs` (when it moved). */
  startCheckpoints(everyMs: number): void {
    if (!this.anchor) return;
    this.checkpointTimer = setInterval(() => void this.checkpoint().catch(() => undefined), everyMs);
    this.checkpointTimer.unref();
  }

  stopCheckpoints(): void {
    if (this.checkpointTimer) clearInterval(this.checkpointTimer);
  }

  /** A signed checkpoint of the head, in the database (auditors see them; the file has one per write). */
  async checkpoint(): Promise<void> {
    if (!this.anchor) return;
    await this.idle();
    // The head this process last wrote (reading the newest event would sort the whole trail on the
    // embedded database); a process that wrote nothing has nothing to sign.
    const head = this.head;
    if (!head?.seq || head.seq === this.lastStoredCheckpoint) return;
    const line = this.anchor.signed(head.seq, head.hash);
    await this.checkpoints.updateOne(
      { _id: head.seq },
      { $setOnInsert: { hash: line.hash, at: line.at, ...(line.alg && { alg: line.alg }), sig: line.sig } },
      { upsert: true },
    );
    this.lastStoredCheckpoint = head.seq;
  }

  /**
   * Append one event; resolves once it is stored. Events that arrive while a write is under way
   * are chained and stored together in one round trip (group commit).
   */
  async append(e: AuditInput): Promise<AuditEvent> {
    return toEvent(await this.store(e));
  }

  /** As `append`, for callers that only need to know the event is stored (no event built for them). */
  async appendStored(e: AuditInput): Promise<void> {
    await this.store(e);
  }

  private store(e: AuditInput): Promise<AuditDoc> {
    const p = new Promise<AuditDoc>((resolve, reject) => {
      this.pending.push({ e, resolve, reject });
      if (!this.writing) void this.drain();
    });
    this.last = p.catch(() => undefined);
    return p;
  }

  /**
   * Resolves when every event appended before the call is stored (or has failed), so that a read
   * sees them; events are stored in the order they were appended. An event whose write failed and
   * is being tried again (TaskStore's chaining) is not waited for.
   */
  async idle(): Promise<void> {
    await this.last;
    await this.anchor?.flushed();
  }

  /** Whether the event carried by this change record is in the trail. */
  async chained(ref: string): Promise<boolean> {
    return !!(await this.model.exists({ ref }));
  }

  /** Of these change records, those whose event is not in the trail yet (one pass over the trail). */
  async unchained(refs: string[]): Promise<Set<string>> {
    const missing = new Set(refs);
    if (!missing.size) return missing;
    for await (const d of this.model
      .find({ ref: { $exists: true } })
      .select('ref')
      .lean()
      .cursor())
      missing.delete((d as { ref: string }).ref);
    return missing;
  }

  private async loadHead(): Promise<{ seq: number; hash: string }> {
    const last = await this.model.findOne({}).sort({ _id: -1 }).select('_id hash').lean();
    return last ? { seq: last._id, hash: last.hash } : { seq: 0, hash: GENESIS };
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.pending.length) {
        const batch = this.pending.splice(0, 500);
        try {
          const docs = await this.write(batch.map((b) => b.e));
          batch.forEach((b, i) => b.resolve(docs[i]!));
        } catch (err) {
          batch.forEach((b) => b.reject(err));
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private async write(events: AuditInput[]): Promise<AuditDoc[]> {
    for (let attempt = 0; ; attempt++) {
      this.head ??= await this.loadHead();
      let { seq, hash } = this.head;
      const docs: AuditDoc[] = [];
      for (const e of events) {
        const doc: Omit<AuditDoc, 'hash'> = {
          _id: ++seq,
          at: e.at ?? new Date(),
          actor: e.actor,
          action: e.action,
          ...(e.instanceId && { instanceId: e.instanceId }),
          ...(e.taskId && { taskId: e.taskId }),
          data: JSON.stringify(e.data ?? {}),
          prevHash: hash,
          ...(e.ref && { ref: e.ref }),
          ...(this.algorithm === 'sm3' && { alg: 'sm3' as const }),
        };
        hash = hashOf(doc);
        docs.push({ ...doc, hash });
      }
      try {
        // The driver's call: the documents are built here already, mongoose's casting would only cost time.
        await this.model.collection.insertMany(docs as never, { ordered: true });
        this.head = { seq, hash };
        this.anchor?.record(seq, hash);
        return docs;
      } catch (err) {
        this.head = null;
        if ((err as { code?: number }).code !== 11000 || attempt > 20) throw err;
        // Another process appended first. Ours that landed (same id and hash) stay; chain the rest after the new head.
        const stored = await this.model
          .find({ _id: { $in: docs.map((d) => d._id) } })
          .select('_id hash')
          .lean();
        const mine = new Map(stored.map((d) => [d._id, d.hash]));
        let landed = 0;
        while (landed < docs.length && mine.get(docs[landed]!._id) === docs[landed]!.hash) landed++;
        if (landed) return [...docs.slice(0, landed), ...(landed < docs.length ? await this.write(events.slice(landed)) : [])];
      }
    }
  }

  async forInstance(instanceId: string): Promise<AuditEvent[]> {
    await this.idle();
    const docs = await this.model.find({ instanceId }).sort({ _id: 1 }).lean();
    // By time of the act; nothing happens in an instance before its start, even within one millisecond.
    const first = (e: AuditEvent) => (e.action === 'instance.started' ? 0 : 1);
    return docs.map(toEvent).sort((a, b) => a.at.localeCompare(b.at) || first(a) - first(b) || a.seq - b.seq);
  }

  async list(
    filter: { instanceId?: string; actor?: string; action?: string },
    page: number,
    pageSize: number,
  ): Promise<{ items: AuditEvent[]; total: number }> {
    await this.idle();
    const q: Record<string, string> = {};
    if (filter.instanceId) q.instanceId = filter.instanceId;
    if (filter.actor) q.actor = filter.actor;
    if (filter.action) q.action = filter.action;
    const [docs, total] = await Promise.all([
      this.model
        .find(q)
        .sort({ _id: -1 })
        .skip((page - 1) * pageSize)
        .limit(pageSize)
        .lean(),
      this.model.countDocuments(q),
    ]);
    return { items: docs.map(toEvent), total };
  }

  /**
   * Walk the whole chain in order; report the first event whose link or hash does not hold, then
   * hold it to the signed checkpoints (the file's and the database's): an event missing after one,
   * or one whose hash is not the one signed, breaks it even if every hash after it was recomputed.
   */
  async verify(): Promise<VerifyResult> {
    await this.idle();
    const anchors = await this.loadCheckpoints();
    const base = { algorithm: this.algorithm, anchored: !!this.anchor, checkpoints: anchors.list.length };
    if (anchors.forged) return { ...base, ok: false, count: 0, headHash: GENESIS, reason: `${anchors.forged} checkpoint(s) whose signature does not hold` };
    const at = new Map<number, Checkpoint[]>();
    for (const c of anchors.list) at.set(c.seq, [...(at.get(c.seq) ?? []), c]);
    let prev = GENESIS;
    let expected = 1;
    let count = 0;
    let matched: Checkpoint | undefined;
    for await (const d of this.model.find({}).sort({ _id: 1 }).lean().cursor()) {
      const doc = d as AuditDoc;
      const broken = (brokenAt: number, reason: string): VerifyResult => ({ ...base, ok: false, count, headHash: prev, brokenAt, reason, ...last(matched) });
      if (doc._id !== expected) return broken(expected, `event ${expected} is missing`);
      if (doc.prevHash !== prev) return broken(doc._id, 'link to the previous event does not match');
      const { hash, ...rest } = doc;
      if (hashOf(rest) !== hash) return broken(doc._id, 'content does not match its hash');
      for (const c of at.get(doc._id) ?? []) {
        if (c.hash !== hash) return broken(doc._id, `event ${doc._id} is not the one signed at ${c.at} (checkpoint in the ${c.source})`);
        if (!matched || c.seq >= matched.seq) matched = c;
      }
      prev = hash;
      expected++;
      count++;
    }
    const beyond = anchors.list.filter((c) => c.seq > count).sort((a, b) => b.seq - a.seq)[0];
    if (beyond)
      return {
        ...base,
        ok: false,
        count,
        headHash: prev,
        brokenAt: count + 1,
        reason: `the trail ends at event ${count}, but event ${beyond.seq} was signed at ${beyond.at} (checkpoint in the ${beyond.source})`,
        ...last(matched),
      };
    return { ...base, ok: true, count, headHash: prev, ...last(matched) };
  }

  private async loadCheckpoints(): Promise<{ list: Checkpoint[]; forged: number }> {
    if (!this.anchor) return { list: [], forged: 0 };
    const { checkpoints, forged } = await this.anchor.fromFile();
    let bad = forged;
    for (const d of await this.checkpoints.find({}).lean()) {
      if (this.anchor.holds({ seq: d._id, hash: d.hash, at: d.at, ...(d.alg && { alg: d.alg }), sig: d.sig }))
        checkpoints.push({ seq: d._id, hash: d.hash, at: d.at, source: 'database' });
      else bad++;
    }
    return { list: checkpoints, forged: bad };
  }
}

function last(c: Checkpoint | undefined): Pick<VerifyResult, 'lastCheckpoint'> {
  return c ? { lastCheckpoint: { seq: c.seq, hash: c.hash, at: c.at } } : {};
}

function toEvent(d: AuditDoc): AuditEvent {
  return {
    seq: d._id,
    at: d.at.toISOString(),
    actor: d.actor,
    action: d.action,
    ...(d.instanceId && { instanceId: d.instanceId }),
    ...(d.taskId && { taskId: d.taskId }),
    data: JSON.parse(d.data) as Record<string, unknown>,
    hash: d.hash,
  };
}
