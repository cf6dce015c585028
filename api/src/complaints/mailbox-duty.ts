/**
 * 主任信箱一日一查看 (2.6.1): every working day 办公室 gets a step to look at the director's mailbox
 * and write what came (`mailbox-check`), opened once per day (its start is keyed by the day), with
 * the working day's time limit, 催办 and 督办 like any step. The check runs at start and every hour.
 */
import type { Logger } from 'pino';
import { chinaDate } from '@ggzy/shared';
import type { WorkCalendar } from '../calendar/work-calendar';
import type { SystemStarts } from '../instances/system-starts';

export class MailboxDuty {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly calendar: WorkCalendar,
    private readonly starts: SystemStarts,
    private readonly logger: Logger,
  ) {}

  /** Open today's check if today is a working day; the day, or null. */
  async openDue(now = new Date()): Promise<{ day: string; instanceId: string } | null> {
    const day = chinaDate(now);
    if (!this.calendar.isWorkday(day)) return null;
    const r = await this.starts.startBySystem('mailbox-check', `mailbox-check:${day}`, '系统（每个工作日）', { name: day });
    return { day, instanceId: r.id };
  }

  start(everyMs = 3_600_000): void {
    const run = () =>
      void this.openDue().catch((err: unknown) => this.logger.warn({ err }, "opening the day's mailbox check failed; tried again within the hour"));
    run();
    this.timer = setInterval(run, everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
