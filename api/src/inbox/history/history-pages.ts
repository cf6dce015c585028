/**
 * The memory layout's history views — 已办, 我发起的, 抄送我的 — from the lists (view-lists.ts):
 * which lists a task's change adds it to, which list items its close keeps, and a page read from
 * them (live tasks from memory, closed ones from the items kept with the list, a read or two).
 */
import type { TaskDoc } from '../task.model';
import { matches, type TaskFilter } from '../store/task-filter';
import { fromListItem, listItemJson, type TaskHistory } from './task-history';
import type { HistoryView, ViewEntry, ViewLists } from './view-lists';

/** The history views a task's creation or change adds it to. */
export function viewEntries(before: TaskDoc | null, after: TaskDoc): Array<[HistoryView, string, ViewEntry]> {
  const out: Array<[HistoryView, string, ViewEntry]> = [];
  const entry = (at: Date | null | undefined): ViewEntry => ({
    id: after._id,
    at: (at ?? new Date()).getTime(),
    processId: after.processId,
    projectId: after.projectId ?? null,
  });
  if (!before && after.kind === 'engine' && after.starter) out.push(['started', after.starter, entry(after.createdAt)]);
  if (after.completedBy && after.completedBy !== before?.completedBy) out.push(['done', after.completedBy, entry(after.completedAt)]);
  return out;
}

/**
 * A closed task's list item, kept in the 我发起的 and 已办 lists it is in. Asked for at once (in
 * the lists' write order), so the item of a later version replaces an earlier one.
 */
export function keepListItems(views: ViewLists, t: TaskDoc): Promise<unknown> {
  const item = listItemJson(t);
  return Promise.all([
    t.kind === 'engine' && t.starter ? views.keepItem('started', t.starter, t._id, t.createdAt.getTime(), item) : null,
    t.completedBy ? views.keepItem('done', t.completedBy, t._id, (t.completedAt ?? new Date()).getTime(), item) : null,
  ]);
}

export interface HistorySource {
  views: ViewLists;
  history: TaskHistory;
  /** The live inbox's tasks (open ones, and closed ones not yet in history). */
  live: ReadonlyMap<string, TaskDoc>;
}

/** A page of a person's history view, newest first, with how many match. */
export async function historyPage(
  src: HistorySource,
  view: HistoryView,
  user: string,
  filter: TaskFilter,
  skip: number,
  limit: number,
): Promise<{ items: TaskDoc[]; total: number }> {
  const byEntry = (e: ViewEntry) => (!filter.processId || e.processId === filter.processId) && (!filter.projectId || e.projectId === filter.projectId);
  const rest: TaskFilter = { ...filter, processId: undefined, projectId: undefined };
  const plain = Object.values(rest).every((v) => v === undefined);
  if (plain) {
    const { entries, total } = await src.views.page(view, user, skip, limit, filter.processId || filter.projectId ? byEntry : undefined);
    return { items: await listed(src, view, user, entries), total };
  }
  // Filters the entries cannot answer (priority, due date…): each task is read.
  const { entries } = await src.views.page(view, user, 0, Number.MAX_SAFE_INTEGER, byEntry);
  const docs = (await Promise.all(entries.map((e) => src.live.get(e.id) ?? src.history.getTask(e.id)))).filter((t): t is TaskDoc => !!t && matches(t, rest));
  return { items: limit ? docs.slice(skip, skip + limit) : docs.slice(skip), total: docs.length };
}

/** The tasks of entries: live ones from memory, closed ones from the kept items, any other from history. */
async function listed(src: HistorySource, view: HistoryView, user: string, entries: ViewEntry[]): Promise<TaskDoc[]> {
  const closed = entries.filter((e) => !src.live.has(e.id) && e.pos !== undefined).map((e) => e.pos!);
  const kept = view === 'cc' || !closed.length ? new Map<number, string>() : await src.views.items(view, user, closed);
  const docs = await Promise.all(
    entries.map((e) => {
      const item = e.pos === undefined ? undefined : kept.get(e.pos);
      return src.live.get(e.id) ?? (item ? fromListItem(item) : src.history.getTask(e.id));
    }),
  );
  return docs.filter((t): t is TaskDoc => !!t);
}
