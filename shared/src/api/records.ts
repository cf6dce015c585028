/** Projects, archives and their grants, attachments, the audit trail, the calendar, health. */
import { z } from 'zod';
import { ATTACHMENT_CATEGORY_CODES } from '../attachments/categories';
import { isoDateTime, itemsOf, jsonObject } from './common';

/** What the complainant reads by their query code: no names, no staff. */
export const complaintParams = z.object({ code: z.string().regex(/^[A-Za-z0-9]{10}$/, 'not a query code') });
export const complaintStatusReply = z.strictObject({
  code: z.string(),
  kind: z.enum(['complaint', 'suggestion', 'report']),
  title: z.string(),
  content: z.string(),
  status: z.enum(['registered', 'replied']),
  submittedAt: isoDateTime,
  reply: z.string().nullable(),
  repliedAt: isoDateTime.nullable(),
});

export const archiveDto = z
  .strictObject({ id: z.string(), projectId: z.string().optional(), title: z.string(), sha256: z.string(), archivedAt: isoDateTime.optional() })
  .meta({ id: 'Archive' });
export const archivesReply = itemsOf(archiveDto);
export const grantDto = z
  .strictObject({
    id: z.string(),
    archiveId: z.string(),
    borrower: z.string(),
    instanceId: z.string(),
    grantedAt: isoDateTime,
    expiresAt: isoDateTime,
    revokedAt: isoDateTime.nullable().optional(),
    active: z.boolean(),
  })
  .meta({ id: 'ArchiveGrant' });
export const grantsReply = itemsOf(grantDto);
export const archiveParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'not an archive id') });
export const archiveViewQuery = z.strictObject({ format: z.enum(['json', 'html']).optional() });
export const archiveView = z.strictObject({
  id: z.string(),
  title: z.string(),
  content: z.string(),
  sha256: z.string(),
  readOnly: z.literal(true),
  watermark: z.string(),
  expiresAt: isoDateTime,
});
export const archiveViewsReply = itemsOf(
  z.strictObject({
    id: z.string(),
    grantId: z.string(),
    archiveId: z.string(),
    borrower: z.string(),
    /** The borrower's name and unit, as the view log shows them. */
    borrowerName: z.string().optional(),
    borrowerUnit: z.string().optional(),
    at: isoDateTime,
    ip: z.string().optional(),
  }),
);
/** 表六 现场监督执法过程记录: the supervision records of a year. */
export const supervisionRecordsQuery = z.strictObject({ year: z.coerce.number().int().min(2000).max(2100).optional() });
export const supervisionRecordsReply = itemsOf(
  z.strictObject({
    id: z.string(),
    recordNo: z.string(),
    instanceId: z.string(),
    kind: z.string(),
    unit: z.string(),
    summary: z.string(),
    outcome: z.string(),
    recordedAt: isoDateTime,
    at: isoDateTime.nullable(),
    place: z.string().nullable(),
    present: z.string().nullable(),
    measures: z.string().nullable(),
    attachments: z.array(z.strictObject({ id: z.string(), filename: z.string() })),
  }),
);
export const publicReportsReply = itemsOf(z.strictObject({ id: z.string(), title: z.string(), content: z.unknown(), publishedAt: isoDateTime }));

export const uploadFields = z.strictObject({
  category: z.enum(ATTACHMENT_CATEGORY_CODES).default('other'),
  instanceId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/)
    .optional(),
  taskId: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,100}$/)
    .optional(),
});
export const uploadReply = z.strictObject({
  id: z.string(),
  filename: z.string(),
  size: z.number().int(),
  contentType: z.string(),
  sha256: z.string(),
  category: z.string(),
  /** Null until the upload is named when a flow starts. */
  instanceId: z.string().nullable().optional(),
});
export const attachmentParams = z.object({ id: z.uuid() });
export const downloadQuery = z.strictObject({ inline: z.enum(['true', 'false']).optional(), access_token: z.string().optional() });

export const auditQuery = z.strictObject({
  instanceId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/)
    .optional(),
  actor: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export const auditEventDto = z
  .strictObject({
    seq: z.number().int(),
    at: isoDateTime,
    actor: z.string(),
    action: z.string(),
    instanceId: z.string().optional(),
    taskId: z.string().optional(),
    data: jsonObject,
    hash: z.string(),
  })
  .meta({ id: 'AuditEvent' });
export const auditPage = z.strictObject({ items: z.array(auditEventDto), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });
export const auditVerifyReply = z.strictObject({
  ok: z.boolean(),
  count: z.number().int(),
  headHash: z.string(),
  brokenAt: z.number().int().optional(),
  reason: z.string().optional(),
  /** The chain's hash (events made with another keep theirs). */
  algorithm: z.enum(['sha256', 'sm3']),
  /** Whether the chain is held to checkpoints signed with a key outside the database. */
  anchored: z.boolean(),
  /** Signed checkpoints found (checkpoint file and database). */
  checkpoints: z.number().int(),
  lastCheckpoint: z.strictObject({ seq: z.number().int(), hash: z.string(), at: isoDateTime }).optional(),
});

export const calendarQuery = z.strictObject({ year: z.coerce.number().int().min(2020).max(2100).optional() });
export const calendarReply = z.strictObject({
  year: z.number().int(),
  days: z.array(z.strictObject({ date: z.string(), workday: z.boolean(), name: z.string(), source: z.enum(['official', 'override']) })),
});
export const calendarParams = z.object({ date: z.iso.date() });
export const calendarBody = z.strictObject({ type: z.enum(['holiday', 'workday', 'official']), name: z.string().trim().max(40).default('') });
export const calendarSetReply = z.strictObject({ date: z.string(), workday: z.boolean() });

export const healthReply = z.looseObject({
  status: z.enum(['ok', 'degraded']),
  database: z.looseObject({ ok: z.boolean(), latencyMs: z.number() }),
  engine: z.looseObject({ mode: z.enum(['embedded', 'cluster']), ok: z.boolean() }),
  versions: z.record(z.string(), z.string()),
  uptimeSeconds: z.number(),
});

export type ArchiveDto = z.infer<typeof archiveDto>;
export type AuditEventDto = z.infer<typeof auditEventDto>;
