/**
 * The database layout (a real MongoDB, several API replicas): every read and change goes to
 * `inbox_tasks`, a change is a `findOneAndUpdate` guarded by the version it expects, and the
 * views are indexed queries.
 */
import type { Connection, Model } from 'mongoose';
import { ccModel, type CcDoc } from '../../cc/cc.model';
import type { AuditInput, AuditService } from '../../audit/audit.service';
import { taskModel, type TaskDoc } from '../task.model';
import { EventChainer } from './event-chainer';
import { toMongo, type TaskFilter } from './task-filter';
import type { TaskSort } from './task-sort';
import { TaskStoreBase, type TaskChange } from './task-change';
import type { HistoryView, InstancePeople, TaskStore } from './task-store';

export class DatabaseTaskStore extends TaskStoreBase implements TaskStore {
  readonly mode = 'database' as const;
  private readonly Task: Model<TaskDoc>;
  private readonly Cc: Model<CcDoc>;
  private readonly events = new EventChainer();

  constructor(db: Connection) {
    super();
    this.Task = taskModel(db);
    this.Cc = ccModel(db);
  }

  useAudit(audit: AuditService, onError: (err: unknown) => void): void {
    this.events.use(audit, onError);
  }

  /** Chain the events a stopped process wrote with their changes but did not get into the trail. */
  async load(): Promise<number> {
    const audit = this.events.trail;
    if (!audit) return 0;
    let n = 0;
    for (const t of await this.Task.find({ 'pendingAudit.0': { $exists: true } })
      .select('pendingAudit')
      .lean()) {
      for (const p of t.pendingAudit ?? []) {
        this.events.chain({ ...(JSON.parse(p.e) as AuditInput), ref: p.ref }, true, () => this.settled(t._id, p.ref));
        n++;
      }
    }
    return n;
  }

  private async settled(id: string, ref: string): Promise<void> {
    await this.Task.updateOne({ _id: id }, { $pull: { pendingAudit: { ref } } });
  }

  async insert(doc: TaskDoc): Promise<boolean> {
    try {
      await this.Task.create(doc);
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
  }

  async get(id: string): Promise<TaskDoc | null> {
    return this.Task.findById(id).select('-variables').lean();
  }

  async variables(id: string): Promise<Record<string, unknown>> {
    const d = await this.Task.findById(id).select('variables').lean();
    return d?.variables ? (JSON.parse(d.variables) as Record<string, unknown>) : {};
  }

  /** The event is chained right after the guarded update, and tried again while the process runs should the trail not take it at once. */
  async change(id: string, expectVersion: number, ch: TaskChange, opts: { anyStatus?: boolean } = {}, audit?: AuditInput): Promise<TaskDoc | null> {
    this.events.expect(audit);
    const update: Record<string, unknown> = { $inc: { version: 1, ...(ch.inc ?? {}) } };
    if (ch.set && Object.keys(ch.set).length) update.$set = ch.set;
    if (ch.push) update.$push = ch.push;
    if (ch.pull) update.$pull = ch.pull;
    // The act's event goes into the same write (a crash cannot keep the change without it); it
    // leaves the task once the trail has it, and a start chains what a stopped process left.
    const ref = `${id}#${expectVersion + 1}`;
    if (audit) update.$push = { ...(update.$push as object | undefined), pendingAudit: { ref, e: JSON.stringify(audit) } };
    // No projection here: FerretDB 1.x does not implement one on findAndModify.
    const after = await this.Task.findOneAndUpdate({ _id: id, version: expectVersion, ...(!opts.anyStatus && { status: 'open' }) }, update, {
      returnDocument: 'after',
    }).lean();
    if (after && audit) this.events.chain({ ...audit, ref }, false, () => this.settled(id, ref));
    return after;
  }

  async page(filter: TaskFilter, sort: TaskSort, skip: number, limit: number): Promise<{ items: TaskDoc[]; total: number }> {
    let q = this.Task.find(toMongo(filter))
      .select('-variables -result -draft')
      .sort({ ...sort, _id: 1 })
      .skip(skip);
    if (limit) q = q.limit(limit);
    const [items, total] = await Promise.all([q.lean(), this.Task.countDocuments(toMongo(filter))]);
    return { items, total };
  }

  count(filter: TaskFilter): Promise<number> {
    return this.Task.countDocuments(toMongo(filter));
  }

  async exists(filter: TaskFilter): Promise<boolean> {
    return !!(await this.Task.exists(toMongo(filter)));
  }

  async historyPage(view: HistoryView, user: string, filter: TaskFilter, skip: number, limit: number): Promise<{ items: TaskDoc[]; total: number }> {
    if (view === 'done') return this.page({ ...filter, completedBy: user }, { completedAt: -1 }, skip, limit);
    if (view === 'started') return this.page({ ...filter, starter: user, kind: 'engine' }, { createdAt: -1 }, skip, limit);
    // Newest CC first.
    const order = (await this.Cc.find({ userId: user }).sort({ at: -1 }).select('taskId').lean()).map((c) => c.taskId);
    const found = new Map((await this.find({ ...filter, ids: order })).map((t) => [t._id, t]));
    const items = order.map((id) => found.get(id)).filter((t): t is TaskDoc => !!t);
    return { items: limit ? items.slice(skip, skip + limit) : items.slice(skip), total: items.length };
  }

  async historyCount(view: HistoryView, user: string): Promise<number> {
    if (view === 'done') return this.count({ completedBy: user });
    if (view === 'started') return this.count({ starter: user, kind: 'engine' });
    return this.Cc.countDocuments({ userId: user });
  }

  /** The CC entry the act writes is what the cc view and the instance's people read here. */
  async addCc(): Promise<void> {}

  async instancePeople(instanceId: string): Promise<InstancePeople> {
    const tasks = await this.find({ instanceId });
    const participants = new Set<string>();
    const groups = new Set<string>();
    const steps = new Set<string>();
    for (const t of tasks) {
      for (const u of [t.starter, t.assignee, t.owner, t.completedBy, ...t.candidateUsers, ...t.pendingSigners]) if (u) participants.add(u);
      for (const g of t.candidateGroups) groups.add(g);
      if (t.status === 'open' && t.kind === 'engine') steps.add(t.name);
    }
    for (const c of await this.Cc.find({ instanceId }).select('userId').lean()) participants.add(c.userId);
    return { participants, groups, currentSteps: [...steps] };
  }

  async endInstance(): Promise<void> {}

  /** Not known without a search here: the link compares with the engine's open tasks instead. */
  awaitingEngine(): null {
    return null;
  }

  engineConfirmed(): void {}

  async close(): Promise<void> {}
}
