/** Who may see a flow instance: those on it, their sections' heads, leaders; classified ones only the entitled. */
import type { UserDto } from '@ggzy/shared';
import type { InstanceMetaDoc } from './instance.model';
import { entitledToClassified, isClassified } from '../inbox/task-access';

export function canSeeInstance(m: Pick<InstanceMetaDoc, 'starter' | 'participants' | 'groups' | 'classification'>, u: UserDto): boolean {
  if (m.starter === u.id || m.participants.includes(u.id)) return true;
  if (u.roles.includes('external')) return false;
  if (isClassified(m)) return entitledToClassified(u);
  if (u.roles.includes('deputy') || u.roles.includes('principal') || u.roles.includes('admin')) return true;
  return m.groups.some((g) => u.groups.includes(g));
}

/** Mongo filter for the instances a user may list (classification is rechecked per row). */
export function visibleInstancesFilter(u: UserDto): Record<string, unknown> {
  if (u.roles.includes('deputy') || u.roles.includes('principal') || u.roles.includes('admin')) return {};
  const or: Record<string, unknown>[] = [{ starter: u.id }, { participants: u.id }];
  if (!u.roles.includes('external')) or.push({ groups: { $in: u.groups } });
  return { $or: or };
}
