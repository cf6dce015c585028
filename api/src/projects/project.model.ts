/**
 * Trading projects (交易项目): the register's entry (`_id`: the project number) with its life-cycle
 * stage and dates; a pause is recorded on the project itself. What hangs on a project — its flow
 * instances and archives — is listed in `project_links` under the same `_id`, so that the project's
 * page reads both by id instead of searching the growing instance and archive collections.
 */
import { modelOn } from '../db/model-on';
import { Schema, type Connection, type Model } from 'mongoose';
import type { ProjectStage } from '@ggzy/shared/api';

export interface ProjectDoc {
  _id: string;
  name: string;
  /** The business section that runs it. */
  section: string;
  kind: string;
  stage?: ProjectStage;
  tenderer?: string | null;
  agent?: string | null;
  budget?: number | null;
  registeredOn?: string | null;
  noticeOn?: string | null;
  openingAt?: Date | null;
  awardOn?: string | null;
  contractOn?: string | null;
  experts?: { name: string; employer: string | null }[];
  source?: 'register' | 'import' | 'push' | 'demo' | 'intake';
  version?: number;
  status: 'active' | 'paused';
  pausedAt?: Date | null;
  pausedBy?: string | null;
  pauseReason?: string | null;
  pauseInstanceId?: string | null;
  createdAt: Date;
  createdBy?: string | null;
  updatedAt?: Date | null;
  updatedBy?: string | null;
}

/** The write lock every writer of a project's entry holds (`db/write-locks.ts`). */
export const projectLock = (id: string): string => `projects:${id}`;

export function projectModel(db: Connection): Model<ProjectDoc> {
  return modelOn<ProjectDoc>(
    db,
    'Project',
    new Schema<ProjectDoc>(
      {
        _id: String,
        name: { type: String, required: true },
        section: { type: String, required: true },
        kind: String,
        stage: { type: String, default: 'registered' },
        tenderer: String,
        agent: String,
        budget: Number,
        registeredOn: String,
        noticeOn: String,
        openingAt: Date,
        awardOn: String,
        contractOn: String,
        experts: { type: [{ _id: false, name: String, employer: String }], default: undefined },
        source: String,
        version: { type: Number, default: 0 },
        status: { type: String, default: 'active' },
        pausedAt: Date,
        pausedBy: String,
        pauseReason: String,
        pauseInstanceId: String,
        createdAt: { type: Date, default: () => new Date() },
        createdBy: String,
        updatedAt: Date,
        updatedBy: String,
      },
      { versionKey: false, _id: false, collection: 'projects' },
    ),
  );
}

export interface ProjectLinksDoc {
  _id: string;
  instanceIds: string[];
  archiveIds: string[];
  /** Its sessions in the venue calendar (ids of sessions since moved or cancelled are skipped when read). */
  sessionIds: string[];
  /** Its witness records (表七), one per day witnessed. */
  witnessRecordIds: string[];
}

export function projectLinksModel(db: Connection): Model<ProjectLinksDoc> {
  return modelOn<ProjectLinksDoc>(
    db,
    'ProjectLinks',
    new Schema<ProjectLinksDoc>(
      { _id: String, instanceIds: [String], archiveIds: [String], sessionIds: [String], witnessRecordIds: [String] },
      { versionKey: false, _id: false, collection: 'project_links' },
    ),
  );
}

/** Hang an instance, an archive or a venue session on its project (idempotent: a step carried through again adds nothing). */
export async function linkToProject(
  db: Connection,
  projectId: string,
  link: { instanceId?: string; archiveId?: string; sessionId?: string; witnessRecordId?: string },
): Promise<void> {
  const add: Record<string, string> = {};
  if (link.instanceId) add.instanceIds = link.instanceId;
  if (link.archiveId) add.archiveIds = link.archiveId;
  if (link.sessionId) add.sessionIds = link.sessionId;
  if (link.witnessRecordId) add.witnessRecordIds = link.witnessRecordId;
  await projectLinksModel(db).updateOne({ _id: projectId }, { $addToSet: add }, { upsert: true });
}
