/**
 * The engine's loop: due wake-ups and stored jobs every poll, due timer start events, and — every
 * few seconds — the slow look-around for what a crash left behind: leases of dead or stalled
 * processes, instances due (timers written by other processes, wake-ups nobody delivered), and
 * inputs written but never delivered. Lease renewal runs on its own clock.
 */
import type { Logger } from 'pino';
import type { Actors } from './actors';
import type { InstanceDriver } from './instance-driver';
import type { Jobs } from './jobs';
import type { Leases } from './leases';
import type { EngineModels } from './models';
import type { TimerStarts } from './timer-starts';
import type { WakeSchedule } from './wake-schedule';

export interface RecoveryDeps {
  models: EngineModels;
  logger: Logger;
  leases: Leases;
  leaseMs: number;
  pollMs: number;
  actors: Actors;
  driver: InstanceDriver;
  jobs: Jobs;
  timerStarts: TimerStarts;
  wakes: WakeSchedule;
}

export class Recovery {
  private pollTimer?: NodeJS.Timeout;
  private renewTimer?: NodeJS.Timeout;
  private polling = false;
  private cycle = 0;
  running = false;

  constructor(private readonly d: RecoveryDeps) {}

  async start(): Promise<void> {
    this.running = true;
    await this.recover(true);
    this.pollTimer = setInterval(() => void this.poll(), this.d.pollMs);
    this.pollTimer.unref();
    // Lease renewal runs on its own clock so that a long poll or a busy moment never lets a
    // lease lapse while this process still drives the instance.
    this.renewTimer = setInterval(
      () => void this.renewLeases().catch((err: unknown) => this.d.logger.error({ err }, 'lease renewal failed')),
      Math.max(100, Math.floor(this.d.leaseMs / 4)),
    );
    this.renewTimer.unref();
  }

  stop(): void {
    this.running = false;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.d.wakes.clear();
  }

  private async poll(): Promise<void> {
    if (this.polling || !this.running) return;
    this.polling = true;
    try {
      for (const key of this.d.wakes.takeDue(Date.now())) if (!this.d.actors.loaded(key)) void this.d.driver.drive(key);
      await this.d.jobs.poll();
      await this.d.timerStarts.fireDue((key, definitionKey, elementId) => this.d.driver.startFromTimer(key, definitionKey, elementId));
      if (++this.cycle % 20 === 0) await this.recover(this.cycle % 120 === 0);
    } catch (err) {
      this.d.logger.error({ err }, 'engine poll failed');
    } finally {
      this.polling = false;
    }
  }

  private async recover(full: boolean): Promise<void> {
    const { leases, actors, driver, models } = this.d;
    await leases.releaseDeadOwners();
    for (const key of await leases.expired()) if (!actors.loaded(key)) void driver.drive(key);
    const timed = await models.Instance.find({ status: 'active', wakeAt: { $ne: null } })
      .select('wakeAt')
      .lean();
    const now = Date.now();
    for (const d of timed) {
      if (!d.wakeAt || actors.loaded(d._id)) continue;
      if (d.wakeAt.getTime() <= now) void driver.drive(d._id);
      else this.d.wakes.at(d._id, d.wakeAt);
    }
    await models.Message.deleteMany({ status: 'buffered', expiresAt: { $lte: new Date() } });
    if (full) await this.sweep();
  }

  /**
   * Inputs that reached the database but whose instance was never woken for them (the process
   * died between the two writes): wake those instances. An instance that applies an input marks
   * it `applied` (a job is deleted), so only the lost ones are found here.
   */
  private async sweep(): Promise<void> {
    const { Job, UserTask, Subscription, Instance } = this.d.models;
    const before = new Date(Date.now() - 2000);
    const [jobs, tasks, subs, children] = await Promise.all([
      Job.find({ status: 'reported', sweptAt: null, reportedAt: { $lt: before } })
        .select('instanceKey')
        .limit(100)
        .lean(),
      UserTask.find({ status: 'completed', applied: { $ne: true }, sweptAt: null, completedAt: { $lt: before } })
        .select('instanceKey')
        .limit(100)
        .lean(),
      Subscription.find({ status: 'correlated', applied: { $ne: true }, sweptAt: null, correlatedAt: { $lt: before } })
        .select('instanceKey')
        .limit(100)
        .lean(),
      Instance.find({ status: 'completed', parentKey: { $ne: null }, parentNotified: { $ne: true }, endedAt: { $lt: before } })
        .select('parentKey')
        .limit(100)
        .lean(),
    ]);
    const keys = new Set<string>([
      ...jobs.map((j) => j.instanceKey),
      ...tasks.map((t) => t.instanceKey),
      ...subs.map((x) => x.instanceKey),
      ...children.map((c) => c.parentKey!),
    ]);
    if (!keys.size) return;
    // The wake is written before the inputs are marked, so a crash in between only sweeps again.
    for (const k of keys) await this.d.driver.requestWake(k);
    const now = new Date();
    if (jobs.length) await Job.updateMany({ _id: { $in: jobs.map((j) => j._id) } }, { $set: { sweptAt: now } });
    if (tasks.length) await UserTask.updateMany({ _id: { $in: tasks.map((t) => t._id) } }, { $set: { sweptAt: now } });
    if (subs.length) await Subscription.updateMany({ _id: { $in: subs.map((x) => x._id) } }, { $set: { sweptAt: now } });
    if (children.length) await Instance.updateMany({ _id: { $in: children.map((c) => c._id) } }, { $set: { parentNotified: true } });
    for (const k of keys) void this.d.driver.drive(k);
  }

  private async renewLeases(): Promise<void> {
    for (const inst of this.d.actors.held()) if (!(await this.d.leases.renew(inst.key))) inst.leaseLost = true;
  }
}
