/** 项目交易见证记录 (5.4.1, 表七) and 监督科's daily patrol of them. */
import { z } from 'zod';
import { isoDateTime, projectNumber } from './common';
import { sessionDto } from './venues';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'not a date (YYYY-MM-DD)');

export const witnessRecordDto = z
  .strictObject({
    id: z.string(),
    projectId: z.string(),
    projectName: z.string(),
    section: z.string(),
    day,
    witness: z.string(),
    witnessName: z.string(),
    mode: z.enum(['online', 'offline']),
    course: z.string(),
    anomaly: z.boolean(),
    anomalyDesc: z.string().nullable().optional(),
    sessionId: z.string().nullable().optional(),
    instanceId: z.string().nullable().optional(),
    reportInstanceId: z.string().nullable().optional(),
    recordedAt: isoDateTime,
    updatedAt: isoDateTime,
    version: z.number().int(),
  })
  .meta({ id: 'WitnessRecord' });
export type WitnessRecordDto = z.infer<typeof witnessRecordDto>;

export const witnessRecordBody = z
  .strictObject({
    projectId: projectNumber,
    day,
    mode: z.enum(['online', 'offline']),
    course: z.string().trim().min(1).max(5000),
    anomaly: z.boolean().default(false),
    anomalyDesc: z.string().trim().max(5000).nullable().optional(),
    sessionId: z.string().max(60).nullable().optional(),
  })
  .refine((b) => !b.anomaly || !!b.anomalyDesc, { message: 'describe the anomaly', path: ['anomalyDesc'] });
export const witnessRecordsQuery = z.strictObject({
  section: z.string().max(40),
  month: z.string().regex(/^\d{4}-\d{2}$/, 'not a month (YYYY-MM)'),
});
export const witnessRecordsReply = z.strictObject({ items: z.array(witnessRecordDto) });
export const witnessRecordParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,60}~\d{4}-\d{2}-\d{2}$/, 'not a witness record id') });
export const witnessReportBody = z.strictObject({ instanceId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/) });

export const witnessExportQuery = witnessRecordsQuery.extend({ format: z.enum(['xlsx', 'pdf']) });
export const witnessBooksQuery = z.strictObject({ month: z.string().regex(/^\d{4}-\d{2}$/, 'not a month (YYYY-MM)') });
export const witnessBooksReply = z.strictObject({
  items: z.array(z.strictObject({ id: z.string(), section: z.string(), month: z.string(), count: z.number().int(), boundAt: isoDateTime })),
});
export const witnessBookParams = z.object({ id: z.string().regex(/^[a-z]{2,20}~\d{4}-\d{2}$/, 'not a book id') });

/** The day's patrol (日巡查): every project with a session that day, its witness and whether its record is in. */
export const patrolQuery = z.strictObject({ day: day.optional() });
export const patrolReply = z.strictObject({
  day,
  items: z.array(
    z.strictObject({
      projectId: z.string(),
      projectName: z.string(),
      section: z.string(),
      sessions: z.array(sessionDto),
      recorded: z.boolean(),
      anomaly: z.boolean(),
      recordId: z.string(),
      witnessName: z.string().nullable(),
    }),
  ),
});
