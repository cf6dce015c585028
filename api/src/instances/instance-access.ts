/** Who may see a flow instance: those on it, members of the sections it passed, leaders; classified ones only the entitled. */
import type { UserDto } from '@ggzy/shared';
import type { InstanceMetaDoc } from './instance.model';
import type { InstanceFacts } from '../inbox/inbox.service';
import { entitledToClassified, isClassified } from '../inbox/task-access';

export function canSeeInstance(
  m: Pick<InstanceMetaDoc, 'starter' | 'classification'>,
  facts: Pick<InstanceFacts, 'participants' | 'groups'>,
  u: UserDto,
): boolean {
  if (seenWhoeverTookPart(m, u) || facts.participants.has(u.id)) return true;
  return !u.roles.includes('external') && !isClassified(m) && [...facts.groups].some((g) => u.groups.includes(g));
}

/** Whether `u` sees the instance whoever took part in it: its starter, leaders, the entitled (classified); if not, `canSeeInstance` decides. */
export function seenWhoeverTookPart(m: Pick<InstanceMetaDoc, 'starter' | 'classification'>, u: UserDto): boolean {
  if (m.starter === u.id) return true;
  if (u.roles.includes('external')) return false;
  if (isClassified(m)) return entitledToClassified(u);
  return u.roles.includes('deputy') || u.roles.includes('principal') || u.roles.includes('admin');
}
