/** The inbox's names, shared by the API and the web app (shapes: `@ggzy/shared/api`). */
export const TASK_VIEWS = ['mine', 'unclaimed', 'done', 'started', 'cc'] as const;
export type TaskView = (typeof TASK_VIEWS)[number];

export const TASK_ACTIONS = ['claim', 'unclaim', 'complete', 'return', 'transfer', 'delegate', 'add-signer', 'cc', 'urge', 'withdraw', 'comment'] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];

export type { TaskDto, TaskDetail, InboxTaskStatus, InboxTaskKind, Page, FormSchema } from '../api/inbox';
export type { FlowEntry, InstanceSummary, InstanceDetail, TimelineEvent, AttachmentDto, ProcessDefinitionDto } from '../api/instances';
