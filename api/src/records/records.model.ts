/** Records the workers leave: dispatches (印发报送), publications, monthly compilations, on-site supervision records. */
import { modelOn } from '../db/model-on';
import { Schema, type Connection, type Model } from 'mongoose';

export interface DispatchDoc {
  _id: string;
  instanceId: string;
  round: number;
  title: string;
  recipients: string[];
  copyTo: string[];
  content: string;
  dispatchedAt: Date;
  /** 文号: 湘西交易要情〔year〕n号, n in order within the year (document-numbers). */
  dispatchNo?: string;
  /** Who issued it (the office step). */
  issuedBy?: string;
}

/** One recipient's copy of a dispatched report: sent to (报送) or copied to (抄送). */
export interface DispatchDeliveryDoc {
  _id: string;
  dispatchId: string;
  instanceId: string;
  dispatchNo: string;
  to: string;
  kind: 'send' | 'copy';
  at: Date;
}

/** The last number given in a series of documents (e.g. `dispatch:2026`). */
export interface DocumentNumberDoc {
  _id: string;
  seq: number;
}

export interface PublicationDoc {
  _id: string;
  instanceId: string;
  title: string;
  content: string;
  publishedAt: Date;
}

export interface CompilationDoc {
  _id: string;
  month: string;
  instanceIds: string[];
  titles: string[];
  compiledAt: Date;
}

export interface SupervisionRecordDoc {
  _id: string;
  instanceId: string;
  kind: string;
  unit: string;
  summary: string;
  outcome: string;
  recordedAt: Date;
  /** 编号: JD-year-nnnn, in order within the year (document-numbers). */
  recordNo?: string;
  /** When and where the supervision took place, who was present, what was done (表六). */
  at?: Date | null;
  place?: string | null;
  present?: string | null;
  measures?: string | null;
  /** The files of the request and its handling. */
  attachmentIds?: string[];
}

const opts = { versionKey: false, _id: false } as const;

function model<T>(db: Connection, name: string, collection: string, def: Record<string, unknown>): Model<T> {
  return modelOn<T>(db, name, new Schema<T>(def, { ...opts, collection }));
}

export function recordModels(db: Connection) {
  return {
    Dispatch: model<DispatchDoc>(db, 'Dispatch', 'dispatch_records', {
      _id: String,
      instanceId: String,
      round: Number,
      title: String,
      recipients: [String],
      copyTo: [String],
      content: String,
      dispatchedAt: Date,
      dispatchNo: String,
      issuedBy: String,
    }),
    DispatchDelivery: model<DispatchDeliveryDoc>(db, 'DispatchDelivery', 'dispatch_deliveries', {
      _id: String,
      dispatchId: String,
      instanceId: String,
      dispatchNo: String,
      to: String,
      kind: String,
      at: Date,
    }),
    DocumentNumber: model<DocumentNumberDoc>(db, 'DocumentNumber', 'document_numbers', { _id: String, seq: Number }),
    Publication: model<PublicationDoc>(db, 'Publication', 'publications', {
      _id: String,
      instanceId: String,
      title: String,
      content: String,
      publishedAt: Date,
    }),
    Compilation: model<CompilationDoc>(db, 'Compilation', 'monthly_compilations', {
      _id: String,
      month: String,
      instanceIds: [String],
      titles: [String],
      compiledAt: Date,
    }),
    SupervisionRecord: model<SupervisionRecordDoc>(db, 'SupervisionRecord', 'supervision_records', {
      _id: String,
      instanceId: String,
      kind: String,
      unit: String,
      summary: String,
      outcome: String,
      recordNo: String,
      at: Date,
      place: String,
      present: String,
      measures: String,
      attachmentIds: { type: [String], default: undefined },
      recordedAt: Date,
    }),
  };
}

/** The next number of a series of documents (文号, 编号): one atomic increment of its counter, by `_id`. */
export async function nextNumber(db: Connection, series: string): Promise<number> {
  const n = await recordModels(db)
    .DocumentNumber.findOneAndUpdate({ _id: series }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' })
    .lean();
  return n!.seq;
}

/** Insert once: a job that runs again after a crash finds its record already there. */
export async function insertOnce<T extends { _id: string }>(m: Model<T>, doc: T): Promise<T> {
  try {
    await m.create(doc);
    return doc;
  } catch (err) {
    if ((err as { code?: number }).code !== 11000) throw err;
    return (await m.findById(doc._id).lean()) as T;
  }
}
