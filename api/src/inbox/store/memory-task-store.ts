/**
 * The memory layout (the embedded default, one API process): every task is held in memory and
 * answers the views at once. The database gets each task once (insert) and each change as a new
 * document `<task>#<version>` in `inbox_task_changes` (see change-log.ts), and a unique id per
 * version means two people changing one task at once — in this process or another — cannot both
 * succeed. An act's audit event is stored in its change record, so the change and its event are
 * one write: the caller is answered when that write is done, the event is chained right after,
 * and a stop in between is made good by `load`.
 */
import type { Connection, Model } from 'mongoose';
import type { AuditInput, AuditService } from '../../audit/audit.service';
import { taskModel, type TaskDoc } from '../task.model';
import { ChangeWriter, changeModel, eventOf, revive, type ChangeDoc } from './change-log';
import { EventChainer } from './event-chainer';
import { SortedIds, SortedIndex, entryOf, mergedPage, unionSize, type SortEntry } from './sorted-index';
import { matches, onlyIndexed, type TaskFilter } from './task-filter';
import { isDefaultSort, sortedPage, type TaskSort } from './task-sort';
import { applyChange, changeEach, type TaskChange } from './task-change';
import type { TaskStore } from './task-store';

export class MemoryTaskStore implements TaskStore {
  readonly mode = 'memory' as const;
  private readonly Task: Model<TaskDoc>;
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
  /** The change being written to each task; a second change to it waits for the first. */
  private readonly writing = new Map<string, Promise<unknown>>();
  private readonly events = new EventChainer();

  constructor(db: Connection) {
    this.Task = taskModel(db);
    this.Change = changeModel(db);
    this.writer = new ChangeWriter(this.Change);
  }

  useAudit(audit: AuditService, onError: (err: unknown) => void): void {
    this.events.use(audit, onError);
  }

  /** Read every task and replay its changes; events a stop kept from the trail are chained now. */
  async load(): Promise<number> {
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
    const audit = this.events.trail;
    if (!audit || !changes.length) return;
    const missing = await audit.unchained(changes.map((c) => c._id));
    const todo = changes
      .filter((c) => missing.has(c._id))
      .sort((a, b) => a.at.getTime() - b.at.getTime() || (a.taskId === b.taskId ? a.version - b.version : a._id < b._id ? -1 : 1));
    for (const c of todo) await audit.appendStored(eventOf(c));
  }

  private remember(t: TaskDoc): void {
    const { variables, ...rest } = t;
    void variables;
    const doc = { ...rest, variables: '' } as TaskDoc;
    this.tasks.set(t._id, doc);
    let set = this.byInstance.get(t.instanceId);
    if (!set) this.byInstance.set(t.instanceId, (set = new Set()));
    set.add(t._id);
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

  async insert(doc: TaskDoc): Promise<boolean> {
    try {
      await this.Task.create(doc);
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
    this.remember(doc);
    return true;
  }

  async get(id: string): Promise<TaskDoc | null> {
    return this.tasks.get(id) ?? null;
  }

  async variables(id: string): Promise<Record<string, unknown>> {
    const d = await this.Task.findById(id).select('variables').lean();
    return d?.variables ? (JSON.parse(d.variables) as Record<string, unknown>) : {};
  }

  async change(id: string, expectVersion: number, ch: TaskChange, opts: { anyStatus?: boolean } = {}, audit?: AuditInput): Promise<TaskDoc | null> {
    this.events.expect(audit);
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
    if (audit) this.events.chain({ ...audit, at: record.at, ref: record._id });
    const now = this.tasks.get(id) ?? cur;
    const next = applyChange(now, ch, version);
    this.replace(now, next);
    return next;
  }

  changeAll(filter: TaskFilter, ch: TaskChange): Promise<TaskDoc[]> {
    return changeEach(this, filter, ch, (t) => matches(t, filter));
  }

  async find(filter: TaskFilter, sort: TaskSort = { createdAt: 1 }, skip = 0, limit = 0): Promise<TaskDoc[]> {
    return (await this.page(filter, sort, skip, limit)).items;
  }

  async page(filter: TaskFilter, sort: TaskSort, skip: number, limit: number): Promise<{ items: TaskDoc[]; total: number }> {
    const lists = this.indexed(filter);
    if (lists) {
      // The common views: a page is a slice of lists already in the default order.
      const total = lists.length === 1 ? lists[0]!.size : unionSize(lists);
      if (isDefaultSort(sort) && limit) {
        const ids = mergedPage(lists, skip + limit).slice(skip);
        return { items: ids.map((id) => this.tasks.get(id)!), total };
      }
      const all = [...new Set(lists.flatMap((l) => [...l.ids]))].map((id) => this.tasks.get(id)!);
      return { items: sortedPage(all, sort, skip, limit), total };
    }
    const all = this.scan(filter);
    return { items: sortedPage(all, sort, skip, limit), total: all.length };
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
    const lists = this.indexed(filter);
    return lists ? unionSize(lists) : this.scan(filter).length;
  }

  async exists(filter: TaskFilter): Promise<boolean> {
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
