/**
 * The database layout (a real MongoDB, several API replicas): every read and change goes to
 * `inbox_tasks`, a change is a `findOneAndUpdate` guarded by the version it expects, and the
 * views are indexed queries.
 */
import type { Connection, Model } from 'mongoose';
import type { AuditInput, AuditService } from '../../audit/audit.service';
import { taskModel, type TaskDoc } from '../task.model';
import { EventChainer } from './event-chainer';
import { matches, toMongo, type TaskFilter } from './task-filter';
import type { TaskSort } from './task-sort';
import { changeEach, type TaskChange } from './task-change';
import type { TaskStore } from './task-store';

export class DatabaseTaskStore implements TaskStore {
  readonly mode = 'database' as const;
  private readonly Task: Model<TaskDoc>;
  private readonly events = new EventChainer();

  constructor(db: Connection) {
    this.Task = taskModel(db);
  }

  useAudit(audit: AuditService, onError: (err: unknown) => void): void {
    this.events.use(audit, onError);
  }

  async load(): Promise<number> {
    return 0;
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
    // No projection here: FerretDB 1.x does not implement one on findAndModify.
    const after = await this.Task.findOneAndUpdate({ _id: id, version: expectVersion, ...(!opts.anyStatus && { status: 'open' }) }, update, {
      returnDocument: 'after',
    }).lean();
    if (after && audit) this.events.chain({ ...audit, ref: `${id}#${after.version}` });
    return after;
  }

  changeAll(filter: TaskFilter, ch: TaskChange): Promise<TaskDoc[]> {
    return changeEach(this, filter, ch, (t) => matches(t, filter));
  }

  async find(filter: TaskFilter, sort: TaskSort = { createdAt: 1 }, skip = 0, limit = 0): Promise<TaskDoc[]> {
    return (await this.page(filter, sort, skip, limit)).items;
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
}
