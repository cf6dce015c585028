/**
 * The filters the inbox needs, in their two forms side by side: `matches` answers them on a task
 * in memory, `toMongo` as a MongoDB query. The two must agree on every task and filter; a property
 * test (task-filter.spec.ts) holds them to it against the real database.
 */
import type { InboxTaskKind, InboxTaskStatus } from '@ggzy/shared';
import type { TaskDoc } from '../task.model';
import { ownRequest } from '../task-access';

export interface TaskFilter {
  ids?: string[];
  status?: InboxTaskStatus;
  kind?: InboxTaskKind;
  assignee?: string | null;
  /**
   * Unassigned tasks offered to one of these groups or to this user, and not steps this user may
   * not hold (their own request's check, their own draft's review); `unclassified`: not of a
   * classified (保密/暂保密) matter — being offered a step of one is not enough to see it (task-access.ts).
   */
  candidate?: { groups: string[]; user: string; unclassified?: boolean };
  completedBy?: string;
  starter?: string;
  instanceId?: string;
  processId?: string;
  projectId?: string;
  priorityMin?: number;
  dueBefore?: Date;
  /** Only tasks not yet marked by the SLA monitor. */
  notUrged?: boolean;
  notSupervised?: boolean;
  touched?: boolean;
}

const CLASSIFIED = ['secret', 'temp-secret'];

export function matches(t: TaskDoc, f: TaskFilter, idSet?: Set<string>): boolean {
  if (f.ids && !(idSet ?? new Set(f.ids)).has(t._id)) return false;
  if (f.status && t.status !== f.status) return false;
  if (f.kind && t.kind !== f.kind) return false;
  if (f.assignee !== undefined && (t.assignee ?? null) !== f.assignee) return false;
  if (f.candidate && (t.assignee || !(t.candidateUsers.includes(f.candidate.user) || t.candidateGroups.some((g) => f.candidate!.groups.includes(g)))))
    return false;
  if (f.candidate?.unclassified && CLASSIFIED.includes(t.classification ?? '')) return false;
  if (f.candidate && ownRequest(t, { id: f.candidate.user })) return false;
  if (f.completedBy && t.completedBy !== f.completedBy) return false;
  if (f.starter && t.starter !== f.starter) return false;
  if (f.instanceId && t.instanceId !== f.instanceId) return false;
  if (f.processId && t.processId !== f.processId) return false;
  if (f.projectId && t.projectId !== f.projectId) return false;
  if (f.priorityMin !== undefined && t.priority < f.priorityMin) return false;
  if (f.dueBefore && !(t.dueDate && t.dueDate.getTime() <= f.dueBefore.getTime())) return false;
  if (f.notUrged && t.urgedAt) return false;
  if (f.notSupervised && t.supervisedAt) return false;
  if (f.touched !== undefined && t.touched !== f.touched) return false;
  return true;
}

export function toMongo(f: TaskFilter): Record<string, unknown> {
  const q: Record<string, unknown> = {};
  if (f.ids) q._id = { $in: f.ids };
  if (f.status) q.status = f.status;
  if (f.kind) q.kind = f.kind;
  if (f.assignee !== undefined) q.assignee = f.assignee;
  if (f.candidate) {
    q.assignee = null;
    q.$or = [{ candidateGroups: { $in: f.candidate.groups } }, { candidateUsers: f.candidate.user }];
    if (f.candidate.unclassified) q.classification = { $nin: CLASSIFIED };
    q.notFor = { $ne: f.candidate.user };
    q.$nor = [{ notForStarter: true, starter: f.candidate.user }];
  }
  if (f.completedBy) q.completedBy = f.completedBy;
  if (f.starter) q.starter = f.starter;
  if (f.instanceId) q.instanceId = f.instanceId;
  if (f.processId) q.processId = f.processId;
  if (f.projectId) q.projectId = f.projectId;
  if (f.priorityMin !== undefined) q.priority = { $gte: f.priorityMin };
  if (f.dueBefore) q.dueDate = { $lte: f.dueBefore };
  if (f.notUrged) q.urgedAt = null;
  if (f.notSupervised) q.supervisedAt = null;
  if (f.touched !== undefined) q.touched = f.touched;
  return q;
}

/** A filter that asks for nothing beyond what the offered/assigned indexes of the memory layout answer. */
export function onlyIndexed(f: TaskFilter): boolean {
  const keys = Object.keys(f).filter((k) => f[k as keyof TaskFilter] !== undefined);
  if (f.candidate) return keys.every((k) => k === 'candidate' || k === 'status');
  if (typeof f.assignee === 'string') return keys.every((k) => k === 'assignee' || k === 'status');
  return false;
}
