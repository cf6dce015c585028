/**
 * Replaying the log at start (memory layout): records written since the snapshot — or all of
 * them, when there is none — are applied in each task's version order. A version a task already
 * has is skipped, so a record that the snapshot already holds changes nothing. What follows from
 * a record (history, views, the people of an instance) is done again; each of those is idempotent.
 */
import type { TaskDoc } from '../task.model';
import { revive, type ChangeDoc } from './change-log';
import type { MemoryTaskStore } from './memory-task-store';
import { applyChange, type TaskChange } from './task-change';

export async function replayLog(store: MemoryTaskStore, records: ChangeDoc[]): Promise<number> {
  const taskRecords = records
    .filter((r) => !r.kind || r.kind === 'create')
    .sort((a, b) => (a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : a.version - b.version));
  for (const r of taskRecords) {
    if (r.kind === 'create') {
      if (store.live.tasks.has(r.taskId) || (await store.history.getTask(r.taskId))) continue;
      const t = store.live.remember(revive(JSON.parse(r.change) as TaskDoc));
      store.appendViews(store.viewEntries(null, t));
      continue;
    }
    const cur = store.live.tasks.get(r.taskId) ?? (await store.history.getTask(r.taskId));
    if (!cur || r.version !== cur.version + 1) continue;
    const ch = JSON.parse(r.change) as TaskChange;
    if (ch.set) revive(ch.set);
    const next = applyChange(cur, ch, r.version);
    if (store.live.tasks.get(cur._id) === cur) store.live.replace(cur, next);
    else await store.history.putTask(next);
    store.appendViews(store.viewEntries(cur, next));
  }
  const others = records.filter((r) => r.kind === 'end' || r.kind === 'cc').sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const r of others) {
    if (r.kind === 'end') {
      const inst = store.live.instances.get(r.taskId);
      if (inst) inst.ending = true;
      continue;
    }
    const { userId } = JSON.parse(r.change) as { userId: string };
    const task = await store.get(r.taskId);
    if (task) await store.ccFollows(task, userId, r.at);
  }
  return records.length;
}
