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
import type { EngineEventBus } from './engine-events';
import { InstanceRunner, type CompiledEntry, type LocalJob, type RunnerHost } from './instance-runner';
import type { InstanceWrites } from './instance-writes';
import type { Jobs } from './jobs';
import type { Leases } from './leases';
import type { EngineModels } from './models';
import { StateWriter } from './state-writer';
import type { WakeSchedule } from './wake-schedule';
import type { Waiter } from './waiters';

export interface DriverDeps {
  models: EngineModels;
  logger: Logger;
  owner: string;
  leaseMs: number;
  leases: Leases;
  actors: Actors;
  definitions: Definitions;
  events: EngineEventBus;
  jobs: Jobs;
  writes: InstanceWrites;
  wakes: WakeSchedule;
}

export class InstanceDriver implements RunnerHost {
  readonly models: EngineModels;
  readonly logger: Logger;
  readonly owner: string;
  readonly leaseMs: number;
  private readonly writer = new StateWriter();

  constructor(private readonly d: DriverDeps) {
    this.models = d.models;
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
    await this.startNew(req.key, entry, req.variables, { parentKey: parent.key, parentExecutionId: req.parentExecutionId, startedAt: new Date() });
    return 'started';
  }

  // ---- starting and ending -------------------------------------------------------------------

  /** Start an instance with a known key; resolves once its first state is written. */
  async startNew(key: string, entry: CompiledEntry, variables: Variables, meta: InstanceRunner['meta']): Promise<void> {
    let firstWrite: Promise<void> | void = undefined;
    await this.enqueue(key, async (existing) => {
      if (existing) return;
      if (!(await this.d.leases.acquire(key))) return; // a deterministic key already being started elsewhere
      const inst = new InstanceRunner(this, key, entry, meta, { ...variables }, false);
      this.d.actors.hold(inst);
      inst.start();
      // The caller waits for the first write, but the instance does not: its jobs go on meanwhile.
      firstWrite = (await this.afterOp(inst))?.written;
    });
    await firstWrite;
  }

  /** Start an instance for a due timer start event (idempotent per occurrence). */
  async startFromTimer(key: string, definitionKey: string, elementId: string): Promise<void> {
    if ((await this.models.Instance.findById(key).select('_id').lean()) || (await this.models.states.get(key))) return;
    const entry = await this.d.definitions.compiled(definitionKey);
    await this.startNew(key, entry, {}, { startElementId: elementId, startedAt: new Date() });
  }

  async cancelInstance(key: string): Promise<void> {
    await this.enqueue(key, async (loaded) => {
      const inst = loaded ?? (await this.load(key));
      if (!inst) {
        const doc = await this.models.Instance.findById(key).select('status').lean();
        if (!doc) throw notFound('Process instance', '流程实例', key);
        if (doc.status !== 'active')
          throw conflict('INSTANCE_NOT_ACTIVE', `流程实例已结束（${doc.status}）`, `The process instance is not active (${doc.status})`);
        throw conflict(
          'INSTANCE_BUSY',
          '流程实例正在由另一个引擎进程处理，请稍后重试',
          'The instance is being driven by another engine process; retry shortly',
        );
      }
      inst.ended = 'canceled';
      await this.finish(inst);
    });
    const children = await this.models.Instance.find({ parentKey: key, status: 'active' }).select('_id').lean();
    for (const c of children) await this.cancelInstance(c._id).catch(() => undefined);
  }

  // ---- waking ------------------------------------------------------------------------------

  /**
   * Something happened to an instance (a task, a message, a child, a job outcome): let it move on.
   * The request is written first, so a crash before the instance is driven loses nothing: the
   * recovery scan finds it by its due `wakeAt`, and a holder in another process sees the flag.
   */
  async touch(key: string): Promise<void> {
    if (!this.d.actors.loaded(key)) await this.requestWake(key);
    return this.drive(key);
  }

  async requestWake(key: string): Promise<void> {
    if (await this.d.leases.flagWake(key)) return;
    // Nobody holds it; written after any holder's last write, so it stays.
    await this.models.Instance.updateOne({ _id: key }, { $set: { wakeAt: new Date() } });
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
    this.logger.debug({ instance: key, lease }, 'load');
    if (!lease) {
      await this.requestWake(key); // held elsewhere: the holder looks again when it lets go
      return undefined;
    }
    const { Instance } = this.models;
    const { row, st, doc } = await this.d.writes.read(key);
    if (!doc || doc.status !== 'active') {
      this.logger.debug({ instance: key, status: doc?.status }, 'load: not active');
      await this.d.leases.release(key);
      if (doc?.wakeAt) await Instance.updateOne({ _id: key }, { $set: { wakeAt: null } });
      return undefined;
    }
    if (st?.ended) {
      // The process that ended it died before writing the instance row: write it now.
      const ended = { status: st.ended, activeElements: [], wakeAt: null, endedAt: new Date() };
      if (row) await Instance.updateOne({ _id: key }, { $set: ended });
      else await Instance.collection.insertOne({ ...doc, ...ended } as never);
      await this.d.leases.release(key);
      if (doc.parentKey && st.ended === 'completed') void this.touch(doc.parentKey);
      return undefined;
    }
    const entry = await this.d.definitions.compiled(doc.definitionKey);
    const inst = new InstanceRunner(
      this,
      key,
      entry,
      { parentKey: doc.parentKey, parentExecutionId: doc.parentExecutionId, startElementId: doc.startElementId, startedAt: doc.startedAt },
      st ? (JSON.parse(st.variables) as Variables) : {},
      true,
    );
    inst.rowWritten = !!row;
    this.d.wakes.forget(key);
    this.d.actors.hold(inst);
    if (st?.state) inst.resume(JSON.parse(st.state));
    else inst.start();
    if (lease.takenFrom) {
      // Taken over from a process that died: close waits it opened but never saved.
      await inst.settle();
      await this.d.writes.closeUnsaved(inst);
    }
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
      await this.writer.save(inst.key, () => this.d.writes.write(inst, inst.snapshot(false), false));
      if (inst.leaseLost) break;
      await inst.activate();
      await inst.settle();
    }
    if (inst.leaseLost) return void this.drop(inst);
    if (inst.ended) return void (await this.finish(inst));
    if (!inst.busy) return void (await this.evict(inst));
    const written = this.writer.save(inst.key, () => {
      const snap = inst.stopped ? null : inst.snapshot(false);
      return snap ? this.d.writes.write(inst, snap, false) : async () => undefined;
    });
    const emits = inst.emits.splice(0);
    const after = written.then(() => this.d.events.flush(emits));
    after.catch((err: unknown) => this.logger.error({ err, instance: inst.key }, 'state write failed'));
    // Wrapped: an async function returning a bare promise would make its callers wait for it.
    return { written: after };
  }

  private drop(inst: InstanceRunner): void {
    inst.stop();
    this.d.actors.release(inst);
  }

  /** Write the instance and let it go; its next timer is scheduled. */
  async evict(inst: InstanceRunner): Promise<void> {
    const snap = inst.snapshot(true);
    this.drop(inst);
    await this.writer.save(inst.key, () => this.d.writes.write(inst, snap, true));
    this.d.events.flush(inst.emits.splice(0));
    if (snap.instance.wakeAt) this.d.wakes.at(inst.key, snap.instance.wakeAt);
  }

  private async finish(inst: InstanceRunner): Promise<void> {
    const snap = inst.snapshot(true);
    this.drop(inst);
    await this.writer.save(inst.key, () => this.d.writes.write(inst, snap, true));
    // Only an instance that ever had tasks, subscriptions, job rows or incidents has any to close.
    if (inst.usedCollections) await this.d.writes.closeLeftovers(inst);
    if (inst.ended === 'completed') inst.emitLater('instance.completed', { key: inst.key, processId: inst.def.processId, variables: inst.vars });
    if (inst.ended === 'canceled') inst.emitLater('instance.canceled', { key: inst.key, processId: inst.def.processId });
    this.d.events.flush(inst.emits.splice(0));
    if (inst.meta.parentKey && inst.ended === 'completed') void this.touch(inst.meta.parentKey);
  }
}
