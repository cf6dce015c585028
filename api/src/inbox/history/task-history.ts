/**
 * Closed tasks and the people of ended instances, apart from the live inbox: a closed task's last
 * version (`inbox_task_history`, by task id) and, for an instance, who took part in it and which
 * tasks it had (`inst:<instance id>` in the same collection). Read and written by `_id` only.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../db/model-on';
import type { TaskDoc } from '../task.model';

/** Who took part in an instance and which tasks it had; kept live while it runs, then here. */
export interface InstancePeople {
  participants: string[];
  groups: string[];
  taskIds: string[];
}

type HistoryDoc = (Omit<TaskDoc, 'variables'> & { kind: TaskDoc['kind'] }) | ({ _id: string; kind: 'instance' } & InstancePeople);

function historyModel(db: Connection): Model<HistoryDoc> {
  return modelOn<HistoryDoc>(
    db,
    'InboxTaskHistory',
    new Schema<HistoryDoc>({ _id: String }, { versionKey: false, _id: false, strict: false, collection: 'inbox_task_history' }),
  );
}

const DATES = ['dueDate', 'createdAt', 'claimedAt', 'completedAt', 'urgedAt', 'supervisedAt', 'lastUrgedAt'] as const;

/** A task's dates, stored or sent as ISO strings, as dates again. */
function reviveDates<T extends object>(d: T): T {
  const r = d as Record<string, unknown>;
  for (const f of DATES) if (typeof r[f] === 'string') r[f] = new Date(r[f] as string);
  return d;
}

/** A closed task as its list shows it (without its variables, results and drafts), as JSON. */
export function listItemJson(t: TaskDoc): string {
  const { variables: _v, result: _r, draft: _d, pendingAudit: _p, ...item } = t;
  return JSON.stringify(item);
}

export function fromListItem(json: string): TaskDoc {
  return { ...reviveDates(JSON.parse(json) as TaskDoc), variables: '' };
}

/** How many closed tasks are kept in memory once read or written (people read their recent history most). */
const CACHED = 20_000;

export class TaskHistory {
  private readonly History: Model<HistoryDoc>;
  /** Recently read or written closed tasks, least recent first (this process is the only writer). */
  private readonly cache = new Map<string, TaskDoc>();

  constructor(db: Connection) {
    this.History = historyModel(db);
  }

  private remember(t: TaskDoc): TaskDoc {
    this.cache.delete(t._id);
    this.cache.set(t._id, t);
    if (this.cache.size > CACHED) this.cache.delete(this.cache.keys().next().value!);
    return t;
  }

  /** Keep a closed task's version (again is the same, and a later version replaces it). */
  async putTask(t: TaskDoc): Promise<void> {
    const { variables: _v, ...doc } = t;
    await this.History.collection.replaceOne({ _id: t._id } as never, doc as never, { upsert: true });
    this.remember({ ...t, variables: '' });
  }

  async getTask(id: string): Promise<TaskDoc | null> {
    const hit = this.cache.get(id);
    if (hit) return this.remember(hit);
    const d = (await this.History.collection.findOne({ _id: id } as never)) as unknown as TaskDoc | null;
    if (!d || (d.kind as string) === 'instance') return null;
    return this.remember({ ...reviveDates(d), variables: '' } as TaskDoc);
  }

  async putInstance(instanceId: string, people: InstancePeople): Promise<void> {
    await this.History.collection.replaceOne({ _id: `inst:${instanceId}` } as never, { kind: 'instance', ...people } as never, { upsert: true });
  }

  async getInstance(instanceId: string): Promise<InstancePeople | null> {
    const d = (await this.History.collection.findOne({ _id: `inst:${instanceId}` } as never)) as unknown as (InstancePeople & { kind: string }) | null;
    return d?.kind === 'instance' ? { participants: d.participants, groups: d.groups, taskIds: d.taskIds } : null;
  }
}
