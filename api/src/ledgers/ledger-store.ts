/**
 * The registers (台账) of supervision and evaluation, one store for all of them. An item's `_id`
 * is `<kind>~<key>`: a flow's step writes under its instance (a later step of the same flow adds
 * to the same item, as the complaint's reply does), a return visit under its project, an item
 * entered by hand under a fresh key. Each register's month is one index document
 * (`ledger_months`, `_id` `<kind>~<YYYY-MM>`), so a month is read by ids and never by filtering the
 * growing collection. Items are numbered in order within the year (编号), as the paper tables are.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { chinaDate, LEDGERS, type LedgerKind } from '@ggzy/shared';
import type { LedgerValue } from '@ggzy/shared/api';
import { modelOn } from '../db/model-on';
import { WriteLocks } from '../db/write-locks';
import { nextNumber } from '../records/records.model';
import type { AuditService } from '../audit/audit.service';
import { creditFrom } from './credit';

export interface LedgerEntryDoc {
  _id: string;
  kind: LedgerKind;
  no: string;
  month: string;
  values: Record<string, LedgerValue>;
  projectId: string | null;
  instanceId: string | null;
  recordedBy: string;
  recordedByName: string;
  recordedAt: Date;
  updatedAt: Date;
  publishedAt: Date | null;
  /** The files of the flow that wrote it (the request and handling of an on-site supervision). */
  attachmentIds?: string[];
}

interface MonthDoc {
  _id: string;
  ids: string[];
}

/** The letters of each register's numbers (编号). */
const PREFIX: Record<LedgerKind, string> = {
  'anomaly-file': 'YC',
  'supervisor-arrival': 'DC',
  'agent-evaluation': 'DLKP',
  'expert-evaluation': 'ZJKP',
  rating: 'PJ',
  'return-visit': 'HF',
  'security-patrol': 'XC',
  'security-incident': 'AQ',
  complaint: 'TS',
  'mailbox-check': 'XX',
  credit: 'XY',
  'trading-statistics': 'TJ',
};

export interface RecordMeta {
  by: string;
  byName: string;
  instanceId?: string | null;
  projectId?: string | null;
  attachmentIds?: string[];
}

export function ledgerModels(db: Connection) {
  const opts = { versionKey: false, _id: false } as const;
  return {
    Entry: modelOn<LedgerEntryDoc>(
      db,
      'LedgerEntry',
      new Schema<LedgerEntryDoc>(
        {
          _id: String,
          kind: String,
          no: String,
          month: String,
          values: Schema.Types.Mixed,
          projectId: String,
          instanceId: String,
          recordedBy: String,
          recordedByName: String,
          recordedAt: Date,
          updatedAt: Date,
          publishedAt: Date,
          attachmentIds: { type: [String], default: undefined },
        },
        { ...opts, collection: 'ledger_entries', minimize: false },
      ),
    ) as Model<LedgerEntryDoc>,
    Month: modelOn<MonthDoc>(db, 'LedgerMonth', new Schema<MonthDoc>({ _id: String, ids: [String] }, { ...opts, collection: 'ledger_months' })),
  };
}

/** The month an item belongs to: its date field's, else the day it was recorded. */
export function monthOf(kind: LedgerKind, values: Record<string, LedgerValue>, now: Date): string {
  const key = LEDGERS[kind].dateKey;
  const v = key ? values[key] : null;
  if (typeof v === 'string' && /^\d{4}-\d{2}(-\d{2})?$/.test(v)) return v.slice(0, 7);
  if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return chinaDate(new Date(v)).slice(0, 7);
  return chinaDate(now).slice(0, 7);
}

/** Only the register's own fields, as plain values (a flow's other variables stay out). */
export function pickFields(kind: LedgerKind, vars: Record<string, unknown>): Record<string, LedgerValue> {
  const out: Record<string, LedgerValue> = {};
  for (const f of LEDGERS[kind].fields) {
    const v = vars[f.key];
    if (v === undefined) continue;
    out[f.key] = v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
  }
  return out;
}

export class Ledgers {
  private readonly m;
  private readonly locks: WriteLocks;

  constructor(
    private readonly db: Connection,
    private readonly audit: AuditService,
  ) {
    this.m = ledgerModels(db);
    this.locks = new WriteLocks(db);
  }

  /**
   * Write an item once per key; the same key again adds the values given to it. The month's index
   * is written before a new item (a listed id without its item is skipped), so an item written is
   * never left out of its month.
   */
  async record(kind: LedgerKind, key: string, values: Record<string, LedgerValue>, meta: RecordMeta, now = new Date()): Promise<LedgerEntryDoc> {
    const id = `${kind}~${key}`;
    let doc: LedgerEntryDoc | null = await this.get(id);
    if (doc) {
      const set = Object.fromEntries(Object.entries(values).map(([k, v]) => [`values.${k}`, v]));
      if (Object.keys(set).length) await this.m.Entry.updateOne({ _id: id }, { $set: { ...set, updatedAt: now } });
      doc = (await this.get(id))!;
    } else {
      const month = monthOf(kind, values, now);
      await this.m.Month.updateOne({ _id: `${kind}~${month}` }, { $addToSet: { ids: id } }, { upsert: true });
      const year = month.slice(0, 4);
      const n = await nextNumber(this.db, `ledger:${kind}:${year}`);
      const fresh: LedgerEntryDoc = {
        _id: id,
        kind,
        no: `${PREFIX[kind]}-${year}-${String(n).padStart(4, '0')}`,
        month,
        values,
        projectId: meta.projectId ?? (typeof values.projectId === 'string' && values.projectId ? values.projectId : null),
        instanceId: meta.instanceId ?? null,
        recordedBy: meta.by,
        recordedByName: meta.byName,
        recordedAt: now,
        updatedAt: now,
        publishedAt: null,
        ...(meta.attachmentIds?.length && { attachmentIds: meta.attachmentIds }),
      };
      try {
        await this.m.Entry.create(fresh);
        doc = fresh;
        await this.audit.append({ actor: meta.by, action: 'ledger.recorded', instanceId: meta.instanceId ?? undefined, data: { kind, id, no: fresh.no } });
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
        return this.record(kind, key, values, meta, now);
      }
    }
    // the credit register takes the irregular acts evaluations and the anomaly file find (6.4)
    const credit = creditFrom(doc);
    if (credit)
      await this.record('credit', credit.key, credit.values, { by: 'system', byName: '系统', projectId: doc.projectId, instanceId: doc.instanceId }, now);
    return doc;
  }

  get(id: string): Promise<LedgerEntryDoc | null> {
    return this.m.Entry.findById(id).lean<LedgerEntryDoc>();
  }

  /** A register's month, in the order recorded. */
  async list(kind: LedgerKind, month: string): Promise<LedgerEntryDoc[]> {
    const index = await this.m.Month.findById(`${kind}~${month}`).lean();
    const docs = await Promise.all((index?.ids ?? []).map((id) => this.get(id)));
    return docs.filter((d): d is LedgerEntryDoc => !!d).sort((a, b) => a.no.localeCompare(b.no));
  }

  /** Mark a month's items published (the credit bulletin's last step); the items marked. */
  async publishMonth(kind: LedgerKind, month: string, at: Date): Promise<LedgerEntryDoc[]> {
    const items = await this.list(kind, month);
    for (const d of items) {
      if (d.publishedAt) continue;
      // (once: by id, holding the item's write lock, so a publish run again keeps the first time)
      await this.locks.hold(`ledger_entries:${d._id}`, async () => {
        if (!(await this.get(d._id))?.publishedAt) await this.m.Entry.updateOne({ _id: d._id }, { $set: { publishedAt: at } });
      });
    }
    return this.list(kind, month);
  }
}
