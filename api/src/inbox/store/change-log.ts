/**
 * The memory layout's log: one document per act, inserted (the one write FerretDB's SQLite
 * backend does in constant time) — a task's creation `<task>#1`, each change `<task>#<version>`
 * (its unique id the guard that lets only one writer have a version), an instance's end
 * `end:<instance>`, a CC `cc:<task>:<user>`. An act's audit event rides in its record.
 *
 * The log is kept in epochs, one collection each (`inbox_task_changes`, then
 * `inbox_task_changes_<n>`): a snapshot of the live inbox is taken at the start of an epoch, and
 * the epochs before it are then dropped whole, so the log never grows with history.
 */
import type { Collection, Connection } from 'mongoose';
import type { AuditInput } from '../../audit/audit.service';

export interface ChangeDoc {
  _id: string;
  /** The task (for `end`, the instance). */
  taskId: string;
  version: number;
  at: Date;
  /** Absent: a change to a task. */
  kind?: 'create' | 'end' | 'cc';
  /** JSON: the TaskChange; for `create` the task (without variables); for `cc` `{ userId, instanceId }`. */
  change: string;
  /** The audit event of the act (JSON of an AuditInput), stored with the change and chained after it. */
  audit?: string;
}

const PREFIX = 'inbox_task_changes';

export function epochCollectionName(epoch: number): string {
  return epoch === 0 ? PREFIX : `${PREFIX}_${epoch}`;
}

/** The audit event stored in a change record, with the record's id as its reference. */
export function eventOf(c: ChangeDoc): AuditInput & { ref: string } {
  const e = JSON.parse(c.audit!) as AuditInput & { at: string };
  return { ...e, at: new Date(e.at), ref: c._id };
}

/** Dates come back from JSON as strings. */
const DATE_FIELDS = ['dueDate', 'createdAt', 'claimedAt', 'completedAt', 'urgedAt', 'supervisedAt', 'lastUrgedAt'] as const;
export function revive<T extends object>(set: T): T {
  const r = set as Record<string, unknown>;
  for (const f of DATE_FIELDS) if (typeof r[f] === 'string') r[f] = new Date(r[f] as string);
  return set;
}

/**
 * Inserts records into one epoch's collection, grouping those that arrive while a write is under
 * way into one unordered insert; each caller learns whether its own record went in (false: that
 * id already exists, someone else was first).
 */
class ChangeWriter {
  private pending: { doc: ChangeDoc; resolve: (ok: boolean) => void; reject: (err: unknown) => void }[] = [];
  private draining: Promise<void> | null = null;

  constructor(private readonly collection: Collection) {}

  insert(doc: ChangeDoc): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ doc, resolve, reject });
      if (!this.draining) this.draining = this.drain().finally(() => (this.draining = null));
    });
  }

  /** Resolves when every record given so far is written (or refused). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending.splice(0, 500);
      const failed = new Map<number, unknown>();
      try {
        await this.collection.insertMany(batch.map((b) => b.doc) as never[], { ordered: false });
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
  }
}

export class ChangeLog {
  private writer: ChangeWriter;
  private current = 0;

  constructor(private readonly db: Connection) {
    this.writer = new ChangeWriter(db.collection(epochCollectionName(0)));
  }

  get epoch(): number {
    return this.current;
  }

  /** Write into this epoch from now on (at start, the newest one found). */
  use(epoch: number): void {
    this.current = epoch;
    this.writer = new ChangeWriter(this.db.collection(epochCollectionName(epoch)));
  }

  insert(doc: ChangeDoc): Promise<boolean> {
    return this.writer.insert(doc);
  }

  /** Start the next epoch; resolves once every record of the last one is written. */
  async next(): Promise<number> {
    const old = this.writer;
    this.use(this.current + 1);
    await old.idle();
    return this.current;
  }

  /** The epochs that have a collection, oldest first. */
  async epochs(): Promise<number[]> {
    const names = (await this.db.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    const out: number[] = [];
    for (const n of names) {
      if (n === PREFIX) out.push(0);
      else if (n.startsWith(`${PREFIX}_`) && /^\d+$/.test(n.slice(PREFIX.length + 1))) out.push(Number(n.slice(PREFIX.length + 1)));
    }
    return out.sort((a, b) => a - b);
  }

  async read(epoch: number): Promise<ChangeDoc[]> {
    return (await this.db.collection(epochCollectionName(epoch)).find({}).toArray()) as unknown as ChangeDoc[];
  }

  async drop(epoch: number): Promise<void> {
    await this.db
      .collection(epochCollectionName(epoch))
      .drop()
      .catch((err: { codeName?: string }) => {
        if (err.codeName !== 'NamespaceNotFound') throw err;
      });
  }
}
