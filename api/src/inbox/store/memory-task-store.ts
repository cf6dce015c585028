/**
 * The memory layout (the embedded default, one API process).
 *
 * - The live inbox — open tasks, and who takes part in running instances — is in memory
 *   (live-inbox.ts) and answers the busy views at once.
 * - Every act is one inserted log record (change-log.ts) carrying its audit event: the caller is
 *   answered when that write is done, the event is chained right after, and a stop in between is
 *   made good at the next start. A record's unique id (`<task>#<version>`) lets one writer win.
 * - What happened is kept apart from what is live: a closed task's last version and an ended
 *   instance's people (task-history.ts), each person's history views (view-lists.ts), all read
 *   by id, so nothing the inbox does costs more as history grows.
 * - Start-up reads the last snapshot of the live inbox (snapshots.ts) and replays the log since;
 *   a snapshot is taken every so often, and the log before it is dropped.
 */
import type { Connection, Model } from 'mongoose';
import type { Logger } from 'pino';
import type { AuditInput, AuditService } from '../../audit/audit.service';
import { TaskHistory } from '../history/task-history';
import { historyPage, keepListItems, viewEntries } from '../history/history-pages';
import { ViewLists, type ViewEntry } from '../history/view-lists';
import { taskModel, type TaskDoc } from '../task.model';
import { ChangeLog, eventOf, revive, type ChangeDoc } from './change-log';
import { EventChainer } from './event-chainer';
import { LiveInbox } from './live-inbox';
import { Snapshots } from './snapshots';
import { applyChange, TaskStoreBase, type TaskChange } from './task-change';
import { matches, type TaskFilter } from './task-filter';
import { sortedPage, type TaskSort } from './task-sort';
import type { HistoryView, InstancePeople, TaskStore } from './task-store';
import { replayLog } from './replay';
import { buildLegacyViews, retireLegacy } from './legacy-migration';

export interface MemoryStoreOptions {
  /** Take a snapshot once this many records are in the log since the last one. */
  snapshotEveryRecords?: number;
  /** And at least this often while anything was written (ms). */
  snapshotIntervalMs?: number;
}

export class MemoryTaskStore extends TaskStoreBase implements TaskStore {
  readonly mode = 'memory' as const;
  readonly live = new LiveInbox();
  readonly log: ChangeLog;
  readonly history: TaskHistory;
  readonly views: ViewLists;
  private readonly snapshots: Snapshots;
  private readonly Task: Model<TaskDoc>;
  private readonly events = new EventChainer();
  /** The change being written to each task; a second change to it waits for the first. */
  private readonly writing = new Map<string, Promise<unknown>>();
  /** History writes and view appends under way (their failures are reported). */
  private readonly derived = new Set<Promise<unknown>>();
  /** Engine tasks completed here whose completion the engine has not confirmed (kept live until it does). */
  private readonly awaiting = new Set<string>();
  /** Change records whose event this process put on the trail or found there (not looked up again at a snapshot). */
  private readonly chainedHere = new Set<string>();
  private recordsSinceSnapshot = 0;
  private snapshotting: Promise<void> | null = null;
  private timer?: NodeJS.Timeout;
  private readonly everyRecords: number;
  private readonly intervalMs: number;
  onError: (err: unknown, what: string) => void = () => undefined;

  constructor(
    private readonly db: Connection,
    opts: MemoryStoreOptions = {},
    private readonly logger: Pick<Logger, 'info'> = { info: () => undefined },
  ) {
    super();
    this.Task = taskModel(db);
    this.log = new ChangeLog(db);
    this.history = new TaskHistory(db);
    this.views = new ViewLists(db);
    this.snapshots = new Snapshots(db);
    this.everyRecords = opts.snapshotEveryRecords ?? 50_000;
    this.intervalMs = opts.snapshotIntervalMs ?? 10 * 60_000;
  }

  useAudit(audit: AuditService, onError: (err: unknown) => void): void {
    this.events.use(audit, onError);
    this.onError = (err) => onError(err);
  }

  // ---- start and snapshots -------------------------------------------------------------------

  /** The last snapshot and the log since; events a stop kept from the trail are chained now. */
  async load(): Promise<number> {
    this.live.clear();
    const head = await this.snapshots.head();
    const epochs = await this.log.epochs();
    const legacy: TaskDoc[] = [];
    if (head) {
      const content = await this.snapshots.read(head);
      for (const t of content.tasks) this.live.remember(Object.assign(revive(t), { variables: '' }), true);
      for (const [id, inst] of content.instances) this.live.instances.set(id, inst);
      this.views.learn(content.lists ?? []);
    } else {
      await this.views.learnAll();
      // No snapshot yet (a new system, or one from before snapshots): the tasks as first stored.
      for await (const d of this.Task.find({}).select('-variables').lean().cursor()) legacy.push(this.live.remember(d as TaskDoc));
    }
    const from = head?.replayFrom ?? 0;
    const records: ChangeDoc[] = [];
    for (const e of epochs) if (e >= from) records.push(...(await this.log.read(e)));
    this.log.use(Math.max(from, ...epochs));
    const replayed = await replayLog(this, records);
    await this.chainMissing(records);
    if (legacy.length) {
      // Before any request: each person's history views, from the tasks as first stored (rebuilt
      // whole, so a start interrupted here does it again without doubling anything); then, in
      // the background, closed tasks move to history.
      const tasks = legacy.map((t) => this.live.tasks.get(t._id) ?? t);
      await buildLegacyViews(this, this.db, tasks, this.logger);
      this.track(retireLegacy(this, tasks, this.logger), 'inbox history');
    } else {
      // Tasks closed before their history was written (but engine completions not yet confirmed:
      // the link sends them again), instances ended with all their tasks closed.
      for (const t of [...this.live.tasks.values()]) {
        // (one already in history was confirmed: it was retired after the snapshot was taken)
        if (awaitsEngine(t) && !(await this.history.getTask(t._id))) this.awaiting.add(t._id);
        else if (t.status !== 'open') await this.retire(t);
      }
      for (const [id, inst] of [...this.live.instances]) if (inst.ending) await this.finishInstance(id);
    }
    this.recordsSinceSnapshot = replayed;
    if (!head || replayed > this.everyRecords / 10) await this.snapshot();
    this.timer = setInterval(() => {
      if (this.recordsSinceSnapshot > 0) void this.snapshot().catch((err: unknown) => this.onError(err, 'snapshot'));
    }, this.intervalMs);
    this.timer.unref();
    return this.live.tasks.size;
  }

  /** A clean stop leaves a snapshot, so the next start replays nothing. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.snapshotting;
    if (this.recordsSinceSnapshot > 0) await this.snapshot();
  }

  /**
   * A snapshot of the live inbox: the log moves to a new epoch, the snapshot is written, then the
   * epochs before are dropped (once their audit events are on the trail).
   */
  snapshot(): Promise<void> {
    this.snapshotting ??= (async () => {
      try {
        const replayFrom = await this.log.next();
        this.recordsSinceSnapshot = 0;
        // Every record of the epochs before is applied (a closed task not yet in history is still
        // live, so in the snapshot), and what they add to the history views is written.
        await Promise.allSettled([...this.writing.values()]);
        await this.views.settled();
        await this.snapshots.write(() => this.live.tasks.values(), [...this.live.instances.entries()], await this.views.sizes(), replayFrom);
        for (const e of await this.log.epochs()) {
          if (e >= replayFrom) continue;
          const records = await this.log.read(e);
          await this.chainMissing(records);
          await this.log.drop(e);
          for (const r of records) this.chainedHere.delete(r._id);
        }
      } finally {
        this.snapshotting = null;
      }
    })();
    return this.snapshotting;
  }

  private counted(): void {
    if (++this.recordsSinceSnapshot >= this.everyRecords) void this.snapshot().catch((err: unknown) => this.onError(err, 'snapshot'));
  }

  /** Events stored with their record whose chaining a stop interrupted: chained now, in the order of the acts. */
  private async chainMissing(records: ChangeDoc[]): Promise<void> {
    const audit = this.events.trail;
    const withEvent = records.filter((c) => c.audit && !this.chainedHere.has(c._id));
    if (!audit || !withEvent.length) return;
    const missing = await audit.unchained(withEvent.map((c) => ({ ref: c._id, instanceId: eventOf(c).instanceId })));
    const todo = withEvent
      .filter((c) => missing.has(c._id))
      .sort((a, b) => a.at.getTime() - b.at.getTime() || (a.taskId === b.taskId ? a.version - b.version : a._id < b._id ? -1 : 1));
    for (const c of todo) await audit.appendStored(eventOf(c));
    for (const c of withEvent) this.chainedHere.add(c._id);
  }

  // ---- what follows from a record (also on replay) -------------------------------------------

  /** Keep a background write in view: a snapshot waits for it, a failure is reported. */
  track(p: Promise<unknown>, what: string): void {
    const tracked = p.catch((err: unknown) => this.onError(err, what));
    this.derived.add(tracked);
    void tracked.finally(() => this.derived.delete(tracked));
  }

  /** The history views a task's creation or change adds it to. */
  viewEntries(before: TaskDoc | null, after: TaskDoc): Array<[HistoryView, string, ViewEntry]> {
    return viewEntries(before, after);
  }

  appendViews(entries: Array<[HistoryView, string, ViewEntry]>): void {
    for (const [view, user, e] of entries) this.track(this.views.append(view, user, e), 'history view');
  }

  /** A closed task goes to history, and its list item to its lists; the live inbox lets go of it once they are written. */
  async retire(t: TaskDoc): Promise<void> {
    await Promise.all([keepListItems(this.views, t), this.history.putTask(t)]);
    const now = this.live.tasks.get(t._id);
    if (now && now.version === t.version) this.live.drop(t._id);
    const inst = this.live.instances.get(t.instanceId);
    if (inst?.ending) await this.finishInstance(t.instanceId);
  }

  async finishInstance(instanceId: string): Promise<void> {
    const inst = this.live.instances.get(instanceId);
    if (!inst?.ending || this.live.heldOf(instanceId) > 0) return;
    await this.history.putInstance(instanceId, inst);
    this.live.instances.delete(instanceId);
  }

  // ---- tasks ---------------------------------------------------------------------------------

  async insert(doc: TaskDoc): Promise<boolean> {
    if (this.live.tasks.has(doc._id)) return false;
    let stored: TaskDoc = doc;
    try {
      await this.Task.create(doc);
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      // Stored before, but its creation record is not (a stop in between): made whole now.
      if (await this.history.getTask(doc._id)) return false;
      stored = ((await this.Task.findById(doc._id).lean()) as TaskDoc | null) ?? doc;
    }
    const { variables: _v, ...rest } = stored;
    const created = await this.log.insert({ _id: `${doc._id}#1`, taskId: doc._id, version: 1, at: new Date(), kind: 'create', change: JSON.stringify(rest) });
    if (!created && stored === doc) return false;
    const t = this.live.remember(stored);
    this.appendViews(this.viewEntries(null, t));
    this.counted();
    return true;
  }

  async get(id: string): Promise<TaskDoc | null> {
    return this.live.tasks.get(id) ?? (await this.history.getTask(id));
  }

  async variables(id: string): Promise<Record<string, unknown>> {
    const d = await this.Task.findById(id).select('variables').lean();
    return d?.variables ? (JSON.parse(d.variables) as Record<string, unknown>) : {};
  }

  async change(id: string, expectVersion: number, ch: TaskChange, opts: { anyStatus?: boolean } = {}, audit?: AuditInput): Promise<TaskDoc | null> {
    this.events.expect(audit);
    for (let w = this.writing.get(id); w; w = this.writing.get(id)) await w.catch(() => undefined);
    const done = this.apply(id, expectVersion, ch, opts, audit);
    this.writing.set(id, done);
    try {
      return await done;
    } finally {
      if (this.writing.get(id) === done) this.writing.delete(id);
    }
  }

  private async apply(id: string, expectVersion: number, ch: TaskChange, opts: { anyStatus?: boolean }, audit?: AuditInput): Promise<TaskDoc | null> {
    const cur = this.live.tasks.get(id) ?? (await this.history.getTask(id));
    if (!cur || cur.version !== expectVersion || (!opts.anyStatus && cur.status !== 'open')) return null;
    const version = expectVersion + 1;
    const record: ChangeDoc = { _id: `${id}#${version}`, taskId: id, version, at: new Date(), change: JSON.stringify(ch) };
    if (audit) record.audit = JSON.stringify({ ...audit, at: record.at });
    // False only when another writer had this version first.
    if (!(await this.log.insert(record))) return null;
    if (audit) this.events.chain({ ...audit, at: record.at, ref: record._id }, false, async () => void this.chainedHere.add(record._id));
    this.counted();
    return this.follow(cur, applyChange(cur, ch, version));
  }

  /** Bring the live inbox, history and views in line with a task's new version. */
  follow(before: TaskDoc, after: TaskDoc): TaskDoc {
    if (this.live.tasks.get(after._id) === before) this.live.replace(before, after);
    this.appendViews(this.viewEntries(before, after));
    // Closed: its history is written (in the background; the live inbox holds it until then). A
    // completion the engine has yet to confirm stays live, so that a restart can send it again.
    if (awaitsEngine(after) && (before.status === 'open' || this.awaiting.has(after._id))) this.awaiting.add(after._id);
    else {
      this.awaiting.delete(after._id);
      if (after.status !== 'open') this.track(this.retire(after), 'task history');
    }
    return after;
  }

  awaitingEngine(): TaskDoc[] {
    const out: TaskDoc[] = [];
    for (const id of this.awaiting) {
      const t = this.live.tasks.get(id);
      if (t && awaitsEngine(t)) out.push(t);
      else this.awaiting.delete(id);
    }
    return out;
  }

  engineConfirmed(id: string): void {
    if (!this.awaiting.delete(id)) return;
    const t = this.live.tasks.get(id);
    if (t && t.status !== 'open') this.track(this.retire(t), 'task history');
  }

  async page(filter: TaskFilter, sort: TaskSort, skip: number, limit: number): Promise<{ items: TaskDoc[]; total: number }> {
    if (!filter.instanceId) return this.live.page(filter, sort, skip, limit);
    // An instance's tasks: the live ones, and its closed ones from history.
    const all = (await this.tasksOf(filter.instanceId)).filter((t) => matches(t, filter));
    return { items: sortedPage(all, sort, skip, limit), total: all.length };
  }

  private async tasksOf(instanceId: string): Promise<TaskDoc[]> {
    const ids = this.live.instances.get(instanceId)?.taskIds ?? (await this.history.getInstance(instanceId))?.taskIds ?? [];
    const docs = await Promise.all(ids.map((id) => this.get(id)));
    return docs.filter((t): t is TaskDoc => !!t);
  }

  async count(filter: TaskFilter): Promise<number> {
    return filter.instanceId ? (await this.page(filter, {}, 0, 0)).total : this.live.count(filter);
  }

  async exists(filter: TaskFilter): Promise<boolean> {
    return (await this.count(filter)) > 0;
  }

  // ---- history views and instances -----------------------------------------------------------

  historyPage(view: HistoryView, user: string, filter: TaskFilter, skip: number, limit: number): Promise<{ items: TaskDoc[]; total: number }> {
    return historyPage({ views: this.views, history: this.history, live: this.live.tasks }, view, user, filter, skip, limit);
  }

  historyCount(view: HistoryView, user: string): Promise<number> {
    return this.views.count(view, user);
  }

  async addCc(task: TaskDoc, userId: string, at: Date): Promise<void> {
    await this.log.insert({
      _id: `cc:${task._id}:${userId}`,
      taskId: task._id,
      version: 0,
      at,
      kind: 'cc',
      change: JSON.stringify({ userId, instanceId: task.instanceId }),
    });
    this.counted();
    await this.ccFollows(task, userId, at);
  }

  /** A CC'd person takes part in the instance and sees the task in their cc view. */
  async ccFollows(task: Pick<TaskDoc, '_id' | 'instanceId' | 'processId' | 'projectId'>, userId: string, at: Date): Promise<void> {
    const live = this.live.instances.get(task.instanceId);
    if (live) {
      if (!live.participants.includes(userId)) live.participants.push(userId);
    } else {
      const past = await this.history.getInstance(task.instanceId);
      if (past && !past.participants.includes(userId))
        await this.history.putInstance(task.instanceId, { ...past, participants: [...past.participants, userId] });
    }
    this.track(this.views.append('cc', userId, { id: task._id, at: at.getTime(), processId: task.processId, projectId: task.projectId ?? null }), 'cc view');
  }

  async instancePeople(instanceId: string): Promise<InstancePeople> {
    const live = this.live.instances.get(instanceId);
    const people = live ?? (await this.history.getInstance(instanceId));
    const steps = new Set<string>();
    for (const t of this.live.scan({ instanceId, status: 'open', kind: 'engine' })) steps.add(t.name);
    return { participants: new Set(people?.participants ?? []), groups: new Set(people?.groups ?? []), currentSteps: [...steps] };
  }

  async endInstance(instanceId: string): Promise<void> {
    const first = await this.log.insert({ _id: `end:${instanceId}`, taskId: instanceId, version: 0, at: new Date(), kind: 'end', change: '' });
    // Told twice (events come at least once): the first time did it.
    if (!first && !this.live.instances.has(instanceId)) return;
    this.counted();
    this.live.instance(instanceId).ending = true;
    await this.finishInstance(instanceId);
  }
}

/** An engine step completed here: it goes to history once the engine has the completion. */
function awaitsEngine(t: TaskDoc): boolean {
  return t.kind === 'engine' && t.status === 'completed';
}
