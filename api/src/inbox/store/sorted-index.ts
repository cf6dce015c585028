/**
 * Ids grouped by a key (a candidate group, a user), each group kept in the inbox's default order:
 * priority high to low, due date early to late (none first), created early to late. A page of
 * a view is then a slice, not a sort, however many tasks a section has.
 */
export interface SortEntry {
  id: string;
  priority: number;
  due: number;
  created: number;
}

export function entryOf(t: { _id: string; priority: number; dueDate?: Date | null; createdAt: Date }): SortEntry {
  return { id: t._id, priority: t.priority, due: t.dueDate ? t.dueDate.getTime() : -Infinity, created: t.createdAt.getTime() };
}

export function compareEntries(a: SortEntry, b: SortEntry): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.due !== b.due) return a.due < b.due ? -1 : 1;
  if (a.created !== b.created) return a.created - b.created;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export class SortedIds {
  /**
   * Kept in reverse order, the first task last: people take work from the top of a list, and
   * taking an element out near the end of an array moves only the few after it.
   */
  private readonly reversed: SortEntry[] = [];
  readonly ids = new Set<string>();

  get size(): number {
    return this.reversed.length;
  }

  /** The i-th entry in list order. */
  at(i: number): SortEntry | undefined {
    return this.reversed[this.reversed.length - 1 - i];
  }

  /** The first `count` ids in list order. */
  head(count: number): string[] {
    const out: string[] = [];
    for (let i = this.reversed.length - 1; i >= 0 && out.length < count; i--) out.push(this.reversed[i]!.id);
    return out;
  }

  private position(e: SortEntry): number {
    let lo = 0;
    let hi = this.reversed.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareEntries(this.reversed[mid]!, e) > 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(e: SortEntry): void {
    if (this.ids.has(e.id)) return;
    this.reversed.splice(this.position(e), 0, e);
    this.ids.add(e.id);
  }

  delete(e: SortEntry): void {
    if (!this.ids.delete(e.id)) return;
    const i = this.position(e);
    if (this.reversed[i]?.id === e.id) this.reversed.splice(i, 1);
    else
      this.reversed.splice(
        this.reversed.findIndex((x) => x.id === e.id),
        1,
      );
  }
}

export class SortedIndex {
  private readonly byKey = new Map<string, SortedIds>();

  get(key: string): SortedIds | undefined {
    return this.byKey.get(key);
  }

  add(key: string, e: SortEntry): void {
    let s = this.byKey.get(key);
    if (!s) this.byKey.set(key, (s = new SortedIds()));
    s.add(e);
  }

  delete(key: string, e: SortEntry): void {
    const s = this.byKey.get(key);
    if (!s) return;
    s.delete(e);
    if (!s.size) this.byKey.delete(key);
  }

  clear(): void {
    this.byKey.clear();
  }
}

/** How many distinct ids the lists hold together. */
export function unionSize(lists: SortedIds[]): number {
  const sorted = [...lists].sort((a, b) => b.size - a.size);
  let n = 0;
  sorted.forEach((l, i) => {
    if (i === 0) n += l.size;
    else for (const id of l.ids) if (!sorted.slice(0, i).some((p) => p.ids.has(id))) n++;
  });
  return n;
}

/** The first `count` distinct ids of the lists merged in order. */
export function mergedPage(lists: SortedIds[], count: number): string[] {
  if (lists.length === 1) return lists[0]!.head(count);
  const pos = lists.map(() => 0);
  const out: string[] = [];
  const seen = new Set<string>();
  while (out.length < count) {
    let best = -1;
    for (let i = 0; i < lists.length; i++) {
      const e = lists[i]!.at(pos[i]!);
      if (e && (best < 0 || compareEntries(e, lists[best]!.at(pos[best]!)!) < 0)) best = i;
    }
    if (best < 0) break;
    const e = lists[best]!.at(pos[best]!++)!;
    if (!seen.has(e.id)) {
      seen.add(e.id);
      out.push(e.id);
    }
  }
  return out;
}
