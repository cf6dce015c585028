import type { TaskDto } from '../core/api.types';
import { groupName } from '../core/labels';

/** How the inbox names a task's state (Chinese; the `t` pipe translates). */
export function statusName(
  t: Pick<TaskDto, 'status' | 'outcome' | 'delegationState' | 'assignee'>,
): string {
  if (t.status === 'completed') return t.outcome === 'return' ? '已退回' : '已办结';
  if (t.status === 'canceled') return '已取消';
  if (t.delegationState === 'pending') return '委派中';
  return t.assignee ? '办理中' : '待认领';
}

/** Open and due within four hours, not yet overdue. */
export function dueSoon(
  t: Pick<TaskDto, 'dueDate' | 'overdue' | 'status'>,
  now = Date.now(),
): boolean {
  if (t.status !== 'open' || t.overdue || !t.dueDate) return false;
  return new Date(t.dueDate).getTime() - now < 4 * 3600_000;
}

export function candidates(t: Pick<TaskDto, 'candidateGroups' | 'candidateUsers'>): string {
  return [...t.candidateGroups.map(groupName), ...t.candidateUsers].join('、') || '—';
}
