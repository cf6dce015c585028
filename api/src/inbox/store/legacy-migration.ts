/**
 * The first start of a system whose inbox had no history apart (no snapshot yet): every task
 * was read from `inbox_tasks`. Each person's history views are built from those tasks and the CC
 * entries before any request is served; then, in the background, the closed tasks are written to
 * history and let go of (progress is logged; until then memory is higher than usual).
 */
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { ccModel } from '../../cc/cc.model';
import type { ViewEntry } from '../history/view-lists';
import type { TaskDoc } from '../task.model';
import type { MemoryTaskStore } from './memory-task-store';
import type { HistoryView } from './task-store';

export async function buildLegacyViews(store: MemoryTaskStore, db: Connection, tasks: TaskDoc[], logger: Pick<Logger, 'info'>): Promise<void> {
  const lists = new Map<string, ViewEntry[]>();
  const add = (view: HistoryView, user: string, e: ViewEntry) => {
    const k = `${view}\u0000${user}`;
    let l = lists.get(k);
    if (!l) lists.set(k, (l = []));
    l.push(e);
  };
  const entry = (t: TaskDoc, at: Date): ViewEntry => ({ id: t._id, at: at.getTime(), processId: t.processId, projectId: t.projectId ?? null });
  for (const t of tasks) {
    if (t.kind === 'engine' && t.starter) add('started', t.starter, entry(t, t.createdAt));
    if (t.completedBy) add('done', t.completedBy, entry(t, t.completedAt ?? t.createdAt));
  }
  const byId = new Map(tasks.map((t) => [t._id, t]));
  for await (const c of ccModel(db).find({}).lean().cursor()) {
    const t = byId.get(c.taskId);
    if (!t) continue;
    add('cc', c.userId, entry(t, c.at));
    const inst = store.live.instances.get(t.instanceId);
    if (inst && !inst.participants.includes(c.userId)) inst.participants.push(c.userId);
  }
  for (const [k, entries] of lists) {
    const [view, user] = k.split('\u0000') as [HistoryView, string];
    await store.views.rebuild(
      view,
      user,
      entries.sort((a, b) => a.at - b.at),
    );
  }
  logger.info({ tasks: tasks.length, lists: lists.size }, 'inbox history: views built from the tasks stored before');
}

export async function retireLegacy(store: MemoryTaskStore, tasks: TaskDoc[], logger: Pick<Logger, 'info'>): Promise<void> {
  const closed = tasks.filter((t) => t.status !== 'open');
  let n = 0;
  for (const t of closed) {
    const now = store.live.tasks.get(t._id);
    if (now && now.status !== 'open') await store.retire(now);
    if (++n % 10_000 === 0) logger.info({ done: n, of: closed.length }, 'inbox history: closed tasks moved');
  }
  logger.info({ closed: closed.length }, 'inbox history: closed tasks moved');
}
