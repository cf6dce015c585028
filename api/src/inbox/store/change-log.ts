/**
 * The memory layout's change records: one document `<task>#<version>` per change, inserted (the
 * one write FerretDB's SQLite backend does in constant time), its unique id the guard that lets
 * only one process write a version. An act's audit event rides in its change record.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../db/model-on';
import type { AuditInput } from '../../audit/audit.service';

export interface ChangeDoc {
  _id: string;
  taskId: string;
  version: number;
  at: Date;
  change: string;
  /** The audit event of the act (JSON of an AuditInput), stored with the change and chained after it. */
  audit?: string;
}

export function changeModel(db: Connection): Model<ChangeDoc> {
  return modelOn<ChangeDoc>(
    db,
    'InboxTaskChange',
    new Schema<ChangeDoc>(
      { _id: String, taskId: String, version: Number, at: Date, change: String, audit: String },
      { versionKey: false, _id: false, collection: 'inbox_task_changes' },
    ),
  );
}

/** The audit event stored in a change record, with the record's id as its reference. */
export function eventOf(c: ChangeDoc): AuditInput & { ref: string } {
  const e = JSON.parse(c.audit!) as AuditInput & { at: string };
  return { ...e, at: new Date(e.at), ref: c._id };
}

/** Dates come back from JSON as strings. */
const DATE_FIELDS = ['dueDate', 'createdAt', 'claimedAt', 'completedAt', 'urgedAt', 'supervisedAt', 'lastUrgedAt'] as const;
export function revive(set: Record<string, unknown>): Record<string, unknown> {
  for (const f of DATE_FIELDS) if (typeof set[f] === 'string') set[f] = new Date(set[f] as string);
  return set;
}

/**
 * Inserts change records, grouping those that arrive while a write is under way into one
 * unordered insert; each caller learns whether its own record went in (false: that version
 * already exists, someone else was first).
 */
export class ChangeWriter {
  private pending: { doc: ChangeDoc; resolve: (ok: boolean) => void; reject: (err: unknown) => void }[] = [];
  private writing = false;

  constructor(private readonly model: Model<ChangeDoc>) {}

  insert(doc: ChangeDoc): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ doc, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.pending.length) {
        const batch = this.pending.splice(0, 500);
        const failed = new Map<number, unknown>();
        try {
          // The driver's types expect ObjectId ids; ours are strings.
          await this.model.collection.insertMany(batch.map((b) => b.doc) as unknown as Parameters<typeof this.model.collection.insertMany>[0], {
            ordered: false,
          });
        } catch (err) {
          const writeErrors = (err as { writeErrors?: { index: number; code?: number }[] }).writeErrors;
          if (!writeErrors) {
            batch.forEach((b) => b.reject(err));
            continue;
          }
          for (const w of writeErrors) failed.set(w.index, w.code === 11000 ? 'duplicate' : err);
        }
        batch.forEach((b, i) => {
          const f = failed.get(i);
          if (f === undefined) b.resolve(true);
          else if (f === 'duplicate') b.resolve(false);
          else b.reject(f);
        });
      }
    } finally {
      this.writing = false;
    }
  }
}
