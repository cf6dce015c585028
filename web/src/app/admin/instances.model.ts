/** What the instance monitor reads: a row of the list, one instance in full, and state names. */

export interface InstanceRow {
  id: string;
  title: string;
  processName: string;
  version: number;
  state: string;
  starterName: string;
  startedAt: string;
  currentSteps: string[];
}

export const STATE_NAMES: Record<string, { label: string; color: string }> = {
  active: { label: '进行中', color: 'processing' },
  incident: { label: '故障', color: 'error' },
  completed: { label: '已办结', color: 'success' },
  canceled: { label: '已终止', color: 'default' },
  withdrawn: { label: '已撤回', color: 'default' },
};

/** The label and tag colour of an instance state; an unknown state shows as it is. */
export function stateOf(s: string): { label: string; color: string } {
  return STATE_NAMES[s] ?? { label: s, color: 'default' };
}

export interface MonitoredInstance {
  instance: InstanceRow & { starter: string };
  engine: {
    status: string;
    activeElements: string[];
    incidents: { key: string; elementId: string; type: string; message: string; status: string }[];
  } | null;
  diagram: { xml: string } | null;
  completedElements: string[];
  tasks: { elementId: string; status: string; kind: string }[];
  timeline: {
    seq: number;
    at: string;
    actor: string;
    action: string;
    data: Record<string, unknown>;
  }[];
  variables: Record<string, unknown>;
}
