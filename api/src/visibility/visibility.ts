/**
 * What a person may see of a flow instance: one policy, applied by every read path (task detail and
 * lists, instance detail, the audit trail, projects, notifications, live events, attachments).
 *
 * - `staff`: everything but the system's plumbing — those on the instance, its sections' staff,
 *   leaders, admins; for a classified (保密/暂保密) instance only those on it and those entitled.
 * - `applicant`: the external starter — the values they gave, the answers the diagram addresses to
 *   them (`applicantSees`), the steps and their outcomes; no internal opinions, no staff names.
 * - `none`: nothing; paths that list events of many instances (the whole audit trail) show that an
 *   event happened and when, not who did it nor what it said.
 */
import type { TaskDto, UserDto } from '@ggzy/shared';
import { canSeeInstance } from '../instances/instance-access';
import type { InstanceFacts } from '../inbox/inbox.service';

export type Sight = 'staff' | 'applicant' | 'none';

/** Variables of the system, never shown as form data. */
const PLUMBING = new Set(['limits', 'attachmentIds', 'approverGroup', 'projectOptions', 'archiveOptions']);

export function sightOf(u: UserDto, m: { starter: string; classification?: string | null }, facts: Pick<InstanceFacts, 'participants' | 'groups'>): Sight {
  if (!canSeeInstance(m, facts, u)) return 'none';
  return u.roles.includes('external') ? 'applicant' : 'staff';
}

/** An external user sees every instance they may see as its applicant. */
export function sightOfReachable(u: UserDto): Exclude<Sight, 'none'> {
  return u.roles.includes('external') ? 'applicant' : 'staff';
}

/** `applicantKeys`: the variables an applicant may read (see ApplicantFields). */
export function visibleVariables(sight: Sight, vars: Record<string, unknown>, applicantKeys?: ReadonlySet<string>): Record<string, unknown> {
  if (sight === 'none') return {};
  return Object.fromEntries(Object.entries(vars).filter(([k]) => !PLUMBING.has(k) && (sight === 'staff' || !!applicantKeys?.has(k))));
}

/** A task as the applicant sees it: the step, its state and outcome; not who holds it nor what they wrote. */
export function visibleTask(sight: Sight, t: TaskDto, u: UserDto): TaskDto {
  if (sight === 'staff') return t;
  const own = (id: string | null | undefined) => (id === u.id ? id : null);
  return {
    ...t,
    assignee: own(t.assignee),
    owner: own(t.owner),
    completedBy: own(t.completedBy),
    opinion: t.assignee === u.id || t.completedBy === u.id ? t.opinion : null,
    candidateUsers: t.candidateUsers.filter((x) => x === u.id),
    pendingSigners: [],
  };
}

export interface TrailEvent {
  seq: number;
  at: string | Date;
  actor: string;
  action: string;
  instanceId?: string;
  taskId?: string;
  data: Record<string, unknown>;
}

/** Who did it and what it said, as far as the sight goes; staff are named to the applicant by role only (''). */
export function visibleEvent<E extends TrailEvent>(sight: Sight, e: E, u: UserDto): E {
  if (sight === 'staff') return e;
  const actor = e.actor === u.id || e.actor === 'system' ? e.actor : '';
  if (sight === 'applicant') return { ...e, actor, data: pick(e.data, ['taskName', 'outcome']) };
  return { ...e, actor: '', taskId: undefined, data: { redacted: true } };
}

export interface CommentView {
  taskId?: string;
  author: string;
  authorName: string;
}

/** The applicant reads their own comments and those on the steps they held; staff by role only. */
export function visibleComments<C extends CommentView>(sight: Sight, comments: C[], u: UserDto, heldTaskIds: ReadonlySet<string>): C[] {
  if (sight === 'staff') return comments;
  if (sight === 'none') return [];
  return comments
    .filter((c) => c.author === u.id || (!!c.taskId && heldTaskIds.has(c.taskId)))
    .map((c) => (c.author === u.id ? c : { ...c, author: '', authorName: '工作人员' }));
}

/** The applicant sees the files they gave and those put on the steps they held. */
export function mayReadFile(sight: Sight, f: { uploadedBy: string; taskId?: string | null }, u: UserDto, heldTaskIds: ReadonlySet<string>): boolean {
  if (sight === 'staff') return true;
  if (sight === 'none') return false;
  return f.uploadedBy === u.id || (!!f.taskId && heldTaskIds.has(f.taskId));
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}
