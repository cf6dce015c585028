/**
 * The audit trail: append-only and hash-chained. Event n stores the hash of event n-1 and its own
 * hash over both, so changing, removing or reordering any event breaks every hash after it.
 * Sequence numbers are document ids (twelve digits, see audit-doc.ts): two processes appending at
 * once cannot both write event n (the loser finds the new head and appends after it). The chain's
 * hash is SHA-256 or SM3 (GB/T 32905), chosen by AUDIT_HASH; each event says which one it was made
 * with. Anchors (audit-anchor.ts) keep the chain from being cut at its end or rewritten whole.
 *
 * Nothing here reads the whole trail but `verify` and a search by actor or action: the head is
 * found by probing ids, an instance's events are listed under it (InstanceIndex, before they are
 * written) and read by id, the newest page by the ids below the head.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { AuditAnchor, AuditHash } from './audit-anchor';
import { GENESIS, auditModel, hashOf, migrateNumberIds, seqId, toEvent, type AuditDoc, type AuditEvent } from './audit-doc';
import { verifyChain, type CheckpointDoc, type VerifyResult } from './audit-verify';
import { modelOn } from '../db/model-on';
import { InstanceIndex } from '../instances/instance-index';

export type { AuditDoc, AuditEvent } from './audit-doc';
export type { VerifyResult } from './audit-verify';

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

export class AuditService {
  readonly model: Model<AuditDoc>;
  private head: { seq: number; hash: string } | null = null;
  /** The highest event number known to be stored (where a search for the head starts). */
  private known = 0;
  private pending: { e: AuditInput; resolve: (doc: AuditDoc) => void; reject: (err: unknown) => void }[] = [];
  private writing = false;
  /** The last event appended, settled or not (see `idle`). */
  private last: Promise<unknown> = Promise.resolve();
  private opened?: Promise<void>;

  private readonly checkpoints: Model<CheckpointDoc>;
  private readonly index: InstanceIndex;
  private readonly algorithm: AuditHash;
  private readonly anchor: AuditAnchor | null;
  private lastStoredCheckpoint = 0;
  private checkpointTimer?: NodeJS.Timeout;

  constructor(
    private readonly db: Connection,
    private readonly opts: { algorithm?: AuditHash; anchor?: AuditAnchor | null; log?: (msg: string) => void } = {},
  ) {
    this.model = auditModel(db);
    this.index = new InstanceIndex(db);
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

  /**
   * Ready to read and write: a trail stored with numbered ids is given its new ids, and events
   * stored before they were listed under their instances are listed (each once, ever). Every
   * method waits for it.
   */
  open(): Promise<void> {
    if (!this.opened) {
      this.opened = migrateNumberIds(this.db, this.opts.log).then(() => this.index.build('audit', this.model));
      this.opened.catch(() => (this.opened = undefined));
    }
    return this.opened;
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
    // The head this process last wrote; a process that wrote nothing has nothing to sign.
    const head = this.head;
    if (!head?.seq || head.seq === this.lastStoredCheckpoint) return;
    const line = this.anchor.signed(head.seq, head.hash);
    // (an insert: its key is checked by the unique index, where a filter on a number would read every checkpoint)
    await this.checkpoints.collection
      .insertOne({ _id: head.seq, hash: line.hash, at: line.at, ...(line.alg && { alg: line.alg }), sig: line.sig } as never)
      .catch((err: { code?: number }) => {
        if (err.code !== 11000) throw err;
      });
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
    await this.open();
  }

  /** Whether the event carried by this change record is in the trail (among the instance's events, when it has one). */
  async chained(ref: string, instanceId?: string): Promise<boolean> {
    await this.open();
    if (instanceId) return (await this.index.docsOf(instanceId, 'audit', this.model)).some((d) => d.ref === ref);
    return !!(await this.model.exists({ ref }));
  }

  /** Of these change records, those whose event is not in the trail yet (read by instance; a pass over the trail only for events of none). */
  async unchained(records: { ref: string; instanceId?: string }[]): Promise<Set<string>> {
    await this.open();
    const missing = new Set(records.map((r) => r.ref));
    const byInstance = new Map<string, string[]>();
    for (const r of records) if (r.instanceId) byInstance.set(r.instanceId, [...(byInstance.get(r.instanceId) ?? []), r.ref]);
    for (const instanceId of byInstance.keys()) for (const d of await this.index.docsOf(instanceId, 'audit', this.model)) if (d.ref) missing.delete(d.ref);
    if (records.some((r) => !r.instanceId && missing.has(r.ref)))
      for await (const d of this.model
        .find({ ref: { $exists: true } })
        .select('ref')
        .lean()
        .cursor())
        missing.delete((d as { ref: string }).ref);
    return missing;
  }

  /**
   * The newest event at or after `known` (which is stored, or 0): ids are dense, so probe
   * known+1, +2, +4… until one is missing, then halve the gap — some 2·log₂(n) reads by id.
   */
  private async headFrom(known: number): Promise<{ seq: number; hash: string }> {
    const has = async (n: number) => !!(await this.model.exists({ _id: seqId(n) }));
    let lo = known;
    let step = 1;
    while (await has(lo + step)) {
      lo += step;
      step *= 2;
    }
    let hi = lo + step;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await has(mid)) lo = mid;
      else hi = mid;
    }
    const doc = lo ? await this.model.findById(seqId(lo)).select('hash').lean() : null;
    if (lo && !doc) return this.headFrom(0);
    this.known = Math.max(this.known, lo);
    return { seq: lo, hash: doc?.hash ?? GENESIS };
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      await this.open();
      while (this.pending.length) {
        const batch = this.pending.splice(0, 500);
        try {
          const docs = await this.write(batch.map((b) => b.e));
          batch.forEach((b, i) => b.resolve(docs[i]!));
        } catch (err) {
          batch.forEach((b) => b.reject(err));
        }
      }
    } catch (err) {
      for (const b of this.pending.splice(0)) b.reject(err);
    } finally {
      this.writing = false;
    }
  }

  private async write(events: AuditInput[]): Promise<AuditDoc[]> {
    for (let attempt = 0; ; attempt++) {
      this.head ??= await this.headFrom(this.known);
      let { seq, hash } = this.head;
      const docs: AuditDoc[] = [];
      for (const e of events) {
        const doc: Omit<AuditDoc, 'hash'> = {
          _id: seqId(++seq),
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
        // Listed under their instances first: an event is never stored unlisted.
        await this.index.add(docs.filter((d) => d.instanceId).map((d) => ({ instanceId: d.instanceId!, kind: 'audit' as const, id: d._id })));
        // The driver's call: the documents are built here already, mongoose's casting would only cost time.
        await this.model.collection.insertMany(docs as never, { ordered: true });
        this.head = { seq, hash };
        this.known = seq;
        this.anchor?.record(seq, hash);
        return docs;
      } catch (err) {
        this.head = null;
        if ((err as { code?: number }).code !== 11000 || attempt > 20) throw err;
        // Another process appended first. Ours that landed (same id and hash) stay; chain the rest after the new head.
        let landed = 0;
        while (landed < docs.length && (await this.model.findById(docs[landed]!._id).select('hash').lean())?.hash === docs[landed]!.hash) landed++;
        if (landed) {
          this.known = Math.max(this.known, Number(docs[landed - 1]!._id));
          return [...docs.slice(0, landed), ...(landed < docs.length ? await this.write(events.slice(landed)) : [])];
        }
      }
    }
  }

  async forInstance(instanceId: string): Promise<AuditEvent[]> {
    await this.idle();
    const docs = await this.index.docsOf(instanceId, 'audit', this.model);
    // By time of the act; nothing happens in an instance before its start, even within one millisecond.
    const first = (e: AuditEvent) => (e.action === 'instance.started' ? 0 : 1);
    return docs.map(toEvent).sort((a, b) => a.at.localeCompare(b.at) || first(a) - first(b) || a.seq - b.seq);
  }

  /** Newest first. One instance's: its events read by id; the whole trail's: the page's ids below the head; by actor or action alone: a search of the trail. */
  async list(
    filter: { instanceId?: string; actor?: string; action?: string },
    page: number,
    pageSize: number,
  ): Promise<{ items: AuditEvent[]; total: number }> {
    await this.idle();
    const from = (page - 1) * pageSize;
    const wanted = (d: AuditDoc) => (!filter.actor || d.actor === filter.actor) && (!filter.action || d.action === filter.action);
    if (filter.instanceId) {
      const docs = (await this.index.docsOf(filter.instanceId, 'audit', this.model)).filter(wanted).sort((a, b) => (a._id < b._id ? 1 : -1));
      return { items: docs.slice(from, from + pageSize).map(toEvent), total: docs.length };
    }
    if (!filter.actor && !filter.action) {
      const { seq: total } = await this.headFrom(this.known);
      const ids: string[] = [];
      for (let n = total - from; n > Math.max(0, total - from - pageSize); n--) ids.push(seqId(n));
      const docs = await Promise.all(ids.map((id) => this.model.findById(id).lean()));
      return { items: docs.filter((d) => d !== null).map(toEvent), total };
    }
    const q: Record<string, string> = {};
    if (filter.actor) q.actor = filter.actor;
    if (filter.action) q.action = filter.action;
    const [docs, total] = await Promise.all([this.model.find(q).sort({ _id: -1 }).skip(from).limit(pageSize).lean(), this.model.countDocuments(q)]);
    return { items: docs.map(toEvent), total };
  }

  /** The whole chain, in order, held to its signed checkpoints (see audit-verify.ts). */
  async verify(): Promise<VerifyResult> {
    await this.idle();
    return verifyChain(this.model, this.checkpoints, this.anchor, this.algorithm);
  }
}
