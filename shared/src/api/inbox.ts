/** The task inbox: views, a task's detail, and the acts on a task. */
import { z } from 'zod';
import { TASK_ACTIONS, TASK_VIEWS } from '../inbox/inbox-types';
import { anyId, isoDateTime, jsonObject, pageOf, username } from './common';

export const taskDto = z
  .strictObject({
    id: z.string(),
    /** 'engine' tasks come from a BPMN user task; 'add-sign' ones are added signers (加签). */
    kind: z.enum(['engine', 'add-sign']),
    instanceId: z.string(),
    processId: z.string(),
    processName: z.string(),
    processVersion: z.number().int(),
    elementId: z.string(),
    name: z.string(),
    formId: z.string().optional(),
    status: z.enum(['open', 'completed', 'canceled']),
    assignee: z.string().nullable().optional(),
    /** The one who delegated (委派) it and gets it back. */
    owner: z.string().nullable().optional(),
    delegationState: z.enum(['pending', 'resolved']).nullable().optional(),
    candidateGroups: z.array(z.string()),
    candidateUsers: z.array(z.string()),
    priority: z.number(),
    dueDate: isoDateTime.nullable().optional(),
    overdue: z.boolean(),
    createdAt: isoDateTime,
    claimedAt: isoDateTime.nullable().optional(),
    completedAt: isoDateTime.nullable().optional(),
    completedBy: z.string().nullable().optional(),
    outcome: z.string().nullable().optional(),
    opinion: z.string().nullable().optional(),
    title: z.string(),
    projectId: z.string().nullable().optional(),
    projectName: z.string().nullable().optional(),
    starter: z.string(),
    starterName: z.string().optional(),
    classification: z.string().nullable().optional(),
    pendingSigners: z.array(z.string()),
    parentTaskId: z.string().nullable().optional(),
    urgeCount: z.number().int(),
    version: z.number().int(),
  })
  .meta({ id: 'Task' });

export const taskListQuery = z.strictObject({
  view: z.enum(TASK_VIEWS).default('mine'),
  processId: z.string().max(100).optional(),
  projectId: z.string().max(100).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  priorityMin: z.coerce.number().int().min(0).max(100).optional(),
  dueBefore: z.iso.datetime({ offset: true }).optional(),
  sort: z.enum(['priority', 'due', 'created', '-created']).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export const taskPage = pageOf(taskDto).meta({ id: 'TaskPage' });
export const taskCounts = z.strictObject(Object.fromEntries(TASK_VIEWS.map((v) => [v, z.number().int()])) as Record<(typeof TASK_VIEWS)[number], z.ZodNumber>);

export const formSchema = z.looseObject({ id: z.string(), name: z.string().optional(), components: z.array(z.unknown()) }).meta({ id: 'FormSchema' });

export const taskDetail = z
  .strictObject({
    task: taskDto,
    actions: z.array(z.enum(TASK_ACTIONS)),
    variables: jsonObject,
    form: formSchema.optional(),
    draft: jsonObject.optional(),
    /** Choices the form's fields offer by `valuesKey` (rooms, the section's witnesses…), for this reader. */
    options: z.record(z.string(), z.array(z.strictObject({ label: z.string(), value: z.string() }))).optional(),
  })
  .meta({ id: 'TaskDetail' });

export const completeBody = z.strictObject({ variables: jsonObject.default({}) });
export const returnBody = z.strictObject({ opinion: z.string().trim().min(1).max(2000), variables: jsonObject.optional() });
export const toUserBody = z.strictObject({ userId: username, comment: z.string().max(500).optional() });
export const ccBody = z.strictObject({ userIds: z.array(username).min(1).max(50), note: z.string().max(500).optional() });
export const noteBody = z.strictObject({ note: z.string().max(500).optional() });
export const reasonBody = z.strictObject({ reason: z.string().max(500).optional() });
export const commentBody = z.strictObject({ text: z.string().trim().min(1).max(2000) });
export const ccReply = z.strictObject({ added: z.array(z.string()) });
export const commentDto = z
  .strictObject({ id: z.string(), taskId: z.string().optional(), author: z.string(), authorName: z.string(), text: z.string(), at: isoDateTime })
  .meta({ id: 'Comment' });
export const taskIdParams = z.object({ id: anyId });

export type TaskDto = z.infer<typeof taskDto>;
export type TaskDetail = z.infer<typeof taskDetail>;
export type InboxTaskStatus = TaskDto['status'];
export type InboxTaskKind = TaskDto['kind'];
export type FormSchema = z.infer<typeof formSchema>;
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}
