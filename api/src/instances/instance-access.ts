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
  if (m.starter === u.id || facts.participants.has(u.id)) return true;
  if (u.roles.includes('external')) return false;
  if (isClassified(m)) return entitledToClassified(u);
  if (u.roles.includes('deputy') || u.roles.includes('principal') || u.roles.includes('admin')) return true;
  return [...facts.groups].some((g) => u.groups.includes(g));
}
