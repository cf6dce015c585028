/**
 * The project register (项目登记): trading projects as the center runs them (regulation 2.8, 6.5),
 * their life cycle, the sheet they may be imported from, and the page of one project.
 */
import { z } from 'zod';
import { BUSINESS_SECTIONS, type SectionCode } from '../people/sections';
import { PROJECT_KINDS, PROJECT_STAGES } from '../projects/project-kinds';
import { isoDateTime, projectNumber } from './common';
import { sessionDto } from './venues';

export * from '../projects/project-kinds';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'not a date (YYYY-MM-DD)');
const text = (max: number) => z.string().trim().min(1).max(max);

const projectFields = {
  name: text(200),
  kind: z.enum(PROJECT_KINDS),
  section: z.enum(BUSINESS_SECTIONS as [SectionCode, ...SectionCode[]]),
  /** 招标人 / 采购人 / 出让人. */
  tenderer: text(200),
  /** 代理机构 (none when the owner runs it). */
  agent: z.string().trim().max(200).nullable().optional(),
  /** 预算金额, yuan. */
  budget: z.number().nonnegative().max(1e13).nullable().optional(),
  registeredOn: day.nullable().optional(),
  noticeOn: day.nullable().optional(),
  openingAt: z.iso.datetime({ offset: true }).nullable().optional(),
  awardOn: day.nullable().optional(),
  contractOn: day.nullable().optional(),
  stage: z.enum(PROJECT_STAGES).optional(),
  /** 评标（评审）专家 drawn for it, as the e-trading system or 专家科 gives them (evaluated when it is archived, 4.2). */
  experts: z
    .array(z.strictObject({ name: text(50), employer: z.string().trim().max(200).nullable().optional() }))
    .max(60)
    .optional(),
};

/** A project as it is registered or pushed (the number is in the path). */
export const projectInput = z
  .strictObject({
    ...projectFields,
    /** The version last read, to refuse an edit over someone else's (none: the push of an e-trading system). */
    version: z.number().int().min(0).optional(),
  })
  .meta({ id: 'ProjectInput' });
export type ProjectInput = z.infer<typeof projectInput>;
export const projectCreateBody = projectInput.extend({ id: projectNumber });

export const projectDto = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    section: z.string(),
    kind: z.string(),
    status: z.enum(['active', 'paused']),
    stage: z.enum(PROJECT_STAGES).optional(),
    tenderer: z.string().nullable().optional(),
    agent: z.string().nullable().optional(),
    budget: z.number().nullable().optional(),
    registeredOn: z.string().nullable().optional(),
    noticeOn: z.string().nullable().optional(),
    openingAt: isoDateTime.nullable().optional(),
    awardOn: z.string().nullable().optional(),
    contractOn: z.string().nullable().optional(),
    experts: z.array(z.strictObject({ name: z.string(), employer: z.string().nullable() })).optional(),
    source: z.enum(['register', 'import', 'push', 'demo', 'intake']).optional(),
    version: z.number().int().optional(),
    updatedAt: isoDateTime.nullable().optional(),
    updatedBy: z.string().nullable().optional(),
    // Staff only: why, since when and by whose report a project is paused.
    pausedAt: isoDateTime.nullable().optional(),
    pausedBy: z.string().nullable().optional(),
    pauseReason: z.string().nullable().optional(),
    pauseInstanceId: z.string().nullable().optional(),
    createdAt: isoDateTime.optional(),
    createdBy: z.string().nullable().optional(),
  })
  .meta({ id: 'Project' });
export type ProjectDto = z.infer<typeof projectDto>;

export const projectListQuery = z.strictObject({
  /** Words of the number, name, tenderer or agent. */
  q: z.string().trim().max(100).optional(),
  kind: z.enum(PROJECT_KINDS).optional(),
  section: z.string().max(40).optional(),
  stage: z.enum(PROJECT_STAGES).optional(),
  sort: z.enum(['id', '-id', 'registeredOn', '-registeredOn', 'openingAt', '-openingAt', 'budget', '-budget']).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export const projectsReply = z.strictObject({
  items: z.array(projectDto),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
export const projectParams = z.object({ id: projectNumber });
export const projectSaveReply = z.strictObject({ project: projectDto, created: z.boolean() });

/** The page of one project: the register's entry and everything that hangs on it. */
export const projectDetail = z
  .strictObject({
    project: projectDto,
    /** Whether the reader may edit the entry. */
    editable: z.boolean(),
    instances: z.array(
      z.strictObject({
        id: z.string(),
        processId: z.string(),
        processName: z.string(),
        title: z.string(),
        state: z.string(),
        startedAt: isoDateTime,
        endedAt: isoDateTime.nullable().optional(),
      }),
    ),
    archives: z.array(
      z.strictObject({
        id: z.string(),
        title: z.string(),
        archivedAt: isoDateTime.nullable().optional(),
        sha256: z.string().optional(),
        /** Its files (件), in the order of the process, with their digests (6.5.1). */
        files: z.array(z.strictObject({ no: z.number().int(), filename: z.string(), size: z.number(), sha256: z.string(), sm3: z.string() })).optional(),
      }),
    ),
    /** Its sessions in the venue calendar, in time order. */
    sessions: z.array(sessionDto),
    /** Its witness records (表七), by day: who witnessed, and whether anything was irregular. */
    witnessRecords: z.array(
      z.strictObject({
        id: z.string(),
        day: z.string(),
        witnessName: z.string(),
        mode: z.string(),
        anomaly: z.boolean(),
        reportInstanceId: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'ProjectDetail' });

/** One problem of an imported sheet: its row (as the sheet numbers them, 0 for the header), column and what is wrong. */
export const importProblem = z.strictObject({ row: z.number().int(), column: z.string(), message: z.string(), messageEn: z.string() });
export type ImportProblem = z.infer<typeof importProblem>;
export const projectImportReply = z.strictObject({ imported: z.number().int(), ids: z.array(z.string()) });
export const projectImportQuery = z.strictObject({ dryRun: z.enum(['true', 'false']).optional() });

export const resumeBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });
export const resumeReply = z.strictObject({ id: z.string(), status: z.literal('active') });
