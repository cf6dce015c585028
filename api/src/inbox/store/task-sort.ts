/** Orders of the inbox's lists, the same in memory as MongoDB sorts them. */
import type { TaskDoc } from '../task.model';

export type TaskSort = Partial<Record<'priority' | 'dueDate' | 'createdAt' | 'completedAt', 1 | -1>>;

const SORT_VALUE: Record<keyof TaskSort, (t: TaskDoc) => number | null> = {
  priority: (t) => t.priority,
  dueDate: (t) => (t.dueDate ? t.dueDate.getTime() : null),
  createdAt: (t) => t.createdAt.getTime(),
  completedAt: (t) => (t.completedAt ? t.completedAt.getTime() : null),
};

export function compare(sort: TaskSort): (a: TaskDoc, b: TaskDoc) => number {
  const keys = (Object.entries(sort) as [keyof TaskSort, 1 | -1][]).map(([k, dir]) => [SORT_VALUE[k], dir] as const);
  return (a, b) => {
    for (const [value, dir] of keys) {
      const av = value(a);
      const bv = value(b);
      if (av === bv) continue;
      // Missing values sort first ascending, as MongoDB does.
      if (av === null) return -dir;
      if (bv === null) return dir;
      return av < bv ? -dir : dir;
    }
    return a._id < b._id ? -1 : a._id > b._id ? 1 : 0;
  };
}

/** The inbox's default order (priority high to low, due early to late, created early to late). */
export function isDefaultSort(sort: TaskSort): boolean {
  const k = Object.entries(sort);
  return k.length === 3 && sort.priority === -1 && sort.dueDate === 1 && sort.createdAt === 1 && k[0]![0] === 'priority' && k[1]![0] === 'dueDate';
}

/** The first k of `xs` in order, without sorting all of them. */
export function topK<T>(xs: Iterable<T>, k: number, cmp: (a: T, b: T) => number): T[] {
  const best: T[] = [];
  for (const x of xs) {
    if (best.length === k && cmp(x, best[k - 1]!) >= 0) continue;
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(best[mid]!, x) <= 0) lo = mid + 1;
      else hi = mid;
    }
    best.splice(lo, 0, x);
    if (best.length > k) best.pop();
  }
  return best;
}

/** Sort and cut a page, taking only the top of a long list. */
export function sortedPage(all: TaskDoc[], sort: TaskSort, skip: number, limit: number): TaskDoc[] {
  const cmp = compare(sort);
  if (!limit) return all.sort(cmp).slice(skip);
  const items = skip + limit < all.length / 4 ? topK(all, skip + limit, cmp) : all.sort(cmp);
  return items.slice(skip, skip + limit);
}
