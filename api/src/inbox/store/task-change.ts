/** A change to one inbox task, applied the same way by both layouts. */
import type { TaskDoc } from '../task.model';
import type { TaskFilter } from './task-filter';
import type { TaskStore } from './task-store';

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

/** `changeAll` in terms of `find`, `get` and `change`, for both layouts. */
export async function changeEach(store: TaskStore, filter: TaskFilter, ch: TaskChange, matches: (t: TaskDoc) => boolean): Promise<TaskDoc[]> {
  const out: TaskDoc[] = [];
  for (const t of await store.find(filter)) {
    for (let cur: TaskDoc | null = t, i = 0; cur && i < 5; i++) {
      if (!matches(cur)) break;
      const after = await store.change(cur._id, cur.version, ch, { anyStatus: true });
      if (after) {
        out.push(after);
        break;
      }
      cur = await store.get(cur._id);
    }
  }
  return out;
}
