/** Flows (process definitions and their versions), forms, and process instances. */
import { z } from 'zod';
import { anyId, isoDateTime, itemsOf, jsonObject, pageOf, processId } from './common';
import { commentDto, formSchema, taskDto } from './inbox';

/** A flow as the start page lists it: read from the deployed diagram, with whether this user may start it. */
export const flowEntry = z
  .strictObject({
    processId: z.string(),
    name: z.string(),
    version: z.number().int(),
    definitionKey: z.string(),
    startFormId: z.string().optional(),
    starterGroups: z.array(z.string()),
    category: z.string().optional(),
    startable: z.boolean(),
  })
  .meta({ id: 'Flow' });

export const definitionSummary = z
  .strictObject({
    key: z.string(),
    processId: z.string(),
    name: z.string().optional(),
    version: z.number().int(),
    resourceName: z.string(),
    deployedAt: isoDateTime,
    origin: z
      .strictObject({
        source: z.enum(['file', 'admin']),
        file: z.string().optional(),
        by: z.string().optional(),
        byName: z.string().optional(),
      })
      .optional(),
  })
  .meta({ id: 'ProcessDefinition' });

export const flowsReply = z.strictObject({ items: z.array(flowEntry), versions: z.array(definitionSummary).optional() });
export const deployJsonBody = z.strictObject({
  name: z
    .string()
    .regex(/^[\w.-]{1,100}\.bpmn$/)
    .optional(),
  xml: z.string().min(20).max(2_000_000),
});
export const lintBody = deployJsonBody.pick({ xml: true });
export const lintProblem = z
  .strictObject({ rule: z.string(), elementId: z.string().optional(), message: z.string(), severity: z.enum(['error', 'warning']) })
  .meta({ id: 'LintProblem' });
export const deployReply = z.strictObject({ processes: z.array(definitionSummary), warnings: z.array(lintProblem) });
export const lintReply = z.strictObject({ problems: z.array(lintProblem) });

export const formListReply = itemsOf(
  z.strictObject({ id: z.string(), name: z.string().optional(), version: z.number().int(), updatedAt: isoDateTime, updatedBy: z.string() }),
);
export const formReply = z.strictObject({
  form: formSchema,
  version: z.number().int(),
  /** Choices the start forms offer (valuesKey): projects and archives. */
  options: z.record(z.string(), z.array(z.strictObject({ label: z.string(), value: z.string() }))),
});
export const formSaveReply = z.strictObject({ id: z.string(), version: z.number().int(), changed: z.boolean() });

export const startBody = z.strictObject({
  processId,
  variables: jsonObject.default({}),
  attachmentIds: z.array(z.uuid()).max(50).default([]),
});
export const startReply = z.strictObject({ id: z.string(), processId: z.string(), version: z.number().int(), title: z.string() });

export const INSTANCE_STATES = ['active', 'completed', 'canceled', 'withdrawn', 'incident', 'failed'] as const;
export const instanceListQuery = z.strictObject({
  processId: z.string().max(100).optional(),
  state: z.enum(INSTANCE_STATES).optional(),
  mine: z.enum(['true', 'false']).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

const instanceFields = {
  id: z.string(),
  processId: z.string(),
  processName: z.string(),
  version: z.number().int(),
  definitionKey: z.string(),
  title: z.string(),
  projectId: z.string().nullable().optional(),
  projectName: z.string().nullable().optional(),
  starter: z.string(),
  starterName: z.string(),
  startedAt: isoDateTime,
  state: z.enum(INSTANCE_STATES),
  endedAt: isoDateTime.nullable().optional(),
  classification: z.string().nullable().optional(),
  currentSteps: z.array(z.string()),
};
export const instanceSummary = z.strictObject(instanceFields).meta({ id: 'InstanceSummary' });
export const instancePage = pageOf(instanceSummary);

export const incidentDto = z
  .strictObject({
    key: z.string(),
    instanceKey: z.string(),
    elementId: z.string(),
    type: z.enum(['JOB_NO_RETRIES', 'UNHANDLED_ERROR_EVENT', 'CONDITION_ERROR', 'EXTRACT_VALUE_ERROR', 'IO_MAPPING_ERROR', 'CALLED_ELEMENT_ERROR']),
    message: z.string(),
    jobKey: z.string().optional(),
    status: z.enum(['open', 'resolved']),
    createdAt: isoDateTime,
  })
  .meta({ id: 'Incident' });

export const timelineEvent = z
  .strictObject({ seq: z.number().int(), at: isoDateTime, actor: z.string(), action: z.string(), taskId: z.string().optional(), data: jsonObject })
  .meta({ id: 'TimelineEvent' });

export const attachmentDto = z
  .strictObject({
    id: z.string(),
    filename: z.string(),
    size: z.number().int(),
    contentType: z.string(),
    category: z.string().optional(),
    uploadedBy: z.string(),
    uploadedAt: isoDateTime,
    sha256: z.string(),
  })
  .meta({ id: 'Attachment' });

export const instanceDetail = z
  .strictObject({
    instance: z.strictObject({ ...instanceFields, participants: z.array(z.string()) }),
    engine: z
      .strictObject({ status: z.enum(['active', 'completed', 'canceled', 'failed']), activeElements: z.array(z.string()), incidents: z.array(incidentDto) })
      .nullable(),
    diagram: z.strictObject({ definitionKey: z.string(), version: z.number().int(), xml: z.string() }).nullable(),
    completedElements: z.array(z.string()),
    tasks: z.array(taskDto),
    timeline: z.array(timelineEvent),
    comments: z.array(commentDto),
    attachments: z.array(attachmentDto),
    variables: jsonObject,
  })
  .meta({ id: 'InstanceDetail' });

export const cancelBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });
export const resolveIncidentBody = z.strictObject({ retries: z.number().int().min(1).max(10).default(1) });
export const incidentParams = z.object({ id: anyId, incidentKey: anyId });

export type FlowEntry = z.infer<typeof flowEntry>;
export type ProcessDefinitionDto = z.infer<typeof definitionSummary>;
export type InstanceSummary = z.infer<typeof instanceSummary>;
export type InstanceDetail = z.infer<typeof instanceDetail>;
export type TimelineEvent = z.infer<typeof timelineEvent>;
export type AttachmentDto = z.infer<typeof attachmentDto>;
