/**
 * 项目交易见证记录 (5.4.1, 表七): the witness on duty keeps one record per project per day (online
 * or offline, the course of events, anomalies). A record's `_id` is `<project>~<day>`, so the day's
 * record of a project is read by id; each section's month is listed in one index document
 * (`witness_months`, `_id` `<section>~<YYYY-MM>`), which the monthly book is bound from, and each
 * project's in its links (the project's page).
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../db/model-on';
import type { AuditService } from '../audit/audit.service';
import type { ProjectRegister } from '../projects/project-register';
import { linkToProject } from '../projects/project.model';
import { Ledgers } from '../ledgers/ledger-store';

export interface WitnessRecordDoc {
  _id: string;
  projectId: string;
  projectName: string;
  section: string;
  day: string;
  witness: string;
  witnessName: string;
  mode: 'online' | 'offline';
  course: string;
  anomaly: boolean;
  anomalyDesc?: string | null;
  /** The venue session witnessed, when booked in the calendar. */
  sessionId?: string | null;
  /** The flow whose step wrote it, when one did. */
  instanceId?: string | null;
  /** A report started on the anomaly (要情专报). */
  reportInstanceId?: string | null;
  recordedAt: Date;
  updatedAt: Date;
  version: number;
}

interface MonthDoc {
  _id: string;
  recordIds: string[];
}

export interface WitnessInput {
  projectId: string;
  day: string;
  witness: string;
  witnessName: string;
  mode: 'online' | 'offline';
  course: string;
  anomaly: boolean;
  anomalyDesc?: string | null;
  sessionId?: string | null;
  instanceId?: string | null;
}

export function witnessRecordModel(db: Connection): Model<WitnessRecordDoc> {
  return modelOn<WitnessRecordDoc>(
    db,
    'WitnessRecord',
    new Schema<WitnessRecordDoc>(
      {
        _id: String,
        projectId: String,
        projectName: String,
        section: String,
        day: String,
        witness: String,
        witnessName: String,
        mode: String,
        course: String,
        anomaly: Boolean,
        anomalyDesc: String,
        sessionId: String,
        instanceId: String,
        reportInstanceId: String,
        recordedAt: Date,
        updatedAt: Date,
        version: Number,
      },
      { versionKey: false, _id: false, collection: 'witness_records' },
    ),
  );
}

export const witnessRecordId = (projectId: string, day: string) => `${projectId}~${day}`;

export class WitnessRecords {
  readonly model: Model<WitnessRecordDoc>;
  readonly months: Model<MonthDoc>;

  constructor(
    private readonly db: Connection,
    readonly projects: ProjectRegister,
    readonly audit: AuditService,
    /** The anomaly register, which an anomaly seen opens a file in (5.3.2, 表六). */
    private readonly ledgers: Ledgers = new Ledgers(db, audit),
  ) {
    this.model = witnessRecordModel(db);
    this.months = modelOn<MonthDoc>(
      db,
      'WitnessMonth',
      new Schema<MonthDoc>({ _id: String, recordIds: [String] }, { versionKey: false, _id: false, collection: 'witness_months' }),
    );
  }

  /**
   * Write the day's record of a project (a second write the same day replaces the text, keeping when
   * it was first recorded); the month's index is written first, so a record is never left out of
   * its month's book.
   */
  async save(by: string, r: WitnessInput): Promise<WitnessRecordDoc> {
    const project = await this.projects.get(r.projectId);
    const id = witnessRecordId(project._id, r.day);
    await this.months.updateOne({ _id: `${project.section}~${r.day.slice(0, 7)}` }, { $addToSet: { recordIds: id } }, { upsert: true });
    await linkToProject(this.db, project._id, { witnessRecordId: id });
    const now = new Date();
    const before = await this.model.findById(id).lean();
    const fields = {
      projectId: project._id,
      projectName: project.name,
      section: project.section,
      day: r.day,
      witness: r.witness,
      witnessName: r.witnessName,
      mode: r.mode,
      course: r.course,
      anomaly: r.anomaly,
      anomalyDesc: r.anomaly ? (r.anomalyDesc ?? null) : null,
      sessionId: r.sessionId ?? before?.sessionId ?? null,
      instanceId: r.instanceId ?? before?.instanceId ?? null,
      updatedAt: now,
    };
    await this.model.updateOne(
      { _id: id },
      { $set: fields, $setOnInsert: { recordedAt: now, reportInstanceId: null }, $inc: { version: 1 } },
      { upsert: true },
    );
    await this.audit.append({
      actor: by,
      action: before ? 'witness.record-updated' : 'witness.recorded',
      ...(r.instanceId && { instanceId: r.instanceId }),
      data: { recordId: id, projectId: project._id, day: r.day, anomaly: r.anomaly },
    });
    // an anomaly the witness saw opens its file in the anomaly register; written again, the file follows
    if (r.anomaly)
      await this.ledgers.record(
        'anomaly-file',
        `witness~${id}`,
        { projectId: project._id, projectName: project.name, foundAt: `${r.day}T12:00:00+08:00`, origin: '见证记录', found: r.anomalyDesc ?? r.course },
        { by, byName: r.witnessName, instanceId: r.instanceId ?? null, projectId: project._id },
      );
    return (await this.model.findById(id).lean())!;
  }

  get(projectId: string, day: string): Promise<WitnessRecordDoc | null> {
    return this.model.findById(witnessRecordId(projectId, day)).lean();
  }

  /** A section's records of a month, by day and project. */
  async month(section: string, month: string): Promise<WitnessRecordDoc[]> {
    const idx = await this.months.findById(`${section}~${month}`).lean();
    const docs = await Promise.all((idx?.recordIds ?? []).map((id) => this.model.findById(id).lean()));
    return docs.filter((d) => !!d).sort((a, b) => (a.day + a.projectId).localeCompare(b.day + b.projectId));
  }
}
