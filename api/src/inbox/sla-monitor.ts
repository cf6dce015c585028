/**
 * 限时办结: every human step has a due date from its diagram. When it is due the owner is urged
 * (催办); when it is still open `superviseAfterMs` later, supervision is alerted (督办). Each
 * happens once per task; the marks are stored, so a restart does not repeat them.
 */
import type { Logger } from 'pino';
import type { InboxService } from './inbox.service';
import type { TaskActions } from './actions/task-actions';
import type { AuditService } from '../audit/audit.service';
import type { Notifier } from '../notifications/notifier';
import type { TaskDoc } from './task.model';

export class SlaMonitor {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  /** Rounds run one after another: a round asked for while one runs waits for it. */
  private chain: Promise<unknown> = Promise.resolve();
  /** Told of each step reported to supervision (督办), before its audit event (the dashboard counts it). */
  onSupervised?: (t: TaskDoc, at: Date) => Promise<unknown>;

  constructor(
    private readonly inbox: InboxService,
    private readonly actions: TaskActions,
    private readonly notifier: Notifier,
    private readonly audit: AuditService,
    private readonly logger: Logger,
    private readonly opts: { tickMs: number; superviseAfterMs: number },
  ) {}

  start(): void {
    // (the clock's rounds do not pile up behind a slow one)
    this.timer = setInterval(() => {
      if (!this.running) void this.tick();
    }, this.opts.tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One round (`now`: the moment it runs as, for tests on a shortened clock), after any round already running. */
  tick(now = new Date()): Promise<{ urged: number; supervised: number }> {
    const round = this.chain.then(() => this.round(now));
    this.chain = round.catch(() => undefined);
    return round;
  }

  private async round(now: Date): Promise<{ urged: number; supervised: number }> {
    this.running = true;
    let urged = 0;
    let supervised = 0;
    try {
      const due = await this.inbox.store.find({ status: 'open', kind: 'engine', notUrged: true, dueBefore: now });
      for (const t of due) {
        // Someone acting on the task at this moment wins; it is urged on the next round.
        if (!(await this.inbox.store.change(t._id, t.version, { set: { urgedAt: now }, inc: { urgeCount: 1 } }))) continue;
        await this.actions.notifyOwners(t, `sla-urge:${t._id}`, 'task.due', `【催办】${t.name}已到办理时限`, `“${t.title}”的“${t.name}”已到时限，请尽快办理。`);
        await this.audit.append({
          actor: 'system',
          action: 'task.urged',
          instanceId: t.instanceId,
          taskId: t._id,
          data: { taskName: t.name, reason: 'due', dueDate: t.dueDate },
        });
        urged++;
      }
      const late = new Date(now.getTime() - this.opts.superviseAfterMs);
      const overdue = await this.inbox.store.find({ status: 'open', kind: 'engine', notSupervised: true, dueBefore: late });
      for (const t of overdue) {
        if (!(await this.inbox.store.change(t._id, t.version, { set: { supervisedAt: now } }))) continue;
        await this.notifier.send({
          key: `sla-supervise:${t._id}`,
          groups: ['supervision', 'supervision.head'],
          kind: 'task.overdue',
          title: `【督办】${t.name}已超期`,
          body: `“${t.title}”的“${t.name}”已超过办理时限（${t.dueDate?.toISOString()}），办理人：${t.assignee ?? t.candidateGroups.join('、')}。`,
          instanceId: t.instanceId,
          taskId: t._id,
        });
        await this.onSupervised?.(t, now);
        await this.audit.append({
          actor: 'system',
          action: 'task.supervised',
          instanceId: t.instanceId,
          taskId: t._id,
          data: { taskName: t.name, dueDate: t.dueDate },
        });
        supervised++;
      }
    } catch (err) {
      this.logger.error({ err }, 'SLA check failed');
    } finally {
      this.running = false;
    }
    return { urged, supervised };
  }
}
