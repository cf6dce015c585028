/**
 * The engine's loop: due wake-ups and stored jobs every poll, due timer start events, timer
 * buckets, and — every few seconds — the look-around for what a crash left behind, reading only
 * collections as small as the work in flight: leases of dead or stalled processes, outcomes not
 * yet applied (an input whose instance was never woken, or one left after it was applied), and
 * cancel requests for children. Nothing here reads the runtime or history of every instance, so
 * the loop costs the same with ten instances or a million. Lease renewal runs on its own clock.
 */
import type { Logger } from 'pino';
import type { Actors } from './actors';
import type { EngineEventBus } from './engine-events';
import type { InstanceDriver } from './instance-driver';
import type { InstanceWrites } from './instance-writes';
import type { Jobs } from './jobs';
import type { Leases } from './leases';
import { dropExpired } from './messages';
import type { EngineModels, OutcomeDoc } from './models';
import type { TimerBuckets } from './timer-buckets';
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
  writes: InstanceWrites;
  jobs: Jobs;
  events: EngineEventBus;
  timerStarts: TimerStarts;
  buckets: TimerBuckets;
  wakes: WakeSchedule;
}

/** An outcome this young may still be on its way to its instance (the touch that follows its write). */
const OUTCOME_GRACE_MS = 2000;

export class Recovery {
  private pollTimer?: NodeJS.Timeout;
  private renewTimer?: NodeJS.Timeout;
  private polling = false;
  private lastLook = 0;
  private lastExpiry = 0;
  running = false;

  constructor(private readonly d: RecoveryDeps) {}

  async start(): Promise<void> {
    this.running = true;
    await this.warnOfEarlierLayout();
    const told = await this.d.events.replay();
    if (told) this.d.logger.info({ batches: told }, 'telling listeners the events they had not taken');
    await this.lookAround(0);
    await this.visitBuckets();
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

  /** Instances stored by versions before the runtime was kept apart from history are not carried over. */
  private async warnOfEarlierLayout(): Promise<void> {
    const db = this.d.models.Definition.db.db;
    if (!db) return;
    const old = await db.listCollections({ name: 'engine_instances' }, { nameOnly: true }).toArray();
    if (old.length && (await db.collection('engine_instances').findOne({ status: 'active' }, { projection: { _id: 1 } })))
      this.d.logger.warn(
        'engine_instances holds instances stored by an earlier version of the engine; they are not carried over (finish them with that version, or start them again)',
      );
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
      await this.visitBuckets();
      const now = Date.now();
      if (now - this.lastLook >= Math.max(this.d.pollMs * 20, 1000)) await this.lookAround(OUTCOME_GRACE_MS);
      if (now - this.lastExpiry >= 60_000) {
        this.lastExpiry = now;
        await dropExpired(this.d.models);
      }
    } catch (err) {
      this.d.logger.error({ err }, 'engine poll failed');
    } finally {
      this.polling = false;
    }
  }

  /** Timers of instances not in memory: schedule the current minute's, drive the passed ones' that are due. */
  private visitBuckets(): Promise<void> {
    const { models, actors, driver, wakes } = this.d;
    const wakeAtOf = async (key: string) => (await models.runtime.findOne({ _id: key }, { projection: { wakeAt: 1 } }))?.wakeAt ?? null;
    return this.d.buckets.visit(
      Date.now(),
      async (key) => {
        const at = actors.loaded(key) ? null : await wakeAtOf(key);
        if (at) wakes.at(key, at);
      },
      async (key) => {
        if (actors.loaded(key)) return;
        const at = await wakeAtOf(key);
        if (at && at.getTime() <= Date.now()) await driver.drive(key);
        else if (at) wakes.at(key, at);
      },
    );
  }

  private async lookAround(graceMs: number): Promise<void> {
    this.lastLook = Date.now();
    const { leases, actors, driver, models } = this.d;
    await leases.releaseDeadOwners();
    for (const key of await leases.expired()) if (!actors.loaded(key)) void driver.drive(key);
    const before = Date.now() - graceMs;
    const pending = (await models.outcomes.find({}).limit(500).toArray()).filter((o) => o.at.getTime() <= before);
    for (const o of pending) await this.settleOutcome(o);
  }

  /**
   * An outcome still there after its grace: its instance was never woken for it (drive it), or it
   * no longer waits for it (the state that applied it was written, its deletion was not; or it
   * came after the instance moved on): then it is deleted with what its wait left behind.
   */
  private async settleOutcome(o: OutcomeDoc): Promise<void> {
    const { models, actors, driver, writes } = this.d;
    if (o._id.startsWith('x:')) return driver.carryOutCancel(o.instanceKey);
    if (actors.loaded(o.instanceKey)) return void driver.drive(o.instanceKey);
    const doc = await models.runtime.findOne({ _id: o.instanceKey }, { projection: { waits: 1 } });
    const wait = doc?.waits.find((w) => w.id === o._id);
    if (wait) return void driver.drive(o.instanceKey);
    // A child's end for a parent that is gone, a task completed too late, a job reported for a step left.
    await writes.dropOutcome(o._id);
  }

  private async renewLeases(): Promise<void> {
    const held = this.d.actors.held().filter((i) => i.leased);
    const lost = new Set(await this.d.leases.renewAll(held.map((i) => i.key)));
    for (const inst of held) if (lost.has(inst.key)) inst.leaseLost = true;
  }
}
