/** The inbox's shapes, shared by the API and the web app. */
export const TASK_VIEWS = ['mine', 'unclaimed', 'done', 'started', 'cc'] as const;
export type TaskView = (typeof TASK_VIEWS)[number];

export type InboxTaskStatus = 'open' | 'completed' | 'canceled';

/** 'engine' tasks come from a BPMN user task; 'add-sign' ones are added signers (加签). */
export type InboxTaskKind = 'engine' | 'add-sign';

export interface TaskDto {
  id: string;
  kind: InboxTaskKind;
  instanceId: string;
  processId: string;
  processName: string;
  processVersion: number;
  elementId: string;
  name: string;
  formId?: string;
  status: InboxTaskStatus;
  assignee?: string | null;
  /** The one who delegated (委派) it and gets it back. */
  owner?: string | null;
  delegationState?: 'pending' | 'resolved' | null;
  candidateGroups: string[];
  candidateUsers: string[];
  priority: number;
  dueDate?: string | null;
  overdue: boolean;
  createdAt: string;
  claimedAt?: string | null;
  completedAt?: string | null;
  completedBy?: string | null;
  outcome?: string | null;
  opinion?: string | null;
  title: string;
  projectId?: string | null;
  projectName?: string | null;
  starter: string;
  starterName?: string;
  classification?: string | null;
  pendingSigners: string[];
  parentTaskId?: string | null;
  urgeCount: number;
  version: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface TimelineEntry {
  at: string;
  actor: string;
  actorName?: string;
  action: string;
  taskId?: string;
  taskName?: string;
  opinion?: string;
  details?: Record<string, unknown>;
}

/** A flow as the start page lists it: read from the deployed diagram, with whether this user may start it. */
export interface FlowEntry {
  processId: string;
  name: string;
  version: number;
  definitionKey: string;
  startFormId?: string;
  starterGroups: string[];
  category?: string;
  startable: boolean;
}
