/**
 * The audit trail: append-only and hash-chained. Event n stores the hash of event n-1 and its own
 * hash over both, so changing, removing or reordering any event breaks every hash after it.
 * Sequence numbers are document ids: two processes appending at once cannot both write event n
 * (the loser re-reads the head and appends after it). The chain's hash is SHA-256 or SM3
 * (GB/T 32905), chosen by AUDIT_HASH; each event says which one it was made with. Anchors
 * (audit-anchor.ts) keep the chain from being cut at its end or rewritten whole.
 */
import type { AuditAnchor, AuditHash, Checkpoint } from './audit-anchor';
import { modelOn } from '../db/model-on';
import { InstanceIndex, readByIds, type IndexEntry } from '../instances/instance-index';
import { AuditRefs } from './audit-refs';
import { GENESIS, hashOf, walkChain } from './audit-chain';
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
    ).index({ instanceId: 1, _id: 1 }),
  );
}

export class AuditService {
  readonly model: Model<AuditDoc>;
  private head: { seq: number; hash: string } | null = null;
  private pending: { e: AuditInput; resolve: (doc: AuditDoc) => void; reject: (err: unknown) => void }[] = [];
  private writing = false;
  /** The last event appended, settled or not (see `idle`). */
  private last: Promise<unknown> = Promise.resolve();

  private readonly checkpoints: Model<CheckpointDoc>;
  private readonly refs: AuditRefs;
  private readonly index: InstanceIndex;
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
    this.index = new InstanceIndex(db);
    this.refs = new AuditRefs(db, this.model);
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

  /** Whether the event carried by this change record is in the trail (two reads by id). */
  chained(ref: string): Promise<boolean> {
    return this.refs.chained(ref);
  }

  /** Of these change records, those whose event is not in the trail yet. */
  unchained(refs: string[]): Promise<Set<string>> {
    return this.refs.unchained(refs);
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
        // (the refs and the instances' lists first: one whose event a stop keeps out is not found at
        // its place, so not chained, and not shown)
        const refs = docs.filter((d) => d.ref).map((d) => ({ _id: d.ref!, seq: d._id }));
        const listed = docs.filter((d) => d.instanceId).map((d): IndexEntry => ({ instanceId: d.instanceId!, kind: 'audit', id: d._id }));
        await Promise.all([this.refs.add(refs), this.index.add(listed)]);
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
    const docs = await this.ofInstance(instanceId);
    // By time of the act; nothing happens in an instance before its start, even within one millisecond.
    const first = (e: AuditEvent) => (e.action === 'instance.started' ? 0 : 1);
    return docs.map(toEvent).sort((a, b) => a.at.localeCompare(b.at) || first(a) - first(b) || a.seq - b.seq);
  }

  /** An instance's events, in the order of the trail: read by their numbers, listed under the instance. */
  private async ofInstance(instanceId: string): Promise<AuditDoc[]> {
    const seqs = await this.index.ids(instanceId, 'audit', () => this.storedWithInstance());
    const docs = await readByIds(
      seqs,
      (seq) => this.model.findById(seq).lean(),
      (d) => d.instanceId === instanceId,
    );
    return docs.sort((a, b) => a._id - b._id);
  }

  /** Events stored before the instances' lists existed (listed once). */
  private async *storedWithInstance(): AsyncIterable<IndexEntry<'audit'>> {
    for await (const d of this.model
      .find({ instanceId: { $exists: true } })
      .select('instanceId')
      .lean()
      .cursor()) {
      const { _id, instanceId } = d as { _id: number; instanceId: string };
      yield { instanceId, kind: 'audit', id: _id };
    }
  }

  async list(
    filter: { instanceId?: string; actor?: string; action?: string },
    page: number,
    pageSize: number,
  ): Promise<{ items: AuditEvent[]; total: number }> {
    await this.idle();
    if (filter.instanceId) {
      // one instance's events (a few dozen): read by id, filtered and paged here
      const docs = (await this.ofInstance(filter.instanceId))
        .filter((d) => (!filter.actor || d.actor === filter.actor) && (!filter.action || d.action === filter.action))
        .reverse();
      return { items: docs.slice((page - 1) * pageSize, page * pageSize).map(toEvent), total: docs.length };
    }
    const q: Record<string, string> = {};
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
    return walkChain(this.model, anchors.list, base);
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
