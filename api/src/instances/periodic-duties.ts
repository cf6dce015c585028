/**
 * The duties the regulation gives a day or a month, opened by the system as steps in the right
 * inbox, each once (its start is keyed by the day or the month):
 * - every working day: 办公室's director's-mailbox check (2.6.1) and 信息科's security patrol (5.2);
 * - from the first to the 5th working day of a month: the monthly bulletins of the month before
 *   (2.6.1, 4.1, 4.2, 4.3.2.1, 5.2, 5.3, 6.4), due by the end of the 5th working day. A server down on the 1st
 *   opens them when it is back; one installed mid-month does not open bulletins already late.
 * They run half a minute after start and then every hour; tests call them with the dates they choose.
 */
import type { Logger } from 'pino';
import { BUSINESS_SECTIONS, chinaDate, SECTIONS, type LedgerKind } from '@ggzy/shared';
import type { ProjectRegister } from '../projects/project-register';
import type { Ledgers } from '../ledgers/ledger-store';
import type { WorkCalendar } from '../calendar/work-calendar';
import type { SystemStarts } from './system-starts';
import { BULLETIN_KINDS } from '../bulletins/bulletins';
import { previousMonth } from '../witness/witness-books';

const DAILY: { processId: string; dayVariable: string }[] = [
  { processId: 'mailbox-check', dayVariable: 'checkDay' },
  { processId: 'security-patrol', dayVariable: 'patrolDay' },
];

export class PeriodicDuties {
  private timer?: NodeJS.Timeout;
  private first?: NodeJS.Timeout;

  constructor(
    private readonly calendar: WorkCalendar,
    private readonly starts: SystemStarts,
    private readonly logger: Logger,
    /** The register the sections' statistics start from, and the registers a waiting bulletin waits for. */
    private readonly projects: ProjectRegister,
    private readonly ledgers: Ledgers,
  ) {}

  /** Open today's daily duties if today is a working day; what was opened (or found), or null. */
  async openDaily(now = new Date()): Promise<{ day: string; opened: Record<string, string> } | null> {
    const day = chinaDate(now);
    if (!this.calendar.isWorkday(day)) return null;
    const opened: Record<string, string> = {};
    for (const d of DAILY) {
      const r = await this.starts.startBySystem(d.processId, `${d.processId}:${day}`, '系统（每个工作日）', { name: day, variables: { [d.dayVariable]: day } });
      opened[d.processId] = r.id;
    }
    return { day, opened };
  }

  /** Open the month before's bulletins between the first and the 5th working day; what was opened, by kind. */
  async openMonthly(now = new Date()): Promise<{ month: string; due: string; opened: Record<string, string> } | null> {
    const today = chinaDate(now);
    const thisMonth = today.slice(0, 7);
    const first = this.calendar.nthWorkingDay(thisMonth, 1);
    const fifth = this.calendar.nthWorkingDay(thisMonth, 5);
    if (today < first || today > fifth) return null;
    const month = previousMonth(today);
    const due = this.calendar.endOfDay(fifth).toISOString();
    const opened: Record<string, string> = {};
    // 3.1.2: each business section's statistics officer reports on the first working day, the analysis one working day later
    for (const section of BUSINESS_SECTIONS) {
      const sectionName = SECTIONS.find((x) => x.code === section)!.name;
      const r = await this.starts.startBySystem('section-statistics', `statistics:${section}:${month}`, '系统（每月第一个工作日）', {
        name: `${sectionName} ${month}`,
        variables: {
          section,
          sectionName,
          month,
          statisticsKey: `${section}~${month}`,
          statsDue1: this.calendar.endOfDay(first).toISOString(),
          statsDue2: this.calendar.endOfDay(this.calendar.nthWorkingDay(thisMonth, 2)).toISOString(),
          ...this.projects.monthFigures(section, month),
        },
      });
      opened[`statistics:${section}`] = r.id;
    }
    for (const [kind, def] of Object.entries(BULLETIN_KINDS)) {
      // (a report compiled from the sections' figures waits for them, or for its day)
      if (def.waitsUntilWorkday && today < this.calendar.nthWorkingDay(thisMonth, def.waitsUntilWorkday) && !(await this.allIn(def.ledgers, month))) continue;
      const title = `${month.slice(0, 4)}年${Number(month.slice(5))}月${def.zh}`;
      const r = await this.starts.startBySystem('monthly-bulletin', `bulletin:${kind}:${month}`, '系统（每月第一个工作日）', {
        name: title,
        variables: { bulletinKind: kind, month, draftGroup: def.draftGroup, bulletinTitle: title, bulletinClause: def.clause, bulletinDue: due },
      });
      opened[kind] = r.id;
    }
    return { month, due, opened };
  }

  /** Whether every business section's figures of the month are in the registers named. */
  private async allIn(ledgers: LedgerKind[], month: string): Promise<boolean> {
    for (const l of ledgers) {
      const items = await this.ledgers.list(l, month);
      if (!BUSINESS_SECTIONS.every((s) => items.some((i) => i._id === `${l}~${s}~${month}`))) return false;
    }
    return true;
  }

  /**
   * Run now and then every `everyMs`; the first round waits `firstAfterMs`, so the dozen starts of a
   * month's first working day do not land on a server still recovering and catching up.
   */
  start(everyMs = 3_600_000, firstAfterMs = 30_000): void {
    const run = () =>
      void (async () => {
        await this.openDaily();
        await this.openMonthly();
      })().catch((err: unknown) => this.logger.warn({ err }, 'opening the periodic duties failed; tried again within the hour'));
    this.first = setTimeout(run, firstAfterMs);
    this.first.unref();
    this.timer = setInterval(run, everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.first) clearTimeout(this.first);
    if (this.timer) clearInterval(this.timer);
  }
}
