/**
 * The embedded adapter of the engine port: bpmn-engine's elements run in this process, state in
 * MongoDB. Each instance is driven by one actor (a promise chain) in one process at a time (a
 * lease document while it is in memory); it is loaded when something happens to it and dropped
 * at every wait. Live instances are kept apart from ended ones (models.ts), and every read and
 * write on the way of an instance is by `_id`, so the engine costs the same at any history size.
 *
 * This façade wires the parts: definitions (deploy, compile cache), the instance driver (start,
 * load, write, let go), writes (runtime, history, outbox), jobs (dispatch, poll, retries),
 * messages, and recovery (wake-ups, timer buckets, leases, pending outcomes).
 */
import { processOwner } from '../db/process-owner';
import { Types, type Connection } from 'mongoose';
import type { Logger } from 'pino';
import { conflict, notFound, userError, type ProcessDefinitionSummary } from '@ggzy/shared';
import type {
  CreateInstanceRequest,
  CreateInstanceResult,
  DefinitionDetail,
  DeployResult,
  EngineEvents,
  EnginePort,
  InstanceView,
  PublishMessageRequest,
  PublishMessageResult,
  UserTaskRecord,
  Variables,
  WorkerOptions,
} from '../port/engine-port';
import { Actors } from './actors';
import { Definitions } from './definitions';
import { EngineEventBus, taskRecord } from './engine-events';
import { GroupCommit } from './group-commit';
import { InstanceDriver } from './instance-driver';
import { InstanceWrites } from './instance-writes';
import { Jobs } from './jobs';
import { Leases } from './leases';
import { publishMessage } from './messages';
import { engineModels, instanceOf, type EngineModels, type HistoryDoc, type IncidentRec, type RuntimeDoc } from './models';
import { Recovery } from './recovery';
import { TimerBuckets } from './timer-buckets';
import { TimerStarts } from './timer-starts';
import { WakeSchedule } from './wake-schedule';

export interface EmbeddedEngineOptions {
  connection: Connection;
  logger: Logger;
  /** How long an instance stays leased to this process without renewal (ms). */
  leaseMs?: number;
  /** How often due timers, retried jobs and abandoned instances are looked for (ms). */
  pollMs?: number;
  /** How long a job run by the poller may take before another process may take it (ms). */
  jobTimeoutMs?: number;
  /** The first back-off before an event a listener failed to take is told again (ms). */
  listenerRetryMs?: number;
}

export class EmbeddedEngine implements EnginePort {
  readonly mode = 'embedded' as const;
  readonly models: EngineModels;
  readonly owner = processOwner();
  readonly logger: Logger;
  private readonly commit: GroupCommit;
  private readonly events: EngineEventBus;
  private readonly actors: Actors;
  private readonly definitions: Definitions;
  private readonly jobs: Jobs;
  private readonly driver: InstanceDriver;
  private readonly recovery: Recovery;

  constructor(opts: EmbeddedEngineOptions) {
    this.models = engineModels(opts.connection);
    this.logger = opts.logger.child({ scope: 'engine' });
    const leaseMs = opts.leaseMs ?? 15_000;
    const commit = new GroupCommit();
    this.commit = commit;
    const leases = new Leases(this.models, this.owner, leaseMs, commit);
    const timerStarts = new TimerStarts(this.models, this.logger);
    const buckets = new TimerBuckets(this.models);
    this.events = new EngineEventBus(this.logger, this.models, commit, opts.listenerRetryMs);
    this.actors = new Actors(this.logger);
    this.definitions = new Definitions(this.models, timerStarts);
    const wakes = new WakeSchedule(
      (key) => void this.driver.drive(key),
      () => this.recovery.running,
    );
    const recovery = () => this.recovery;
    this.jobs = new Jobs(this.models, commit, this.logger, this.owner, opts.jobTimeoutMs ?? 5 * 60_000, {
      get running() {
        return recovery().running;
      },
      fire: (key, op) => this.actors.fire(key, op),
      afterOp: (inst) => this.driver.afterOp(inst),
      touch: (key) => this.driver.touch(key),
    });
    const writes = new InstanceWrites({
      models: this.models,
      commit,
      leases,
      logger: this.logger,
      events: this.events,
      buckets,
      driveAgain: (key) => void this.driver.drive(key),
      touch: (key) => void this.driver.touch(key),
      requestCancel: (key) => this.driver.requestCancel(key),
    });
    this.driver = new InstanceDriver({
      models: this.models,
      commit,
      logger: this.logger,
      owner: this.owner,
      leaseMs,
      leases,
      actors: this.actors,
      definitions: this.definitions,
      jobs: this.jobs,
      writes,
      wakes,
    });
    this.recovery = new Recovery({
      models: this.models,
      logger: this.logger,
      leases,
      leaseMs,
      pollMs: opts.pollMs ?? 500,
      actors: this.actors,
      driver: this.driver,
      writes,
      jobs: this.jobs,
      events: this.events,
      timerStarts,
      buckets,
      wakes,
    });
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  /** Attach listeners (`on`) before: events they had not taken when the engine last stopped are told again now. */
  async start(): Promise<void> {
    await Promise.all([this.models.Definition.init(), this.models.Lease.init(), this.models.TimerStart.init()]);
    await this.recovery.start();
  }

  async stop(): Promise<void> {
    this.recovery.stop();
    this.events.stop();
    // Let running operations finish, then write and release every loaded instance.
    await this.actors.quiesce(10_000);
    await this.actors.drainAll((inst) => this.driver.evict(inst));
  }

  on<E extends keyof EngineEvents>(event: E, listener: EngineEvents[E]): void {
    this.events.on(event, listener);
  }

  off<E extends keyof EngineEvents>(event: E, listener: EngineEvents[E]): void {
    this.events.off(event, listener);
  }

  /** Number of instances held in memory right now (for health and benchmarks). */
  get loadedCount(): number {
    return this.actors.loadedCount;
  }

  // ---- deployment --------------------------------------------------------------------------

  deploy(resources: { name: string; content: string }[]): Promise<DeployResult> {
    // Forms are the inbox's: the embedded engine links none.
    return this.definitions.deploy(resources.filter((r) => !r.name.endsWith('.form')));
  }

  listDefinitions(): Promise<ProcessDefinitionSummary[]> {
    return this.definitions.list();
  }

  getDefinition(key: string): Promise<DefinitionDetail> {
    return this.definitions.get(key);
  }

  // ---- instances ---------------------------------------------------------------------------

  async createInstance(req: CreateInstanceRequest): Promise<CreateInstanceResult> {
    const d = await this.definitions.find(req.processId, req.version);
    if (!d) throw notFound('Process', '流程', req.version ? `${req.processId} v${req.version}` : req.processId);
    const entry = await this.definitions.compiled(d._id);
    const proc = entry.compiled.processes.find((p) => p.id === req.processId);
    if (!proc?.hasNoneStart) {
      throw userError(
        'NO_NONE_START_EVENT',
        `流程 ${req.processId} 没有可手动发起的开始事件`,
        `Process ${req.processId} has no none start event to start it by hand`,
      );
    }
    const key = req.requestKey ?? new Types.ObjectId().toHexString();
    if (req.requestKey) {
      // Started before with this key (a start made again after a crash): that instance it is.
      const before = (await this.models.runtime.findOne({ _id: key })) ?? (await this.models.history.findOne({ _id: key }));
      if (before) return { key, processId: before.processId, version: before.version, definitionKey: before.definitionKey };
    }
    // (Looked for above already; a start racing this one with the same key loses at its first write.)
    await this.driver.startNew(key, entry, req.variables ?? {}, { startedAt: new Date() });
    return { key, processId: d.processId, version: d.version, definitionKey: d._id };
  }

  cancelInstance(key: string): Promise<void> {
    return this.driver.cancelInstance(key);
  }

  async setVariables(instanceKey: string, variables: Variables): Promise<void> {
    await this.driver.withLoaded(instanceKey, (inst) => {
      Object.assign(inst.vars, variables);
      inst.recheck();
    });
  }

  async resolveIncident(incidentKey: string, opts: { retries?: number } = {}): Promise<void> {
    const instanceKey = instanceOf(incidentKey);
    const live = await this.models.runtime.findOne({ _id: instanceKey }, { projection: { incidents: 1 } });
    const inc = live?.incidents.find((i) => i.key === incidentKey);
    if (!inc) {
      const past = await this.models.history.findOne({ _id: instanceKey }, { projection: { incidents: 1 } });
      if (past?.incidents.some((i) => i.key === incidentKey)) throw conflict('INCIDENT_NOT_OPEN', '该故障已处理', 'The incident is already resolved');
      throw notFound('Incident', '故障', incidentKey);
    }
    if (inc.status !== 'open') throw conflict('INCIDENT_NOT_OPEN', '该故障已处理', 'The incident is already resolved');
    if (inc.jobKey) {
      await this.models.jobs.updateOne(
        { _id: inc.jobKey },
        { $set: { status: 'activatable', retries: opts.retries ?? 1, runAt: new Date(), lockedUntil: null } },
      );
    }
    const at = new Date();
    if (
      !(await this.commit.insert(this.models.outcomes, { _id: `i:${incidentKey}`, instanceKey, at, payload: JSON.stringify({ retries: opts.retries ?? 1 }) }))
    ) {
      throw conflict('INCIDENT_NOT_OPEN', '该故障已处理', 'The incident is already resolved');
    }
    if (inc.jobKey) void this.jobs.poll();
    await this.driver.touch(instanceKey);
  }

  /** The instance as it runs, or as it ended. */
  private async read(key: string): Promise<RuntimeDoc | HistoryDoc | null> {
    return (await this.models.runtime.findOne({ _id: key })) ?? (await this.models.history.findOne({ _id: key }));
  }

  async getInstance(key: string): Promise<InstanceView> {
    const doc = await this.read(key);
    if (!doc) throw notFound('Process instance', '流程实例', key);
    return {
      key: doc._id,
      processId: doc.processId,
      version: doc.version,
      definitionKey: doc.definitionKey,
      status: doc.status,
      variables: JSON.parse(doc.variables) as Variables,
      parentKey: doc.parentKey,
      startedAt: doc.startedAt.toISOString(),
      endedAt: doc.endedAt?.toISOString(),
      activeElements: 'activeElements' in doc ? doc.activeElements : [],
      incidents: doc.incidents.map((i: IncidentRec) => ({
        key: i.key,
        instanceKey: doc._id,
        elementId: i.elementId,
        type: i.type,
        message: i.message,
        jobKey: i.jobKey,
        status: i.status,
        createdAt: i.createdAt.toISOString(),
      })),
    };
  }

  /** Everything stored of an instance: its runtime document while it runs, its history once it ended. */
  async inspect(key: string): Promise<{ runtime: RuntimeDoc | null; history: HistoryDoc | null }> {
    const [runtime, history] = await Promise.all([this.models.runtime.findOne({ _id: key }), this.models.history.findOne({ _id: key })]);
    return { runtime, history };
  }

  publishMessage(req: PublishMessageRequest): Promise<PublishMessageResult> {
    return publishMessage(this.models, this.commit, (key) => this.driver.touch(key), req);
  }

  // ---- user tasks --------------------------------------------------------------------------

  /**
   * Every open user task. This reads every live instance (the tasks are kept with them), so it is
   * for an inbox that must compare everything (the database layout, tests), not for a hot path:
   * the inbox hears of tasks from the engine's events, which the outbox keeps until taken.
   */
  async listOpenUserTasks(): Promise<UserTaskRecord[]> {
    const done = await this.completedNotApplied();
    const out: UserTaskRecord[] = [];
    const cursor = this.models.runtime.find({}, { projection: { processId: 1, tasks: 1 } });
    for await (const d of cursor) for (const t of d.tasks ?? []) if (!done.has(t.key)) out.push(taskRecord(d._id, d.processId, t));
    return out;
  }

  /** The open tasks of one instance (by `_id`). */
  async openTasksOf(instanceKey: string): Promise<UserTaskRecord[]> {
    const d = await this.models.runtime.findOne({ _id: instanceKey }, { projection: { processId: 1, tasks: 1 } });
    const tasks = d?.tasks ?? [];
    const done = await Promise.all(tasks.map((t) => this.models.outcomes.findOne({ _id: `t:${t.key}` }, { projection: { _id: 1 } })));
    return tasks.filter((_, i) => !done[i]).map((t) => taskRecord(d!._id, d!.processId, t));
  }

  /** Tasks completed whose instance has not yet applied the completion (no longer open). */
  private async completedNotApplied(): Promise<Set<string>> {
    const docs = await this.models.outcomes.find({}, { projection: { _id: 1 } }).toArray();
    return new Set(docs.filter((o) => o._id.startsWith('t:')).map((o) => o._id.slice(2)));
  }

  async completeUserTask(key: string, variables: Variables = {}): Promise<void> {
    const instanceKey = instanceOf(key);
    const live = await this.models.runtime.findOne({ _id: instanceKey }, { projection: { processId: 1, tasks: 1 } });
    const task = live?.tasks.find((t) => t.key === key);
    if (!task) {
      const trail = live
        ? await this.models.runtime.findOne({ _id: instanceKey }, { projection: { trail: 1 } })
        : await this.models.history.findOne({ _id: instanceKey }, { projection: { trail: 1 } });
      const past = trail?.trail.find((t) => t.key === key && t.kind === 'userTask');
      if (!past) throw notFound('User task', '任务', key);
      throw conflict('TASK_NOT_OPEN', `任务已${past.status === 'completed' ? '办结' : '取消'}`, `The task is already ${past.status}`);
    }
    const at = new Date();
    if (!(await this.commit.insert(this.models.outcomes, { _id: `t:${key}`, instanceKey, at, payload: JSON.stringify(variables) }))) {
      throw conflict('TASK_NOT_OPEN', '任务已办结', 'The task is already completed');
    }
    void this.events.emit('userTask.completed', { ...taskRecord(instanceKey, live!.processId, task), status: 'completed', completedAt: at.toISOString() });
    await this.driver.touch(instanceKey);
  }

  /** The inbox is this engine's tasklist: who holds a task is the inbox's to know. */
  async assignUserTask(): Promise<void> {}

  // ---- workers -----------------------------------------------------------------------------

  createWorker<V extends Variables = Variables>(opts: WorkerOptions<V>): { close(): void } {
    return this.jobs.createWorker(opts);
  }
}
