/**
 * The live inbox in memory: open tasks (and closed ones until their history is written), the
 * indexes the busy views are read from (offered to a group or a person, assigned to a person, by
 * instance), and who takes part in each running instance. Nothing here touches the database.
 */
import type { TaskDoc } from '../task.model';
import type { LiveInstance } from './snapshots';
import { SortedIds, SortedIndex, entryOf, mergedPage, unionSize, type SortEntry } from './sorted-index';
import { matches, onlyIndexed, type TaskFilter } from './task-filter';
import { DueIndex } from './due-index';
import { isDefaultSort, sortedPage, type TaskSort } from './task-sort';

const SECRET = 'classified:';
const offerKey = (t: TaskDoc) => (t.classification === 'secret' || t.classification === 'temp-secret' ? (k: string) => SECRET + k : (k: string) => k);

const excludedOf = (t: TaskDoc): string[] => [...(t.notFor ?? []), ...(t.notForStarter && t.starter ? [t.starter] : [])];

export class LiveInbox {
  readonly tasks = new Map<string, TaskDoc>();
  readonly instances = new Map<string, LiveInstance>();
  private readonly byInstance = new Map<string, Set<string>>();
  /** Open, unassigned tasks by candidate group and by candidate user; open tasks by assignee. */
  private readonly offeredToGroup = new SortedIndex();
  private readonly offeredToUser = new SortedIndex();
  private readonly assignedTo = new SortedIndex();
  /** Per user, the open unassigned steps offered to them that they may not hold (their own request's check…). */
  private readonly excluded = new Map<string, Set<string>>();
  /** The sort entry each indexed task was filed under, to take it out again. */
  private readonly entries = new Map<string, SortEntry>();
  /** Open tasks a time-limit round may still urge or report, by when they fall due. */
  private readonly due = new DueIndex();

  clear(): void {
    for (const m of [this.tasks, this.instances, this.byInstance, this.offeredToGroup, this.offeredToUser, this.assignedTo, this.entries, this.due]) m.clear();
  }

  /**
   * Hold a task (without its variables); its people count for its instance. From a snapshot, the
   * task has no variables and its instance's people come with the snapshot.
   */
  remember(t: TaskDoc, fromSnapshot = false): TaskDoc {
    let doc = t;
    if (!fromSnapshot) {
      const { variables: _v, ...rest } = t;
      doc = { ...rest, variables: '' } as TaskDoc;
    }
    this.tasks.set(doc._id, doc);
    let set = this.byInstance.get(doc.instanceId);
    if (!set) this.byInstance.set(doc.instanceId, (set = new Set()));
    set.add(doc._id);
    this.index(doc, true);
    if (!fromSnapshot) this.takePart(doc, true);
    return doc;
  }

  replace(before: TaskDoc, after: TaskDoc): void {
    this.index(before, false);
    this.tasks.set(after._id, after);
    this.index(after, true);
    this.takePart(after, false);
  }

  /** Let go of a closed task whose history is written. */
  drop(id: string): void {
    const t = this.tasks.get(id);
    if (!t) return;
    this.index(t, false);
    this.tasks.delete(id);
    const set = this.byInstance.get(t.instanceId);
    set?.delete(id);
    if (set && !set.size) this.byInstance.delete(t.instanceId);
  }

  /** How many of an instance's tasks are still held. */
  heldOf(instanceId: string): number {
    return this.byInstance.get(instanceId)?.size ?? 0;
  }

  instance(instanceId: string): LiveInstance {
    let i = this.instances.get(instanceId);
    if (!i) this.instances.set(instanceId, (i = { participants: [], groups: [], taskIds: [], ending: false }));
    return i;
  }

  /** The people on a task take part in its instance (a new task also counts as one of its tasks). */
  private takePart(t: TaskDoc, isNew: boolean): void {
    const inst = this.instance(t.instanceId);
    if (isNew && !inst.taskIds.includes(t._id)) inst.taskIds.push(t._id);
    for (const u of [t.starter, t.assignee, t.owner, t.completedBy, ...t.candidateUsers, ...t.pendingSigners]) {
      if (u && !inst.participants.includes(u)) inst.participants.push(u);
    }
    for (const g of t.candidateGroups) if (!inst.groups.includes(g)) inst.groups.push(g);
  }

  private index(t: TaskDoc, adding: boolean): void {
    if (t.status !== 'open') return;
    if (DueIndex.holds(t)) {
      if (adding) this.due.add(t._id, t.dueDate);
      else this.due.delete(t._id, t.dueDate);
    }
    let e = this.entries.get(t._id);
    if (adding) this.entries.set(t._id, (e = entryOf(t)));
    else this.entries.delete(t._id);
    if (!e) return;
    const op = (idx: SortedIndex, key: string) => (adding ? idx.add(key, e) : idx.delete(key, e));
    if (t.assignee) return op(this.assignedTo, t.assignee);
    // Who may not hold it finds the lists they read through a scan instead (task-filter.ts).
    for (const u of excludedOf(t)) {
      const set = this.excluded.get(u) ?? new Set<string>();
      if (adding) set.add(t._id);
      else set.delete(t._id);
      if (set.size) this.excluded.set(u, set);
      else this.excluded.delete(u);
    }
    // Steps of classified matters are filed apart: only those entitled find them (task-filter.ts).
    const key = offerKey(t);
    for (const g of t.candidateGroups) op(this.offeredToGroup, key(g));
    for (const u of t.candidateUsers) op(this.offeredToUser, key(u));
  }

  /** The offer lists a candidate filter reads: the unclassified ones, and the classified ones unless it asks for `unclassified` only. */
  private offers(c: NonNullable<TaskFilter['candidate']>): (SortedIds | undefined)[] {
    const keys = (k: string) => (c.unclassified ? [k] : [k, SECRET + k]);
    return [...c.groups.flatMap((g) => keys(g).map((k) => this.offeredToGroup.get(k))), ...keys(c.user).map((k) => this.offeredToUser.get(k))];
  }

  page(filter: TaskFilter, sort: TaskSort, skip: number, limit: number): { items: TaskDoc[]; total: number } {
    const lists = this.indexed(filter);
    if (lists) {
      // The common views: a page is a slice of lists already in the default order.
      const total = lists.length === 1 ? lists[0]!.size : unionSize(lists);
      if (isDefaultSort(sort) && limit) {
        const ids = mergedPage(lists, skip + limit).slice(skip);
        return { items: ids.map((id) => this.tasks.get(id)!), total };
      }
      const all = [...new Set(lists.flatMap((l) => [...l.ids]))].map((id) => this.tasks.get(id)!);
      return { items: sortedPage(all, sort, skip, limit), total };
    }
    const all = this.scan(filter);
    return { items: sortedPage(all, sort, skip, limit), total: all.length };
  }

  count(filter: TaskFilter): number {
    const lists = this.indexed(filter);
    return lists ? unionSize(lists) : this.scan(filter).length;
  }

  /** The index lists that answer a filter alone (offered to the user's groups or to them, or assigned to them), or null. */
  private indexed(filter: TaskFilter): SortedIds[] | null {
    if (!onlyIndexed(filter) || filter.status !== 'open') return null;
    if (typeof filter.assignee === 'string' && !filter.candidate) return [this.assignedTo.get(filter.assignee) ?? new SortedIds()];
    if (!filter.candidate) return null;
    // A step offered to this user's groups that they may not hold: the lists alone would show it.
    if (this.excluded.has(filter.candidate.user)) return null;
    const lists = this.offers(filter.candidate).filter((x): x is SortedIds => !!x && x.size > 0);
    return lists.length ? lists : [new SortedIds()];
  }

  /** The smallest set of candidates an index gives for a filter, then the filter itself. */
  scan(filter: TaskFilter, max = Infinity): TaskDoc[] {
    const ids = filter.ids ? new Set(filter.ids) : undefined;
    let source: Iterable<string> | null = null;
    if (filter.instanceId) source = this.byInstance.get(filter.instanceId) ?? [];
    else if (ids) source = ids;
    else if (filter.candidate && filter.status === 'open') {
      const union = new Set<string>();
      for (const list of this.offers(filter.candidate)) for (const id of list?.ids ?? []) union.add(id);
      source = union;
    } else if (filter.status === 'open' && typeof filter.assignee === 'string') source = this.assignedTo.get(filter.assignee)?.ids ?? [];
    // (a time-limit round: the steps due by then that are not yet urged or not yet reported)
    else if (filter.status === 'open' && filter.dueBefore && (filter.notUrged || filter.notSupervised)) source = this.due.dueBy(filter.dueBefore);
    const out: TaskDoc[] = [];
    const docs: Iterable<TaskDoc> = source ? [...source].map((id) => this.tasks.get(id)).filter((t): t is TaskDoc => !!t) : this.tasks.values();
    const exact = !!source && onlyIndexed(filter) && !(filter.candidate && this.excluded.has(filter.candidate.user));
    for (const t of docs) {
      // The index already holds exactly these (open; offered to the user, or assigned to them).
      if (!exact && !matches(t, filter, ids)) continue;
      out.push(t);
      if (out.length >= max) break;
    }
    return out;
  }
}
