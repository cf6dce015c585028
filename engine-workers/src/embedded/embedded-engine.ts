/**
 * The embedded adapter of the engine port: bpmn-engine's elements run in this process, state in
 * MongoDB. Each instance is driven by one actor (a promise chain) in one process at a time (a
 * lease in its document); it is loaded when something happens to it and dropped at every wait.
 *
 * This façade wires the parts: definitions (deploy, compile cache), the instance driver (start,
 * load, write, let go), jobs (dispatch, poll, retries), messages, and recovery (wakes, leases,
 * sweeps).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
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
import { EngineEventBus, toUserTaskRecord } from './engine-events';
import { InstanceDriver } from './instance-driver';
import { InstanceWrites, readInstance } from './instance-writes';
import { Jobs } from './jobs';
import { Leases } from './leases';
import { publishMessage } from './messages';
import { engineModels, type EngineModels } from './models';
import { Recovery } from './recovery';
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
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  readonly logger: Logger;
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
    const leases = new Leases(this.models, this.owner, leaseMs);
    const timerStarts = new TimerStarts(this.models, this.logger);
    this.events = new EngineEventBus(this.logger, opts.listenerRetryMs);
    this.actors = new Actors(this.logger);
    this.definitions = new Definitions(this.models, timerStarts);
    const wakes = new WakeSchedule(
      (key) => void this.driver.drive(key),
      () => this.recovery.running,
    );
    const recovery = () => this.recovery;
    this.jobs = new Jobs(this.models, this.logger, this.owner, opts.jobTimeoutMs ?? 5 * 60_000, {
      get running() {
        return recovery().running;
      },
      fire: (key, op) => this.actors.fire(key, op),
      afterOp: (inst) => this.driver.afterOp(inst),
      touch: (key) => this.driver.touch(key),
    });
    const writes = new InstanceWrites(this.models, leases, this.logger, (key) => void this.driver.drive(key));
    this.driver = new InstanceDriver({
      models: this.models,
      logger: this.logger,
      owner: this.owner,
      leaseMs,
      leases,
      actors: this.actors,
      definitions: this.definitions,
      events: this.events,
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
      jobs: this.jobs,
      timerStarts,
      wakes,
    });
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  async start(): Promise<void> {
    await Promise.all(Object.values(this.models).map((m) => m.init()));
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
    const key = new Types.ObjectId().toHexString();
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
    const { Incident, Job } = this.models;
    const inc = await Incident.findOneAndUpdate(
      { _id: incidentKey, status: 'open' },
      { $set: { status: 'resolved', resolvedAt: new Date() } },
      { returnDocument: 'after' },
    ).lean();
    if (!inc) {
      if (await Incident.exists({ _id: incidentKey })) throw conflict('INCIDENT_NOT_OPEN', '该故障已处理', 'The incident is already resolved');
      throw notFound('Incident', '故障', incidentKey);
    }
    if (inc.jobKey) {
      await Job.updateOne({ _id: inc.jobKey }, { $set: { status: 'activatable', retries: opts.retries ?? 1, runAt: new Date(), lockedUntil: null } });
      void this.jobs.poll();
    }
    await this.driver.touch(inc.instanceKey);
  }

  async getInstance(key: string): Promise<InstanceView> {
    const [read, incidents] = await Promise.all([
      readInstance(this.models, key),
      this.models.Incident.find({ instanceKey: key }).sort({ createdAt: 1 }).lean(),
    ]);
    const { st, doc } = read;
    if (!doc) throw notFound('Process instance', '流程实例', key);
    return {
      key: doc._id,
      processId: doc.processId,
      version: doc.version,
      definitionKey: doc.definitionKey,
      status: doc.status,
      variables: st ? (JSON.parse(st.variables) as Variables) : {},
      parentKey: doc.parentKey,
      startedAt: doc.startedAt.toISOString(),
      endedAt: doc.endedAt?.toISOString(),
      activeElements: doc.activeElements ?? [],
      incidents: incidents.map((i) => ({
        key: i._id,
        instanceKey: i.instanceKey,
        elementId: i.elementId,
        type: i.type,
        message: i.message,
        jobKey: i.jobKey,
        status: i.status,
        createdAt: i.createdAt.toISOString(),
      })),
    };
  }

  publishMessage(req: PublishMessageRequest): Promise<PublishMessageResult> {
    return publishMessage(this.models, (key) => this.driver.touch(key), req);
  }

  // ---- user tasks --------------------------------------------------------------------------

  async listOpenUserTasks(): Promise<UserTaskRecord[]> {
    const docs = await this.models.UserTask.find({ status: 'created' }).lean();
    return docs.map(toUserTaskRecord);
  }

  async completeUserTask(key: string, variables: Variables = {}): Promise<void> {
    const { UserTask } = this.models;
    const doc = await UserTask.findOneAndUpdate(
      { _id: key, status: 'created' },
      { $set: { status: 'completed', result: JSON.stringify(variables), completedAt: new Date() } },
      { returnDocument: 'after' },
    ).lean();
    if (!doc) {
      const existing = await UserTask.findById(key).select('status').lean();
      if (!existing) throw notFound('User task', '任务', key);
      throw conflict('TASK_NOT_OPEN', `任务已${existing.status === 'completed' ? '办结' : '取消'}`, `The task is already ${existing.status}`);
    }
    this.events.emit('userTask.completed', toUserTaskRecord(doc));
    await this.driver.touch(doc.instanceKey);
  }

  /** The inbox is this engine's tasklist: who holds a task is the inbox's to know. */
  async assignUserTask(): Promise<void> {}

  // ---- workers -----------------------------------------------------------------------------

  createWorker<V extends Variables = Variables>(opts: WorkerOptions<V>): { close(): void } {
    return this.jobs.createWorker(opts);
  }
}
