/** Shapes the API returns, as the web app reads them (see /api/openapi.json). */
export type { TaskDto, UserDto, Page, TaskView, FlowEntry } from '@ggzy/shared';

export interface ApiError {
  code: string;
  message: string;
  messageEn: string;
  hint?: string;
  details?: { field?: string; path?: string; code: string; message: string; messageEn?: string }[];
}

export type TaskAction =
  | 'claim'
  | 'unclaim'
  | 'complete'
  | 'return'
  | 'transfer'
  | 'delegate'
  | 'add-signer'
  | 'cc'
  | 'urge'
  | 'withdraw'
  | 'comment';

export interface FormSchema {
  id: string;
  name?: string;
  components: unknown[];
}

export interface TaskDetail {
  task: import('@ggzy/shared').TaskDto;
  actions: TaskAction[];
  variables: Record<string, unknown>;
  form?: FormSchema;
  draft?: Record<string, unknown>;
}

export interface TimelineEvent {
  seq: number;
  at: string;
  actor: string;
  action: string;
  taskId?: string;
  data: Record<string, unknown>;
}

export interface InstanceDetail {
  instance: {
    id: string;
    title: string;
    processName: string;
    state: string;
    starter: string;
    starterName: string;
    startedAt: string;
    currentSteps: string[];
  };
  diagram: { xml: string; version: number } | null;
  completedElements: string[];
  engine: { activeElements: string[] } | null;
  tasks: import('@ggzy/shared').TaskDto[];
  timeline: TimelineEvent[];
  comments: { id: string; author: string; authorName: string; text: string; at: string }[];
  attachments: {
    id: string;
    filename: string;
    size: number;
    category?: string;
    uploadedBy: string;
  }[];
  variables: Record<string, unknown>;
}
