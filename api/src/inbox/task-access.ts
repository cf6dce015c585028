/**
 * Who may see a task and which actions they may take on it. The same answer drives the buttons
 * the web app shows and the server's refusal (403) of anything else.
 */
import type { TaskAction, UserDto } from '@ggzy/shared';
import type { TaskDoc } from './task.model';

export type { TaskAction };

const CLASSIFIED = new Set(['secret', 'temp-secret']);

export function isClassified(t: { classification?: string | null }): boolean {
  return CLASSIFIED.has(t.classification ?? '');
}

export function isCandidate(t: TaskDoc, u: UserDto): boolean {
  return t.candidateUsers.includes(u.id) || t.candidateGroups.some((g) => u.groups.includes(g));
}

function isLeader(u: UserDto): boolean {
  return u.roles.includes('deputy') || u.roles.includes('principal');
}

/** Heads of a section named in the task's candidate groups may reassign its tasks. */
export function isHeadFor(t: TaskDoc, u: UserDto): boolean {
  if (!u.roles.includes('head')) return false;
  return t.candidateGroups.some((g) => u.sections.includes(g.replace(/\.head$/, '') as never));
}

/** Entitled to classified (保密) matters beyond the people on the task: leaders, heads of supervision and office. */
export function entitledToClassified(u: UserDto): boolean {
  return isLeader(u) || u.groups.includes('supervision.head') || u.groups.includes('office.head');
}

/** How a user reaches a task: on it, overseeing it (leaders, heads), read-only (admins), or not at all. */
export type Reach = 'direct' | 'oversight' | 'readonly' | null;

/** `ccd` / `participant`: whether the user was CC'd on this task or took part in its instance. */
export function reachOf(t: TaskDoc, u: UserDto, extra: { ccd: boolean; participant: boolean }): Reach {
  const acted = t.assignee === u.id || t.owner === u.id || t.completedBy === u.id || t.starter === u.id || t.pendingSigners.includes(u.id) || extra.ccd;
  if (acted) return 'direct';
  // Once a matter is classified (保密), being in a group a step was offered to is no longer enough.
  if (isClassified(t)) return entitledToClassified(u) ? 'oversight' : null;
  if (extra.participant || isCandidate(t, u)) return 'direct';
  if (u.roles.includes('external')) return null;
  if (isLeader(u) || isHeadFor(t, u)) return 'oversight';
  return u.roles.includes('admin') ? 'readonly' : null;
}

/** What the starter of a request may not do on a check or approval step of it (separation of duties). */
export const HOLDING_ACTIONS: readonly TaskAction[] = ['claim', 'unclaim', 'complete', 'return', 'transfer', 'delegate', 'add-signer'];

/** Someone this step must not be held by: the starter of the request, the writer of the draft it checks (separation of duties). */
export function ownRequest(t: Pick<TaskDoc, 'notForStarter' | 'starter' | 'notFor'>, u: { id: string }): boolean {
  return (!!t.notForStarter && !!t.starter && t.starter === u.id) || !!t.notFor?.includes(u.id);
}

export function allowedActions(t: TaskDoc, u: UserDto, reach: Reach): TaskAction[] {
  const all = actionsOf(t, u, reach);
  return ownRequest(t, u) ? all.filter((a) => !HOLDING_ACTIONS.includes(a)) : all;
}

function actionsOf(t: TaskDoc, u: UserDto, reach: Reach): TaskAction[] {
  // A step the diagram offers to nobody: the admins hand it to someone, and that is all they do.
  if (t.unrouted && !t.assignee && u.roles.includes('admin')) return t.status === 'open' ? ['comment', 'transfer'] : ['comment'];
  if (!reach || reach === 'readonly') return [];
  const out: TaskAction[] = ['comment'];
  const external = u.roles.includes('external');
  // Only those entitled to a classified matter may widen its circle.
  if (!external && (!isClassified(t) || entitledToClassified(u))) out.push('cc');
  if (t.status !== 'open') return out;
  const mine = t.assignee === u.id;
  const engineTask = t.kind === 'engine';
  if (!t.assignee && isCandidate(t, u)) out.push('claim');
  if (mine && !t.owner && engineTask && (t.candidateGroups.length > 0 || t.candidateUsers.length > 0)) out.push('unclaim');
  if (mine && t.pendingSigners.length === 0) out.push('complete');
  if (mine && t.pendingSigners.length === 0 && engineTask && t.delegationState !== 'pending' && t.returnable) out.push('return');
  if (engineTask && !external && ((mine && t.delegationState !== 'pending') || isHeadFor(t, u))) out.push('transfer');
  if (engineTask && mine && !t.owner && !external) out.push('delegate', 'add-signer');
  if (!mine && !external && (t.starter === u.id || isLeader(u) || u.groups.includes('supervision') || isHeadFor(t, u))) out.push('urge');
  if (external && t.starter === u.id && !mine) out.push('urge');
  if (engineTask && t.starter === u.id && !t.touched && !mine) out.push('withdraw');
  return out;
}
