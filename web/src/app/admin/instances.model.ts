/** What the instance monitor reads: a row of the list, one instance in full, and state names. */
import type { InstanceDetail, InstanceSummary } from '../core/api.types';

/** A row of the monitor's list, and one instance in full: the contract's shapes. */
export type InstanceRow = InstanceSummary;
export type MonitoredInstance = InstanceDetail;

export const STATE_NAMES: Record<string, { label: string; color: string }> = {
  active: { label: '进行中', color: 'processing' },
  incident: { label: '故障', color: 'error' },
  completed: { label: '已办结', color: 'success' },
  canceled: { label: '已终止', color: 'default' },
  withdrawn: { label: '已撤回', color: 'default' },
  failed: { label: '异常终止', color: 'error' },
};

/** The label and tag colour of an instance state; an unknown state shows as it is. */
export function stateOf(s: string): { label: string; color: string } {
  return STATE_NAMES[s] ?? { label: s, color: 'default' };
}
