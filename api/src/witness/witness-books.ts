/**
 * 见证记录册 (5.4.1 见证记录册按月编制装订, 相关业务科室按月将相关记录汇总到监督科): on the first
 * working day of a month, each business section's witness records of the month before are bound
 * into one PDF book, kept unchangeable, and 监督科 is told. Bound once per section and month
 * (`witness_books`, `_id` `<section>~<YYYY-MM>`; a section with no record that month has none); the
 * check runs at start and every hour, so a day the server was down is caught up when it comes back.
 */
import { Readable } from 'node:stream';
import { Schema, type Connection, type Model } from 'mongoose';
import type { Logger } from 'pino';
import { BUSINESS_SECTIONS, chinaDate, chinaDateTime, sectionName } from '@ggzy/shared';
import { modelOn } from '../db/model-on';
import type { AttachmentStore } from '../attachments/attachments';
import type { AuditService } from '../audit/audit.service';
import type { WorkCalendar } from '../calendar/work-calendar';
import type { Notifier } from '../notifications/notifier';
import { toPdf, type PaperTable } from '../records/paper-table';
import type { WitnessRecordDoc, WitnessRecords } from './witness-records';

export interface WitnessBookDoc {
  _id: string;
  section: string;
  month: string;
  attachmentId: string;
  count: number;
  boundAt: Date;
}

/** 表七 of a section's month, as the paper table. */
export function witnessTable(section: string, month: string, records: WitnessRecordDoc[]): PaperTable {
  return {
    title: '项目交易见证记录（表七）',
    subtitle: `湘西州公共资源交易中心 · ${sectionName(section)} · ${month.replace('-', ' 年 ')} 月`,
    columns: [
      { header: '序号', width: 4 },
      { header: '日期', width: 9 },
      { header: '项目编号', width: 12 },
      { header: '项目名称', width: 20 },
      { header: '方式', width: 5 },
      { header: '见证过程', width: 30 },
      { header: '异常情况', width: 20 },
      { header: '见证人', width: 7 },
    ],
    rows: records.map((r, i) => [
      String(i + 1),
      r.day,
      r.projectId,
      r.projectName,
      r.mode === 'online' ? '线上' : '线下',
      r.course,
      r.anomaly ? (r.anomalyDesc ?? '有') : '无',
      r.witnessName,
    ]),
    footer: `共 ${records.length} 份  编制：${sectionName(section)}  生成时间：${chinaDateTime(new Date())}`,
  };
}

/** The month before the one `day` (YYYY-MM-DD) falls in. */
export function previousMonth(day: string): string {
  const [y, m] = day.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

export class WitnessBooks {
  readonly model: Model<WitnessBookDoc>;
  private timer?: NodeJS.Timeout;

  constructor(
    db: Connection,
    private readonly records: WitnessRecords,
    private readonly files: AttachmentStore,
    private readonly calendar: WorkCalendar,
    private readonly notifier: Notifier,
    private readonly audit: AuditService,
    private readonly logger: Logger,
  ) {
    this.model = modelOn<WitnessBookDoc>(
      db,
      'WitnessBook',
      new Schema<WitnessBookDoc>(
        { _id: String, section: String, month: String, attachmentId: String, count: Number, boundAt: Date },
        { versionKey: false, _id: false, collection: 'witness_books' },
      ),
    );
  }

  /** Whether `day` is the first working day of its month. */
  firstWorkingDay(day: string): boolean {
    if (!this.calendar.isWorkday(day)) return false;
    for (let d = Number(day.slice(8, 10)) - 1; d >= 1; d--) if (this.calendar.isWorkday(`${day.slice(0, 8)}${String(d).padStart(2, '0')}`)) return false;
    return true;
  }

  /** On a month's first working day (or later that month, catching up), bind last month's books not bound yet. */
  async bindDue(now = new Date()): Promise<WitnessBookDoc[]> {
    const today = chinaDate(now);
    let reached = false;
    for (let d = 1; d <= Number(today.slice(8, 10)); d++) if (this.firstWorkingDay(`${today.slice(0, 8)}${String(d).padStart(2, '0')}`)) reached = true;
    if (!reached) return [];
    const month = previousMonth(today);
    const bound: WitnessBookDoc[] = [];
    for (const section of BUSINESS_SECTIONS) {
      const id = `${section}~${month}`;
      if (await this.model.exists({ _id: id })) continue;
      const records = await this.records.month(section, month);
      if (!records.length) continue; // a section with no project that month has no book
      const pdf = await toPdf(witnessTable(section, month, records));
      const received = await this.files.receive(`witness-book-${section}-${month}.pdf`, Readable.from([pdf]));
      const file = await this.files.record(received, { uploadedBy: 'system', category: 'other' });
      const doc: WitnessBookDoc = { _id: id, section, month, attachmentId: file._id, count: records.length, boundAt: new Date() };
      // (bound twice at once by two replicas: the second insert is refused and its file left to the orphan sweep)
      const r = await this.model.updateOne({ _id: id }, { $setOnInsert: doc }, { upsert: true });
      if (!r.upsertedCount) continue;
      bound.push(doc);
      await this.audit.append({ actor: 'system', action: 'witness.book-bound', data: { bookId: id, records: records.length, attachmentId: file._id } });
      await this.notifier.send({
        key: `witness-book:${id}`,
        groups: ['supervision', `${section}.head`],
        kind: 'witness.book',
        title: `【见证记录册】${sectionName(section)} ${month}`,
        body: `${sectionName(section)} ${month} 的项目交易见证记录已装订成册（${records.length} 份），已汇总至监督科。`,
      });
    }
    return bound;
  }

  list(month: string): Promise<WitnessBookDoc[]> {
    return Promise.all(BUSINESS_SECTIONS.map((s) => this.model.findById(`${s}~${month}`).lean())).then((docs) => docs.filter((d) => !!d));
  }

  start(everyMs = 3_600_000): void {
    const run = () => void this.bindDue().catch((err: unknown) => this.logger.warn({ err }, 'binding the witness books failed; tried again within the hour'));
    run();
    this.timer = setInterval(run, everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
