/**
 * Where inbox tasks live. Two layouts behind one interface:
 *
 * - `memory` (the embedded default, one API process): every task is held in memory and answers
 *   the views at once; the database gets each task once (insert) and each change as a new
 *   document `<task>#<version>` in `inbox_task_changes`. Inserting is the one write FerretDB's
 *   SQLite backend does in constant time, and a unique id per version means two people changing
 *   one task at once — in this process or another — cannot both succeed. Loaded at start.
 * - `database` (a real MongoDB, several API replicas): plain guarded `findOneAndUpdate` on
 *   `inbox_tasks` and indexed queries.
 */
import { modelOn } from '../db/model-on';
import { Schema, type Connection, type Model } from 'mongoose';
import type { InboxTaskKind, InboxTaskStatus } from '@ggzy/shared';
import type { AuditInput, AuditService } from '../audit/audit.service';
import { taskModel, type TaskDoc } from './task.model';
import { SortedIds, SortedIndex, entryOf, mergedPage, unionSize, type SortEntry } from './sorted-index';

export type TaskStoreMode = 'memory' | 'database';

/** A change to one task; `version` goes up by one with each. */
export interface TaskChange {
  set?: Partial<Omit<TaskDoc, '_id' | 'version'>>;
  inc?: { urgeCount?: number };
  push?: { pendingSigners?: string };
  pull?: { pendingSigners?: string };
}

/** The filters the inbox needs, understood by both layouts. */
export interface TaskFilter {
  ids?: string[];
  status?: InboxTaskStatus;
  kind?: InboxTaskKind;
  assignee?: string | null;
  /** Unassigned tasks offered to one of these groups or to this user. */
  candidate?: { groups: string[]; user: string };
  completedBy?: string;
  starter?: string;
  instanceId?: string;
  processId?: string;
  projectId?: string;
  priorityMin?: number;
  dueBefore?: Date;
  /** Only tasks not yet marked by the SLA monitor. */
  notUrged?: boolean;
  notSupervised?: boolean;
  touched?: boolean;
}

export type TaskSort = Partial<Record<'priority' | 'dueDate' | 'createdAt', 1 | -1>>;

interface ChangeDoc {
  _id: string;
  taskId: string;
  version: number;
  at: Date;
  change: string;
  /** The audit event of the act (JSON of an AuditInput), stored with the change and chained after it. */
  audit?: string;
}

function changeModel(db: Connection): Model<ChangeDoc> {
  return modelOn<ChangeDoc>(
    db,
    'InboxTaskChange',
    new Schema<ChangeDoc>(
      { _id: String, taskId: String, version: Number, at: Date, change: String, audit: String },
      { versionKey: false, _id: false, collection: 'inbox_task_changes' },
    ),
  );
}

function applyChange(t: TaskDoc, ch: TaskChange, version: number): TaskDoc {
  const next: TaskDoc = { ...t, ...(ch.set as Partial<TaskDoc>), version };
  if (ch.inc?.urgeCount) next.urgeCount = (t.urgeCount ?? 0) + ch.inc.urgeCount;
  if (ch.push?.pendingSigners) next.pendingSigners = [...t.pendingSigners, ch.push.pendingSigners];
  if (ch.pull?.pendingSigners) next.pendingSigners = t.pendingSigners.filter((x) => x !== ch.pull!.pendingSigners);
  return next;
}

function eventOf(c: ChangeDoc): AuditInput & { ref: string } {
  const e = JSON.parse(c.audit!) as AuditInput & { at: string };
  return { ...e, at: new Date(e.at), ref: c._id };
}

/** Dates come back from JSON as strings. */
const DATE_FIELDS = ['dueDate', 'createdAt', 'claimedAt', 'completedAt', 'urgedAt', 'supervisedAt', 'lastUrgedAt'] as const;
function revive(set: Record<string, unknown>): Record<string, unknown> {
  for (const f of DATE_FIELDS) if (typeof set[f] === 'string') set[f] = new Date(set[f] as string);
  return set;
}

function matches(t: TaskDoc, f: TaskFilter, idSet?: Set<string>): boolean {
  if (idSet && !idSet.has(t._id)) return false;
  if (f.status && t.status !== f.status) return false;
  if (f.kind && t.kind !== f.kind) return false;
  if (f.assignee !== undefined && (t.assignee ?? null) !== f.assignee) return false;
  if (f.candidate && (t.assignee || !(t.candidateUsers.includes(f.candidate.user) || t.candidateGroups.some((g) => f.candidate!.groups.includes(g)))))
    return false;
  if (f.completedBy && t.completedBy !== f.completedBy) return false;
  if (f.starter && t.starter !== f.starter) return false;
  if (f.instanceId && t.instanceId !== f.instanceId) return false;
  if (f.processId && t.processId !== f.processId) return false;
  if (f.projectId && t.projectId !== f.projectId) return false;
  if (f.priorityMin !== undefined && t.priority < f.priorityMin) return false;
  if (f.dueBefore && !(t.dueDate && t.dueDate.getTime() <= f.dueBefore.getTime())) return false;
  if (f.notUrged && t.urgedAt) return false;
  if (f.notSupervised && t.supervisedAt) return false;
  if (f.touched !== undefined && t.touched !== f.touched) return false;
  return true;
}

function toMongo(f: TaskFilter): Record<string, unknown> {
  const q: Record<string, unknown> = {};
  if (f.ids) q._id = { $in: f.ids };
  if (f.status) q.status = f.status;
  if (f.kind) q.kind = f.kind;
  if (f.assignee !== undefined) q.assignee = f.assignee;
  if (f.candidate) {
    q.assignee = null;
    q.$or = [{ candidateGroups: { $in: f.candidate.groups } }, { candidateUsers: f.candidate.user }];
  }
  if (f.completedBy) q.completedBy = f.completedBy;
  if (f.starter) q.starter = f.starter;
  if (f.instanceId) q.instanceId = f.instanceId;
  if (f.processId) q.processId = f.processId;
  if (f.projectId) q.projectId = f.projectId;
  if (f.priorityMin !== undefined) q.priority = { $gte: f.priorityMin };
  if (f.dueBefore) q.dueDate = { $lte: f.dueBefore };
  if (f.notUrged) q.urgedAt = null;
  if (f.notSupervised) q.supervisedAt = null;
  if (f.touched !== undefined) q.touched = f.touched;
  return q;
}

const SORT_VALUE: Record<keyof TaskSort, (t: TaskDoc) => number | null> = {
  priority: (t) => t.priority,
  dueDate: (t) => (t.dueDate ? t.dueDate.getTime() : null),
  createdAt: (t) => t.createdAt.getTime(),
};

function compare(sort: TaskSort): (a: TaskDoc, b: TaskDoc) => number {
  const keys = (Object.entries(sort) as [keyof TaskSort, 1 | -1][]).map(([k, dir]) => [SORT_VALUE[k], dir] as const);
  return (a, b) => {
    for (const [value, dir] of keys) {
      const av = value(a);
      const bv = value(b);
      if (av === bv) continue;
      // Missing values sort first ascending, as MongoDB does.
      if (av === null) return -dir;
      if (bv === null) return dir;
      return av < bv ? -dir : dir;
    }
    return a._id < b._id ? -1 : a._id > b._id ? 1 : 0;
  };
}

/**
 * Inserts change records, grouping those that arrive while a write is under way into one
 * unordered insert; each caller learns whether its own record went in (false: that version
 * already exists, someone else was first).
 */
class ChangeWriter {
  private pending: { doc: ChangeDoc; resolve: (ok: boolean) => void; reject: (err: unknown) => void }[] = [];
  private writing = false;

  constructor(private readonly model: Model<ChangeDoc>) {}

  insert(doc: ChangeDoc): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ doc, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.pending.length) {
        const batch = this.pending.splice(0, 500);
        const failed = new Map<number, unknown>();
        try {
          // The driver's types expect ObjectId ids; ours are strings.
          await this.model.collection.insertMany(batch.map((b) => b.doc) as unknown as Parameters<typeof this.model.collection.insertMany>[0], {
            ordered: false,
          });
        } catch (err) {
          const writeErrors = (err as { writeErrors?: { index: number; code?: number }[] }).writeErrors;
          if (!writeErrors) {
            batch.forEach((b) => b.reject(err));
            continue;
          }
          for (const w of writeErrors) failed.set(w.index, w.code === 11000 ? 'duplicate' : err);
        }
        batch.forEach((b, i) => {
          const f = failed.get(i);
          if (f === undefined) b.resolve(true);
          else if (f === 'duplicate') b.resolve(false);
          else b.reject(f);
        });
      }
    } finally {
      this.writing = false;
    }
  }
}

export class TaskStore {
  readonly Task: Model<TaskDoc>;
  private readonly Change: Model<ChangeDoc>;
  private readonly tasks = new Map<string, TaskDoc>();
  private readonly byInstance = new Map<string, Set<string>>();
  /** Open, unassigned tasks by candidate group and by candidate user; open tasks by assignee. */
  private readonly offeredToGroup = new SortedIndex();
  private readonly offeredToUser = new SortedIndex();
  private readonly assignedTo = new SortedIndex();
  /** The sort entry each indexed task was filed under, to take it out again. */
  private readonly entries = new Map<string, SortEntry>();

  private readonly writer: ChangeWriter;
  /** Memory layout: the change being written to each task; a second change to it waits for the first. */
  private readonly writing = new Map<string, Promise<unknown>>();
  private audit: AuditService | null = null;
  private onAuditError: (err: unknown) => void = () => undefined;

  constructor(
    db: Connection,
    readonly mode: TaskStoreMode,
  ) {
    this.Task = taskModel(db);
    this.Change = changeModel(db);
    this.writer = new ChangeWriter(this.Change);
  }

  /** The audit trail that the events given to `change` go to. */
  useAudit(audit: AuditService, onError: (err: unknown) => void): void {
    this.audit = audit;
    this.onAuditError = onError;
  }

  /** Memory layout: read every task and replay its changes. */
  async load(): Promise<number> {
    if (this.mode !== 'memory') return 0;
    for (const m of [this.tasks, this.byInstance, this.offeredToGroup, this.offeredToUser, this.assignedTo, this.entries]) m.clear();
    for await (const d of this.Task.find({}).select('-variables').lean().cursor()) this.remember(d as TaskDoc);
    const changes = await this.Change.find({}).lean();
    changes.sort((a, b) => (a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : a.version - b.version));
    const withEvent: ChangeDoc[] = [];
    for (const c of changes) {
      const t = this.tasks.get(c.taskId);
      if (!t || c.version !== t.version + 1) continue;
      const ch = JSON.parse(c.change) as TaskChange;
      if (ch.set) revive(ch.set as Record<string, unknown>);
      this.replace(t, applyChange(t, ch, c.version));
      if (c.audit) withEvent.push(c);
    }
    await this.chainMissing(withEvent);
    return this.tasks.size;
  }

  /** Events stored with their change whose chaining a stop interrupted: chained now, in the order of the acts. */
  private async chainMissing(changes: ChangeDoc[]): Promise<void> {
    if (!this.audit || !changes.length) return;
    const missing = await this.audit.unchained(changes.map((c) => c._id));
    const todo = changes
      .filter((c) => missing.has(c._id))
      .sort((a, b) => a.at.getTime() - b.at.getTime() || (a.taskId === b.taskId ? a.version - b.version : a._id < b._id ? -1 : 1));
    for (const c of todo) await this.audit.appendStored(eventOf(c));
  }

  /**
   * Chain an event whose change is stored; tried again until the trail takes it. A write that
   * failed may still have landed (an answer lost on the way), so a retry first looks for it.
   */
  private chain(e: AuditInput & { ref: string }, retry = false): void {
    const audit = this.audit!;
    void (async () => {
      try {
        if (retry && (await audit.chained(e.ref))) return;
        await audit.appendStored(e);
      } catch (err) {
        this.onAuditError(err);
        setTimeout(() => this.chain(e, true), 5000).unref();
      }
    })();
  }

  private remember(t: TaskDoc): void {
    const { variables, ...rest } = t;
    void variables;
    const doc = { ...rest, variables: '' } as TaskDoc;
    this.tasks.set(t._id, doc);
    add(this.byInstance, t.instanceId, t._id);
    this.index(doc, true);
  }

  private replace(before: TaskDoc, after: TaskDoc): void {
    this.index(before, false);
    this.tasks.set(after._id, after);
    this.index(after, true);
  }

  private index(t: TaskDoc, adding: boolean): void {
    if (t.status !== 'open') return;
    let e = this.entries.get(t._id);
    if (adding) this.entries.set(t._id, (e = entryOf(t)));
    else this.entries.delete(t._id);
    if (!e) return;
    const op = (idx: SortedIndex, key: string) => (adding ? idx.add(key, e) : idx.delete(key, e));
    if (t.assignee) return op(this.assignedTo, t.assignee);
    for (const g of t.candidateGroups) op(this.offeredToGroup, g);
    for (const u of t.candidateUsers) op(this.offeredToUser, u);
  }

  /** Store a new task; false when it is already there. */
  async insert(doc: TaskDoc): Promise<boolean> {
    try {
      await this.Task.create(doc);
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
    if (this.mode === 'memory') this.remember(doc);
    return true;
  }

  /** A task without its variables (see `variables`). */
  async get(id: string): Promise<TaskDoc | null> {
    if (this.mode === 'memory') return this.tasks.get(id) ?? null;
    return this.Task.findById(id).select('-variables').lean();
  }

  async variables(id: string): Promise<Record<string, unknown>> {
    const d = await this.Task.findById(id).select('variables').lean();
    return d?.variables ? (JSON.parse(d.variables) as Record<string, unknown>) : {};
  }

  /**
   * Apply a change if the task is still at `expectVersion` (and open, unless `anyStatus`);
   * returns the task after it, or null when someone else changed it first.
   *
   * `audit`: the act's event, appended to the audit trail when the change lands (not when it is
   * refused). In the memory layout it is stored in the change record itself, so the change and its
   * event are one write: the caller is answered when that write is done, the event is chained
   * right after, and a stop in between is made good by `load`. In the database layout the event
   * is chained right after the update, and tried again while the process runs should the trail
   * not take it at once.
   */
  async change(id: string, expectVersion: number, ch: TaskChange, opts: { anyStatus?: boolean } = {}, audit?: AuditInput): Promise<TaskDoc | null> {
    if (audit && !this.audit) throw new Error('TaskStore: no audit trail attached');
    if (this.mode === 'database') {
      const after = await this.changeInDatabase(id, expectVersion, ch, opts);
      // The change has landed: its event is chained now, or retried later, but the act stands either way.
      if (after && audit) this.chain({ ...audit, ref: `${id}#${after.version}` });
      return after;
    }
    for (let w = this.writing.get(id); w; w = this.writing.get(id)) await w.catch(() => undefined);
    const cur = this.tasks.get(id);
    if (!cur || cur.version !== expectVersion || (!opts.anyStatus && cur.status !== 'open')) return null;
    const version = expectVersion + 1;
    const record: ChangeDoc = { _id: `${id}#${version}`, taskId: id, version, at: new Date(), change: JSON.stringify(ch) };
    if (audit) record.audit = JSON.stringify({ ...audit, at: record.at });
    const write = this.writer.insert(record);
    this.writing.set(id, write);
    let stored: boolean;
    try {
      // False only when another process wrote this version first.
      stored = await write;
    } finally {
      this.writing.delete(id);
    }
    if (!stored) return null;
    if (audit) this.chain({ ...audit, at: record.at, ref: record._id });
    const now = this.tasks.get(id) ?? cur;
    const next = applyChange(now, ch, version);
    this.replace(now, next);
    return next;
  }

  private async changeInDatabase(id: string, expectVersion: number, ch: TaskChange, opts: { anyStatus?: boolean }): Promise<TaskDoc | null> {
    const update: Record<string, unknown> = { $inc: { version: 1, ...(ch.inc ?? {}) } };
    if (ch.set && Object.keys(ch.set).length) update.$set = ch.set;
    if (ch.push) update.$push = ch.push;
    if (ch.pull) update.$pull = ch.pull;
    // No projection here: FerretDB 1.x does not implement one on findAndModify.
    return this.Task.findOneAndUpdate({ _id: id, version: expectVersion, ...(!opts.anyStatus && { status: 'open' }) }, update, {
      returnDocument: 'after',
    }).lean();
  }

  /** Change every task matching a filter (retrying each on a concurrent change); returns those changed. */
  async changeAll(filter: TaskFilter, ch: TaskChange): Promise<TaskDoc[]> {
    const out: TaskDoc[] = [];
    for (const t of await this.find(filter)) {
      for (let cur: TaskDoc | null = t, i = 0; cur && i < 5; i++) {
        if (!matches(cur, filter)) break;
        const after = await this.change(cur._id, cur.version, ch, { anyStatus: true });
        if (after) {
          out.push(after);
          break;
        }
        cur = await this.get(cur._id);
      }
    }
    return out;
  }

  async find(filter: TaskFilter, sort: TaskSort = { createdAt: 1 }, skip = 0, limit = 0): Promise<TaskDoc[]> {
    return (await this.page(filter, sort, skip, limit)).items;
  }

  /** One page of the matching tasks, sorted, and how many match in all. */
  async page(filter: TaskFilter, sort: TaskSort, skip: number, limit: number): Promise<{ items: TaskDoc[]; total: number }> {
    if (this.mode === 'database') {
      let q = this.Task.find(toMongo(filter))
        .select('-variables -result -draft')
        .sort({ ...sort, _id: 1 })
        .skip(skip);
      if (limit) q = q.limit(limit);
      const [items, total] = await Promise.all([q.lean(), this.Task.countDocuments(toMongo(filter))]);
      return { items, total };
    }
    const cmp = compare(sort);
    const lists = this.indexed(filter);
    if (lists) {
      // The common views: a page is a slice of lists already in the default order.
      const total = lists.length === 1 ? lists[0]!.size : unionSize(lists);
      if (isDefaultSort(sort) && limit) {
        const ids = mergedPage(lists, skip + limit).slice(skip);
        return { items: ids.map((id) => this.tasks.get(id)!), total };
      }
      const all = [...new Set(lists.flatMap((l) => [...l.ids]))].map((id) => this.tasks.get(id)!);
      const items = limit && skip + limit < all.length / 4 ? topK(all, skip + limit, cmp) : all.sort(cmp);
      return { items: limit ? items.slice(skip, skip + limit) : items.slice(skip), total };
    }
    const all = this.scan(filter);
    if (!limit) return { items: all.sort(cmp).slice(skip), total: all.length };
    const items = skip + limit < all.length / 4 ? topK(all, skip + limit, cmp) : all.sort(cmp);
    return { items: items.slice(skip, skip + limit), total: all.length };
  }

  /** The index lists that answer a filter alone (offered to the user's groups or to them, or assigned to them), or null. */
  private indexed(filter: TaskFilter): SortedIds[] | null {
    if (!onlyIndexed(filter) || filter.status !== 'open') return null;
    if (typeof filter.assignee === 'string' && !filter.candidate) return [this.assignedTo.get(filter.assignee) ?? new SortedIds()];
    if (!filter.candidate) return null;
    const lists = [...filter.candidate.groups.map((g) => this.offeredToGroup.get(g)), this.offeredToUser.get(filter.candidate.user)].filter(
      (x): x is SortedIds => !!x && x.size > 0,
    );
    return lists.length ? lists : [new SortedIds()];
  }

  async count(filter: TaskFilter): Promise<number> {
    if (this.mode === 'database') return this.Task.countDocuments(toMongo(filter));
    const lists = this.indexed(filter);
    return lists ? unionSize(lists) : this.scan(filter).length;
  }

  async exists(filter: TaskFilter): Promise<boolean> {
    if (this.mode === 'database') return !!(await this.Task.exists(toMongo(filter)));
    return this.scan(filter, 1).length > 0;
  }

  /** The smallest set of candidates an index gives for a filter, then the filter itself. */
  private scan(filter: TaskFilter, max = Infinity): TaskDoc[] {
    const ids = filter.ids ? new Set(filter.ids) : undefined;
    let source: Iterable<string> | null = null;
    if (filter.instanceId) source = this.byInstance.get(filter.instanceId) ?? [];
    else if (ids) source = ids;
    else if (filter.candidate && filter.status === 'open') {
      const union = new Set<string>();
      for (const g of filter.candidate.groups) for (const id of this.offeredToGroup.get(g)?.ids ?? []) union.add(id);
      for (const id of this.offeredToUser.get(filter.candidate.user)?.ids ?? []) union.add(id);
      source = union;
    } else if (filter.status === 'open' && typeof filter.assignee === 'string') source = this.assignedTo.get(filter.assignee)?.ids ?? [];
    const out: TaskDoc[] = [];
    const docs: Iterable<TaskDoc> = source ? [...source].map((id) => this.tasks.get(id)).filter((t): t is TaskDoc => !!t) : this.tasks.values();
    if (source && onlyIndexed(filter)) {
      // The index already holds exactly these (open; offered to the user, or assigned to them).
      for (const t of docs) {
        out.push(t);
        if (out.length >= max) break;
      }
      return out;
    }
    for (const t of docs) {
      if (matches(t, filter, ids)) {
        out.push(t);
        if (out.length >= max) break;
      }
    }
    return out;
  }
}

/** A filter that asks for nothing beyond what the offered/assigned indexes answer. */
function onlyIndexed(f: TaskFilter): boolean {
  const keys = Object.keys(f).filter((k) => f[k as keyof TaskFilter] !== undefined);
  if (f.candidate) return keys.every((k) => k === 'candidate' || k === 'status');
  if (typeof f.assignee === 'string') return keys.every((k) => k === 'assignee' || k === 'status');
  return false;
}

function isDefaultSort(sort: TaskSort): boolean {
  const k = Object.entries(sort);
  return k.length === 3 && sort.priority === -1 && sort.dueDate === 1 && sort.createdAt === 1 && k[0]![0] === 'priority' && k[1]![0] === 'dueDate';
}

function add(m: Map<string, Set<string>>, key: string, id: string): void {
  let set = m.get(key);
  if (!set) m.set(key, (set = new Set()));
  set.add(id);
}

/** The first k of `xs` in order, without sorting all of them. */
function topK<T, U = T>(xs: Iterable<U>, k: number, cmp: (a: T, b: T) => number, get: (x: U) => T | undefined = (x) => x as unknown as T): T[] {
  const best: T[] = [];
  for (const raw of xs) {
    const x = get(raw);
    if (x === undefined) continue;
    if (best.length === k && cmp(x, best[k - 1]!) >= 0) continue;
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(best[mid]!, x) <= 0) lo = mid + 1;
      else hi = mid;
    }
    best.splice(lo, 0, x);
    if (best.length > k) best.pop();
  }
  return best;
}
