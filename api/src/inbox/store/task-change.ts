/** A change to one inbox task, applied the same way by both layouts. */
import type { TaskDoc } from '../task.model';
import { matches, type TaskFilter } from './task-filter';
import type { TaskSort } from './task-sort';

/** A change to one task; `version` goes up by one with each. */
export interface TaskChange {
  set?: Partial<Omit<TaskDoc, '_id' | 'version'>>;
  inc?: { urgeCount?: number };
  push?: { pendingSigners?: string };
  pull?: { pendingSigners?: string };
}

export function applyChange(t: TaskDoc, ch: TaskChange, version: number): TaskDoc {
  const next: TaskDoc = { ...t, ...(ch.set as Partial<TaskDoc>), version };
  if (ch.inc?.urgeCount) next.urgeCount = (t.urgeCount ?? 0) + ch.inc.urgeCount;
  if (ch.push?.pendingSigners) next.pendingSigners = [...t.pendingSigners, ch.push.pendingSigners];
  if (ch.pull?.pendingSigners) next.pendingSigners = t.pendingSigners.filter((x) => x !== ch.pull!.pendingSigners);
  return next;
}

/** What both layouts do the same way, in terms of `page`, `get` and `change`. */
export abstract class TaskStoreBase {
  abstract get(id: string): Promise<TaskDoc | null>;
  abstract change(id: string, expectVersion: number, ch: TaskChange, opts?: { anyStatus?: boolean }): Promise<TaskDoc | null>;
  abstract page(filter: TaskFilter, sort: TaskSort, skip: number, limit: number): Promise<{ items: TaskDoc[]; total: number }>;

  async find(filter: TaskFilter, sort: TaskSort = { createdAt: 1 }, skip = 0, limit = 0): Promise<TaskDoc[]> {
    return (await this.page(filter, sort, skip, limit)).items;
  }

  /** Change every task matching a filter, retrying each on a concurrent change; returns those changed. */
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
}
