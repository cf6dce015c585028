/**
 * Drives instances: starts them, loads one when something happens to it (taking its lease),
 * settles and writes it after every operation, and lets it go at every wait. Each instance is
 * driven by one actor in one process at a time, and it is in memory only while it has work.
 */
import type { Logger } from 'pino';
import { conflict, notFound } from '@ggzy/shared';
import type { Variables } from '../port/engine-port';
import type { Actors, InstanceOp } from './actors';
import type { Definitions } from './definitions';
import { InstanceRunner, type CompiledEntry, type LocalJob, type RunnerHost } from './instance-runner';
import type { InstanceWrites } from './instance-writes';
import type { Jobs } from './jobs';
import type { Leases } from './leases';
import type { GroupCommit } from './group-commit';
import type { EngineModels } from './models';
import { StateWriter } from './state-writer';
import type { WakeSchedule } from './wake-schedule';
import type { Waiter } from './waiters';

export interface DriverDeps {
  models: EngineModels;
  commit: GroupCommit;
  logger: Logger;
  owner: string;
  leaseMs: number;
  leases: Leases;
  actors: Actors;
  definitions: Definitions;
  jobs: Jobs;
  writes: InstanceWrites;
  wakes: WakeSchedule;
}

export class InstanceDriver implements RunnerHost {
  readonly models: EngineModels;
  readonly commit: GroupCommit;
  readonly logger: Logger;
  readonly owner: string;
  readonly leaseMs: number;
  private readonly writer = new StateWriter();

  constructor(private readonly d: DriverDeps) {
    this.models = d.models;
    this.commit = d.commit;
    this.logger = d.logger;
    this.owner = d.owner;
    this.leaseMs = d.leaseMs;
  }

  // ---- what a loaded instance asks of its host -----------------------------------------------

  hasLocalWorker(type: string): boolean {
    return this.d.jobs.hasLocalWorker(type);
  }

  runLocalJob(inst: InstanceRunner, waiter: Waiter, job: LocalJob): void {
    this.d.jobs.runLocal(inst, waiter, job);
  }

  jobsStored(): void {
    void this.d.jobs.poll().catch((err: unknown) => this.logger.error({ err }, 'job poll failed'));
  }

  enqueue(key: string, op: InstanceOp): Promise<void> {
    return this.d.actors.enqueue(key, op);
  }

  fire(key: string, op: InstanceOp): void {
    this.d.actors.fire(key, op);
  }

  async afterTimer(inst: InstanceRunner): Promise<void> {
    await this.afterOp(inst);
  }

  async startChild(
    parent: InstanceRunner,
    req: { key: string; processId: string; variables: Variables; parentExecutionId: string },
  ): Promise<'started' | 'missing'> {
    const d = await this.d.definitions.find(req.processId);
    if (!d) return 'missing';
    const entry = await this.d.definitions.compiled(d._id);
    await this.startNew(req.key, entry, req.variables, { parentKey: parent.key, parentExecutionId: req.parentExecutionId, startedAt: new Date() }, true);
    return 'started';
  }

  // ---- starting and ending -------------------------------------------------------------------

  /** Whether an instance with this key was ever started (it runs, or it has ended). */
  async exists(key: string): Promise<boolean> {
    const [live, past] = await Promise.all([
      this.models.runtime.findOne({ _id: key }, { projection: { _id: 1 } }),
      this.models.history.findOne({ _id: key }, { projection: { _id: 1 } }),
    ]);
    return !!(live || past);
  }

  /**
   * Start an instance with a known key; resolves once its first state is written. A new instance
   * takes no lease: nobody else knows its key until that write. `deterministic`: the key names
   * something that may have been started before (a child, a timer's occurrence): then it is not
   * started twice.
   */
  async startNew(key: string, entry: CompiledEntry, variables: Variables, meta: InstanceRunner['meta'], deterministic = false): Promise<void> {
    if (deterministic && (await this.exists(key))) return;
    let firstWrite: Promise<void> | void = undefined;
    await this.enqueue(key, async (existing) => {
      if (existing) return;
      const inst = new InstanceRunner(this, key, entry, meta, { ...variables }, null);
      this.d.actors.hold(inst);
      // Started by the engine itself (a timer): told, so that the lists and the monitor show it.
      if (meta.startElementId)
        inst.emitLater('instance.started', {
          key,
          processId: entry.processId,
          version: entry.version,
          definitionKey: entry.key,
          startElementId: meta.startElementId,
          startedAt: meta.startedAt.toISOString(),
        });
      inst.start();
      // The caller waits for the first write, but the instance does not: its jobs go on meanwhile.
      firstWrite = (await this.afterOp(inst))?.written;
    });
    await firstWrite;
  }

  /** Start an instance for a due timer start event (idempotent per occurrence). */
  async startFromTimer(key: string, definitionKey: string, elementId: string): Promise<void> {
    const entry = await this.d.definitions.compiled(definitionKey);
    await this.startNew(key, entry, {}, { startElementId: elementId, startedAt: new Date() }, true);
  }

  async cancelInstance(key: string): Promise<void> {
    await this.enqueue(key, async (loaded) => {
      const inst = loaded ?? (await this.load(key));
      if (!inst) {
        const live = await this.models.runtime.findOne({ _id: key }, { projection: { _id: 1 } });
        if (live) {
          throw conflict(
            'INSTANCE_BUSY',
            '流程实例正在由另一个引擎进程处理，请稍后重试',
            'The instance is being driven by another engine process; retry shortly',
          );
        }
        const past = await this.models.history.findOne({ _id: key }, { projection: { status: 1 } });
        if (!past) throw notFound('Process instance', '流程实例', key);
        throw conflict('INSTANCE_NOT_ACTIVE', `流程实例已结束（${past.status}）`, `The process instance is not active (${past.status})`);
      }
      inst.ended = 'canceled';
      await this.finish(inst);
    });
  }

  /** Cancel an instance for its parent: a durable request first (recovery carries it out if we die), then the cancel. */
  async requestCancel(key: string): Promise<void> {
    const id = `x:${key}`;
    await this.commit.insert(this.models.outcomes, { _id: id, instanceKey: key, at: new Date(), payload: '{}' });
    void this.carryOutCancel(key);
  }

  /** A cancel request found in the outcomes (by this process or by recovery): cancel, then forget the request. */
  async carryOutCancel(key: string): Promise<void> {
    try {
      await this.cancelInstance(key);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'INSTANCE_BUSY') return; // the holder is busy: recovery asks again
      if (code !== 'INSTANCE_NOT_ACTIVE' && code !== 'NOT_FOUND') {
        this.logger.error({ err, instance: key }, 'cancel for the parent failed');
        return;
      }
    }
    await this.commit.remove(this.models.outcomes, `x:${key}`);
  }

  // ---- waking ------------------------------------------------------------------------------

  /**
   * Something happened to an instance (a task, a message, a child, a job outcome): let it move on.
   * The input itself is written first (an outcome document), so a crash before the instance is
   * driven loses nothing: recovery finds the outcome and drives the instance; a holder in another
   * process sees the wake flag on its lease.
   */
  async touch(key: string): Promise<void> {
    if (!this.d.actors.loaded(key)) await this.d.leases.flagWake(key);
    return this.drive(key);
  }

  driveLater(key: string, ms: number): void {
    setTimeout(() => void this.drive(key), ms).unref();
  }

  /** Drive an instance in this process now (load it if needed and re-check its waits). */
  drive(key: string): Promise<void> {
    return this.withLoaded(key, (inst) => inst.recheck(), true).catch((err: unknown) => {
      this.logger.error({ err, instance: key }, 'drive failed');
    });
  }

  async withLoaded(key: string, fn: (inst: InstanceRunner) => void, quiet = false): Promise<void> {
    await this.enqueue(key, async (loaded) => {
      let inst = loaded;
      if (inst) fn(inst);
      else {
        inst = await this.load(key);
        if (!inst) {
          if (quiet) return;
          throw conflict(
            'INSTANCE_NOT_AVAILABLE',
            '流程实例不存在、已结束或正由其他进程处理',
            'The instance does not exist, has ended, or is driven by another process',
          );
        }
        if (!quiet) fn(inst);
      }
      await this.afterOp(inst);
    });
  }

  // ---- loading and letting go ----------------------------------------------------------------

  /** Take the lease and bring the instance into memory; resuming re-checks every wait. */
  private async load(key: string): Promise<InstanceRunner | undefined> {
    const lease = await this.d.leases.acquire(key);
    if (!lease) {
      await this.d.leases.flagWake(key); // held elsewhere: the holder looks again when it lets go
      return undefined;
    }
    const doc = await this.models.runtime.findOne({ _id: key });
    if (!doc) {
      await this.d.leases.release(key); // ended (in history), or never written
      return undefined;
    }
    if (lease.takenFrom && (await this.models.history.findOne({ _id: key }, { projection: { _id: 1 } }))) {
      // Its process died while moving it to history: finish the move.
      await this.d.writes.finishMove(doc);
      return undefined;
    }
    const entry = await this.d.definitions.compiled(doc.definitionKey);
    const inst = new InstanceRunner(
      this,
      key,
      entry,
      { parentKey: doc.parentKey, parentExecutionId: doc.parentExecutionId, startElementId: doc.startElementId, startedAt: doc.startedAt },
      JSON.parse(doc.variables) as Variables,
      doc,
    );
    inst.leased = true;
    this.d.wakes.forget(key);
    this.d.actors.hold(inst);
    if (doc.state) inst.resume(JSON.parse(doc.state));
    else inst.start();
    return inst;
  }

  /**
   * Settle, write, and drop the instance if it waits on nothing local. While it keeps running
   * (jobs in flight) the write is not waited for; its promise is returned for callers that must.
   */
  async afterOp(inst: InstanceRunner): Promise<{ written: Promise<void> } | void> {
    await inst.settle();
    // New waits become live only after the state that holds them is written.
    while (inst.hasActivations && !inst.leaseLost && !inst.ended) {
      await this.save(inst);
      if (inst.leaseLost) break;
      await inst.activate();
      await inst.settle();
    }
    if (inst.leaseLost) return void this.drop(inst);
    if (inst.ended) return void (await this.finish(inst));
    if (!inst.busy) return void (await this.evict(inst));
    const written = this.save(inst);
    written.catch((err: unknown) => this.logger.error({ err, instance: inst.key }, 'state write failed'));
    // Wrapped: an async function returning a bare promise would make its callers wait for it.
    return { written };
  }

  /** Write the instance as it is when the write starts (saves asked for meanwhile join it). */
  private save(inst: InstanceRunner): Promise<void> {
    return this.writer.save(inst.key, () => (inst.stopped ? async () => undefined : this.d.writes.build(inst, false)));
  }

  private drop(inst: InstanceRunner): void {
    inst.stop();
    this.d.actors.release(inst);
  }

  /** Write the instance and let it go; its next timer is scheduled. */
  async evict(inst: InstanceRunner): Promise<void> {
    const write = this.d.writes.build(inst, true);
    const wakeAt = inst.nextTimer();
    this.drop(inst);
    await this.writer.save(inst.key, () => write);
    if (wakeAt && !inst.leaseLost) this.d.wakes.at(inst.key, wakeAt);
  }

  private async finish(inst: InstanceRunner): Promise<void> {
    // What it still waits for is closed with it (a cancel leaves its waits open).
    inst.closeAllWaits();
    if (inst.ended === 'completed') inst.emitLater('instance.completed', { key: inst.key, processId: inst.def.processId, variables: inst.vars });
    if (inst.ended === 'canceled') inst.emitLater('instance.canceled', { key: inst.key, processId: inst.def.processId });
    if (inst.ended === 'failed') inst.emitLater('instance.failed', { key: inst.key, processId: inst.def.processId, error: inst.endError ?? 'engine error' });
    const write = this.d.writes.end(inst);
    this.drop(inst);
    await this.writer.save(inst.key, () => write);
  }
}
