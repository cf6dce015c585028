/**
 * The embedded adapter of the engine port: bpmn-engine's elements run in this process, state in
 * MongoDB. Each instance is driven by one actor (a promise chain) in one process at a time (a
 * lease in its document); it is loaded when something happens to it and dropped at every wait.
 */
import { EventEmitter } from 'node:events';
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Types, type Connection } from 'mongoose';
import type { Logger } from 'pino';
import { conflict, notFound, userError, type ProcessDefinitionSummary } from '@ggzy/shared';
import type {
  DefinitionDetail,
  CreateInstanceRequest,
  CreateInstanceResult,
  DeployResult,
  EngineEvents,
  EnginePort,
  InstanceView,
  Job,
  JobHandler,
  JobOutcome,
  PublishMessageRequest,
  PublishMessageResult,
  UserTaskRecord,
  Variables,
  WorkerOptions,
} from '../port/engine-port';
import { compileDefinition, type CompiledDefinition } from './definition-compiler';
import { engineModels, type DefinitionDoc, type EngineModels, type JobDoc, type UserTaskDoc } from './models';
import { InstanceRunner, type CompiledEntry, type LocalJob, type RunnerHost, type Snapshot } from './instance-runner';
import { StateWriter } from './state-writer';
import type { InstanceMeta } from './state-store';
import type { Waiter } from './waiters';
import { TimerStarts } from './timer-starts';
import { runJobHandler } from '../port/run-handler';
import { Leases } from './leases';

export interface EmbeddedEngineOptions {
  connection: Connection;
  logger: Logger;
  /** How long an instance stays leased to this process without renewal (ms). */
  leaseMs?: number;
  /** How often due timers, retried jobs and abandoned instances are looked for (ms). */
  pollMs?: number;
  /** How long a job run by the poller may take before another process may take it (ms). */
  jobTimeoutMs?: number;
}

interface Actor {
  chain: Promise<void>;
  inst?: InstanceRunner;
  ops: number;
}

interface WorkerEntry {
  handler: (job: Job) => Promise<JobOutcome>;
}

export class EmbeddedEngine implements EnginePort, RunnerHost {
  readonly mode = 'embedded' as const;
  readonly models: EngineModels;
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  readonly leaseMs: number;
  readonly logger: Logger;
  private readonly pollMs: number;
  private readonly jobTimeoutMs: number;
  private readonly events = new EventEmitter();
  private readonly actors = new Map<string, Actor>();
  private readonly workers = new Map<string, WorkerEntry>();
  private readonly compiledCache = new Map<string, Promise<CompiledEntry>>();
  private readonly writer = new StateWriter();
  private readonly localWakes = new Map<string, NodeJS.Timeout>();
  private readonly timerStarts: TimerStarts;
  private readonly leases: Leases;
  /** Next wake-up of instances this process wrote last, so timers fire on time without scans. */
  private readonly schedule = new Map<string, number>();
  private readonly latest = new Map<string, { doc: DefinitionDoc; at: number }>();
  private pollTimer?: NodeJS.Timeout;
  private renewTimer?: NodeJS.Timeout;
  private readonly runningStoredJobs = new Set<string>();
  private polling = false;
  private running = false;
  private cycle = 0;

  constructor(opts: EmbeddedEngineOptions) {
    this.models = engineModels(opts.connection);
    this.logger = opts.logger.child({ scope: 'engine' });
    this.leaseMs = opts.leaseMs ?? 15_000;
    this.pollMs = opts.pollMs ?? 500;
    this.jobTimeoutMs = opts.jobTimeoutMs ?? 5 * 60_000;
    this.events.setMaxListeners(50);
    this.timerStarts = new TimerStarts(this.models, this.logger);
    this.leases = new Leases(this.models, this.owner, this.leaseMs);
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  async start(): Promise<void> {
    await Promise.all(Object.values(this.models).map((m) => m.init()));
    this.running = true;
    await this.recover(true);
    this.pollTimer = setInterval(() => void this.poll(), this.pollMs);
    this.pollTimer.unref();
    // Lease renewal runs on its own clock so that a long poll or a busy moment never lets a
    // lease lapse while this process still drives the instance.
    this.renewTimer = setInterval(
      () => void this.renewLeases().catch((err: unknown) => this.logger.error({ err }, 'lease renewal failed')),
      Math.max(100, Math.floor(this.leaseMs / 4)),
    );
    this.renewTimer.unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.renewTimer) clearInterval(this.renewTimer);
    for (const t of this.localWakes.values()) clearTimeout(t);
    this.localWakes.clear();
    // Let running operations finish, then write and release every loaded instance.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && [...this.actors.values()].some((a) => a.ops > 0 && !a.inst?.busy)) {
      await Promise.all([...this.actors.values()].map((a) => a.chain));
    }
    await Promise.all(
      [...this.actors.entries()].map(([key, actor]) => {
        const inst = actor.inst;
        if (!inst) return actor.chain;
        actor.inst = undefined;
        return this.evict(inst).catch((err: unknown) => this.logger.error({ err, instance: key }, 'evict on stop failed'));
      }),
    );
  }

  on<E extends keyof EngineEvents>(event: E, listener: EngineEvents[E]): void {
    this.events.on(event, listener as (...a: unknown[]) => void);
  }

  off<E extends keyof EngineEvents>(event: E, listener: EngineEvents[E]): void {
    this.events.off(event, listener as (...a: unknown[]) => void);
  }

  private emit(event: string, payload: unknown): void {
    // Listeners may return promises (the inbox does); their failures are logged here, since the
    // embedded engine has already saved what happened and the inbox catches up at its next start.
    for (const l of this.events.listeners(event) as Array<(p: unknown) => unknown>) {
      try {
        const r = l(payload);
        if (r instanceof Promise) r.catch((err: unknown) => this.logger.error({ err, event }, 'engine event listener failed'));
      } catch (err) {
        this.logger.error({ err, event }, 'engine event listener failed');
      }
    }
  }

  // ---- deployment --------------------------------------------------------------------------

  async deploy(resources: { name: string; content: string }[]): Promise<DeployResult> {
    const out: DeployResult = { processes: [] };
    const compiled: Array<{ r: { name: string; content: string }; c: CompiledDefinition }> = [];
    // Compile everything first so that one bad resource deploys nothing.
    for (const r of resources) compiled.push({ r, c: await compileDefinition(r.content) });
    for (const { r, c } of compiled) {
      const checksum = createHash('sha256').update(r.content).digest('hex');
      for (const p of c.processes) {
        const doc = await this.storeVersion(p.id, p.name, r, checksum);
        this.compiledCache.set(doc._id, Promise.resolve({ key: doc._id, processId: p.id, version: doc.version, compiled: c }));
        this.latest.delete(p.id);
        if (doc.isNew) await this.timerStarts.schedule(doc._id, p.id, p.timerStarts);
        out.processes.push(toSummary(doc));
      }
    }
    return out;
  }

  private async storeVersion(
    processId: string,
    name: string | undefined,
    r: { name: string; content: string },
    checksum: string,
  ): Promise<DefinitionDoc & { isNew: boolean }> {
    const { Definition } = this.models;
    for (let attempt = 0; ; attempt++) {
      const latest = await Definition.findOne({ processId }).sort({ version: -1 }).lean();
      if (latest && latest.checksum === checksum) return { ...latest, isNew: false };
      const doc: DefinitionDoc = {
        _id: new Types.ObjectId().toHexString(),
        processId,
        version: (latest?.version ?? 0) + 1,
        name,
        resourceName: r.name,
        xml: r.content,
        checksum,
        deployedAt: new Date(),
      };
      try {
        await Definition.create(doc);
        return { ...doc, isNew: true };
      } catch (err) {
        if ((err as { code?: number }).code !== 11000 || attempt > 5) throw err;
      }
    }
  }

  async listDefinitions(): Promise<ProcessDefinitionSummary[]> {
    const docs = await this.models.Definition.find({}).select('-xml').sort({ processId: 1, version: -1 }).lean();
    return docs.map((d) => toSummary(d));
  }

  async getDefinition(key: string): Promise<DefinitionDetail> {
    const d = await this.models.Definition.findById(key).lean();
    if (!d) throw notFound('Process definition', '流程定义', key);
    return { ...toSummary(d), xml: d.xml };
  }

  async listOpenUserTasks(): Promise<UserTaskRecord[]> {
    const docs = await this.models.UserTask.find({ status: 'created' }).lean();
    return docs.map(toUserTaskRecord);
  }

  async getCompiled(definitionKey: string): Promise<CompiledEntry> {
    let entry = this.compiledCache.get(definitionKey);
    if (!entry) {
      entry = (async () => {
        const d = await this.models.Definition.findById(definitionKey).lean();
        if (!d) throw notFound('Process definition', '流程定义', definitionKey);
        return { key: d._id, processId: d.processId, version: d.version, compiled: await compileDefinition(d.xml) };
      })();
      this.compiledCache.set(definitionKey, entry);
      entry.catch(() => this.compiledCache.delete(definitionKey));
    }
    return entry;
  }

  private async findDefinition(processId: string, version?: number): Promise<DefinitionDoc | null> {
    if (version) return this.models.Definition.findOne({ processId, version }).lean();
    const hit = this.latest.get(processId);
    if (hit && Date.now() - hit.at < 2000) return hit.doc;
    const doc = await this.models.Definition.findOne({ processId }).sort({ version: -1 }).lean();
    if (doc) this.latest.set(processId, { doc, at: Date.now() });
    return doc;
  }

  // ---- instances ---------------------------------------------------------------------------

  async createInstance(req: CreateInstanceRequest): Promise<CreateInstanceResult> {
    const d = await this.findDefinition(req.processId, req.version);
    if (!d) throw notFound('Process', '流程', req.version ? `${req.processId} v${req.version}` : req.processId);
    const entry = await this.getCompiled(d._id);
    const proc = entry.compiled.processes.find((p) => p.id === req.processId);
    if (!proc?.hasNoneStart) {
      throw userError(
        'NO_NONE_START_EVENT',
        `流程 ${req.processId} 没有可手动发起的开始事件`,
        `Process ${req.processId} has no none start event to start it by hand`,
      );
    }
    const key = new Types.ObjectId().toHexString();
    await this.startNew(key, entry, req.variables ?? {}, { startedAt: new Date() });
    return { key, processId: d.processId, version: d.version, definitionKey: d._id };
  }

  /** Start an instance with a known key; resolves once its first state is written. */
  async startNew(key: string, entry: CompiledEntry, variables: Variables, meta: InstanceRunner['meta']): Promise<void> {
    let firstWrite: Promise<void> | void = undefined;
    await this.enqueue(key, async (existing) => {
      if (existing) return;
      if (!(await this.leases.acquire(key))) return; // a deterministic key already being started elsewhere
      const inst = new InstanceRunner(this, key, entry, meta, { ...variables }, false);
      this.actorOf(key).inst = inst;
      inst.start();
      // The caller waits for the first write, but the instance does not: its jobs go on meanwhile.
      firstWrite = (await this.afterOp(inst))?.written;
    });
    await firstWrite;
  }

  async startChild(
    parent: InstanceRunner,
    req: { key: string; processId: string; variables: Variables; parentExecutionId: string },
  ): Promise<'started' | 'missing'> {
    const d = await this.findDefinition(req.processId);
    if (!d) return 'missing';
    const entry = await this.getCompiled(d._id);
    await this.startNew(req.key, entry, req.variables, { parentKey: parent.key, parentExecutionId: req.parentExecutionId, startedAt: new Date() });
    return 'started';
  }

  /** Start an instance for a due timer start event (idempotent per occurrence). */
  async startFromTimer(key: string, definitionKey: string, elementId: string): Promise<void> {
    if ((await this.models.Instance.findById(key).select('_id').lean()) || (await this.models.states.get(key))) return;
    const entry = await this.getCompiled(definitionKey);
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

  async setVariables(instanceKey: string, variables: Variables): Promise<void> {
    await this.withLoaded(instanceKey, (inst) => {
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
      void this.pollJobs();
    }
    await this.touch(inc.instanceKey);
  }

  async getInstance(key: string): Promise<InstanceView> {
    const { st, doc } = await this.readInstance(key);
    if (!doc) throw notFound('Process instance', '流程实例', key);
    const incidents = await this.models.Incident.find({ instanceKey: key }).sort({ createdAt: 1 }).lean();
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

  // ---- messages ----------------------------------------------------------------------------

  async publishMessage(req: PublishMessageRequest): Promise<PublishMessageResult> {
    const { Message, Subscription } = this.models;
    if (!req.name || req.correlationKey === undefined || req.correlationKey === null) {
      throw userError('INVALID_MESSAGE', '消息需要名称和关联键', 'A message needs a name and a correlation key');
    }
    const correlationKey = String(req.correlationKey);
    const ttl = Math.max(0, req.timeToLive ?? 0);
    if (req.messageId && (await Message.exists({ name: req.name, messageId: req.messageId, status: 'buffered' }))) {
      throw conflict('MESSAGE_ALREADY_PUBLISHED', '相同 messageId 的消息已在缓冲中', `A message with id ${req.messageId} is already buffered`);
    }
    const key = new Types.ObjectId().toHexString();
    const variables = JSON.stringify(req.variables ?? {});
    // Buffer first, then look for a subscriber: a subscriber opening meanwhile finds it in the buffer.
    await Message.create({
      _id: key,
      name: req.name,
      correlationKey,
      messageId: req.messageId,
      variables,
      status: 'buffered',
      expiresAt: new Date(Date.now() + ttl),
      createdAt: new Date(),
    });
    const subs = await Subscription.find({ messageName: req.name, correlationKey, status: 'open' }).sort({ createdAt: 1 }).limit(20).lean();
    for (const sub of subs) {
      const claimed = await Message.findOneAndUpdate(
        { _id: key, status: 'buffered' },
        { $set: { status: 'correlated', correlatedTo: sub.instanceKey } },
        { returnDocument: 'after' },
      ).lean();
      if (!claimed) return { key, correlatedTo: (await Message.findById(key).lean())?.correlatedTo, buffered: false };
      const took = await Subscription.findOneAndUpdate(
        { _id: sub._id, status: 'open' },
        { $set: { status: 'correlated', variables, messageKey: key, correlatedAt: new Date() } },
      ).lean();
      if (took) {
        await this.touch(sub.instanceKey);
        return { key, correlatedTo: sub.instanceKey, buffered: false };
      }
      await Message.updateOne({ _id: key, status: 'correlated' }, { $set: { status: 'buffered' }, $unset: { correlatedTo: 1 } });
    }
    if (ttl === 0) {
      await Message.updateOne({ _id: key, status: 'buffered' }, { $set: { status: 'expired' } });
      const m = await Message.findById(key).lean();
      return { key, correlatedTo: m?.correlatedTo, buffered: false };
    }
    return { key, buffered: true };
  }

  // ---- user tasks --------------------------------------------------------------------------

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
    this.emit('userTask.completed', toUserTaskRecord(doc));
    await this.touch(doc.instanceKey);
  }

  async assignUserTask(key: string, assignee: string | null): Promise<void> {
    const r = await this.models.UserTask.updateOne({ _id: key, status: 'created' }, { $set: { assignee } });
    if (!r.matchedCount) throw notFound('Open user task', '待办任务', key);
  }

  // ---- workers -----------------------------------------------------------------------------

  createWorker<V extends Variables = Variables>(opts: WorkerOptions<V>): { close(): void } {
    if (this.workers.has(opts.taskType)) throw new Error(`a worker for ${opts.taskType} is already registered`);
    this.workers.set(opts.taskType, { handler: opts.handler as unknown as WorkerEntry['handler'] });
    if (this.running) void this.pollJobs();
    return { close: () => this.workers.delete(opts.taskType) };
  }

  hasLocalWorker(type: string): boolean {
    return this.workers.has(type);
  }

  private async runHandler(type: string, job: Job): Promise<JobOutcome> {
    return runJobHandler(this.workers.get(type)?.handler as JobHandler<Variables> | undefined, job, this.logger);
  }

  runLocalJob(inst: InstanceRunner, waiter: Waiter, job: LocalJob): void {
    const w = waiter as Waiter & { kind: 'job' };
    const payload: Job = {
      key: job.key,
      type: job.type,
      processInstanceKey: inst.key,
      processId: inst.def.processId,
      elementId: w.elementId,
      retries: job.retries,
      variables: job.variables,
      customHeaders: job.customHeaders,
    };
    void this.runHandler(job.type, payload).then((outcome) =>
      this.fire(inst.key, async (current) => {
        if (current !== inst) return; // dropped meanwhile; the job runs again when the instance resumes
        inst.onLocalJobDone(w, job, outcome);
        await this.afterOp(inst);
      }),
    );
  }

  /** Jobs waiting in the database: retries after back-off, resolved incidents, types without a local worker at the time. */
  private async pollJobs(): Promise<void> {
    const types = [...this.workers.keys()];
    if (!types.length) return;
    const now = new Date();
    const { Job } = this.models;
    const due = await Job.find({
      type: { $in: types },
      $or: [
        { status: { $in: ['activatable', 'failed'] }, runAt: { $lte: now } },
        { status: 'running', lockedUntil: { $lt: now } },
      ],
    })
      .limit(32)
      .lean();
    for (const d of due) {
      if (this.runningStoredJobs.has(d._id)) continue;
      const claimed = await Job.findOneAndUpdate(
        { _id: d._id, status: d.status, runAt: d.runAt },
        { $set: { status: 'running', lockedUntil: new Date(Date.now() + this.jobTimeoutMs), lockedBy: this.owner } },
        { returnDocument: 'after' },
      ).lean();
      if (!claimed) continue;
      // Run without holding up the poll loop.
      this.runningStoredJobs.add(claimed._id);
      void this.runStoredJob(claimed)
        .catch((err: unknown) => this.logger.error({ err, job: claimed._id }, 'stored job failed'))
        .finally(() => this.runningStoredJobs.delete(claimed._id));
    }
  }

  private async runStoredJob(doc: JobDoc): Promise<void> {
    const outcome = await this.runHandler(doc.type, {
      key: doc._id,
      type: doc.type,
      processInstanceKey: doc.instanceKey,
      processId: doc.processId,
      elementId: doc.elementId,
      retries: doc.retries,
      variables: JSON.parse(doc.variables) as Variables,
      customHeaders: doc.customHeaders ?? {},
    });
    const r = await this.models.Job.updateOne(
      { _id: doc._id, status: 'running' },
      { $set: { status: 'reported', outcome: JSON.stringify(outcome), lockedUntil: null, lockedBy: null, reportedAt: new Date() } },
    );
    if (r.matchedCount) await this.touch(doc.instanceKey);
  }

  // ---- actors ------------------------------------------------------------------------------

  private actorOf(key: string): Actor {
    let a = this.actors.get(key);
    if (!a) {
      a = { chain: Promise.resolve(), ops: 0 };
      this.actors.set(key, a);
    }
    return a;
  }

  enqueue(key: string, op: (inst: InstanceRunner | undefined) => Promise<void>): Promise<void> {
    const actor = this.actorOf(key);
    actor.ops++;
    const run = actor.chain.then(() => op(actor.inst));
    actor.chain = run.then(
      () => undefined,
      () => undefined,
    );
    void actor.chain.then(() => {
      actor.ops--;
      if (actor.ops === 0 && !actor.inst && this.actors.get(key) === actor) this.actors.delete(key);
    });
    return run;
  }

  /** Enqueue without waiting; a failure is logged (the instance is then resumed from its last saved state). */
  fire(key: string, op: (inst: InstanceRunner | undefined) => Promise<void>): void {
    this.enqueue(key, op).catch((err: unknown) => this.logger.error({ err, instance: key }, 'instance operation failed'));
  }

  /**
   * Something happened to an instance (a task, a message, a child, a job outcome): let it move on.
   * The request is written first, so a crash before the instance is driven loses nothing: the
   * recovery scan finds it by its due `wakeAt`, and a holder in another process sees the flag.
   */
  async touch(key: string): Promise<void> {
    if (!this.actors.get(key)?.inst) await this.requestWake(key);
    return this.drive(key);
  }

  private async requestWake(key: string): Promise<void> {
    if (await this.leases.flagWake(key)) return;
    // Nobody holds it; written after any holder's last write, so it stays.
    await this.models.Instance.updateOne({ _id: key }, { $set: { wakeAt: new Date() } });
  }

  /** Drive an instance in this process now (load it if needed and re-check its waits). */
  private drive(key: string): Promise<void> {
    return this.withLoaded(key, (inst) => inst.recheck(), true).catch((err: unknown) => {
      this.logger.error({ err, instance: key }, 'drive failed');
    });
  }

  private async withLoaded(key: string, fn: (inst: InstanceRunner) => void, quiet = false): Promise<void> {
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

  /** The instance row and its state; until an instance is first let go, its state speaks for the row. */
  private async readInstance(key: string) {
    const [row, st] = await Promise.all([this.models.Instance.findById(key).lean(), this.models.states.get(key)]);
    const fromState = st?.meta ? { ...st.meta, _id: key, status: 'active' as const, activeElements: [] as string[], wakeAt: null, endedAt: undefined } : null;
    return { row, st, doc: row ?? fromState };
  }

  /** Take the lease and bring the instance into memory; resuming re-checks every wait. */
  private async load(key: string): Promise<InstanceRunner | undefined> {
    const lease = await this.leases.acquire(key);
    this.logger.debug({ instance: key, lease }, 'load');
    if (!lease) {
      await this.requestWake(key); // held elsewhere: the holder looks again when it lets go
      return undefined;
    }
    const { Instance } = this.models;
    const { row, st, doc } = await this.readInstance(key);
    if (!doc || doc.status !== 'active') {
      this.logger.debug({ instance: key, status: doc?.status }, 'load: not active');
      await this.leases.release(key);
      if (doc?.wakeAt) await Instance.updateOne({ _id: key }, { $set: { wakeAt: null } });
      return undefined;
    }
    if (st?.ended) {
      // The process that ended it died before writing the instance row: write it now.
      const ended = { status: st.ended, activeElements: [], wakeAt: null, endedAt: new Date() };
      if (row) await Instance.updateOne({ _id: key }, { $set: ended });
      else await Instance.collection.insertOne({ ...doc, ...ended } as never);
      await this.leases.release(key);
      if (doc.parentKey && st.ended === 'completed') void this.touch(doc.parentKey);
      return undefined;
    }
    const entry = await this.getCompiled(doc.definitionKey);
    const inst = new InstanceRunner(
      this,
      key,
      entry,
      { parentKey: doc.parentKey, parentExecutionId: doc.parentExecutionId, startElementId: doc.startElementId, startedAt: doc.startedAt },
      st ? (JSON.parse(st.variables) as Variables) : {},
      true,
    );
    inst.rowWritten = !!row;
    this.schedule.delete(key);
    this.actorOf(key).inst = inst;
    if (st?.state) inst.resume(JSON.parse(st.state));
    else inst.start();
    if (lease.takenFrom) {
      // Taken over from a process that died: close waits it opened but never saved.
      await inst.settle();
      await this.reconcile(inst);
    }
    return inst;
  }

  private async reconcile(inst: InstanceRunner): Promise<void> {
    const execIds = inst.waiters.all().map((w) => w.executionId);
    const { UserTask, Subscription, Job } = this.models;
    await UserTask.updateMany(
      { instanceKey: inst.key, status: 'created', executionId: { $nin: execIds } },
      { $set: { status: 'canceled', completedAt: new Date() } },
    );
    await Subscription.updateMany({ instanceKey: inst.key, status: 'open', executionId: { $nin: execIds } }, { $set: { status: 'closed' } });
    await Job.updateMany(
      { instanceKey: inst.key, status: { $in: ['activatable', 'failed'] }, executionId: { $nin: execIds } },
      { $set: { status: 'canceled' } },
    );
  }

  async afterTimer(inst: InstanceRunner): Promise<void> {
    await this.afterOp(inst);
  }

  /** After every operation: settle, then write; drop the instance if it waits on nothing local. */
  /**
   * Settle, write, and drop the instance if it waits on nothing local. While it keeps running
   * (jobs in flight) the write is not waited for; its promise is returned for callers that must.
   */
  private async afterOp(inst: InstanceRunner): Promise<{ written: Promise<void> } | void> {
    await inst.settle();
    // New waits become live only after the state that holds them is written.
    while (inst.hasActivations && !inst.leaseLost && !inst.ended) {
      await this.writer.save(inst.key, () => this.writeFn(inst, inst.snapshot(false), false));
      if (inst.leaseLost) break;
      await inst.activate();
      await inst.settle();
    }
    if (inst.leaseLost) return void this.drop(inst);
    if (inst.ended) return void (await this.finish(inst));
    if (!inst.busy) return void (await this.evict(inst));
    const written = this.writer.save(inst.key, () => {
      const snap = inst.stopped ? null : inst.snapshot(false);
      return snap ? this.writeFn(inst, snap, false) : async () => undefined;
    });
    const emits = inst.emits.splice(0);
    const after = written.then(() => this.flushEmits(emits));
    after.catch((err: unknown) => this.logger.error({ err, instance: inst.key }, 'state write failed'));
    // Wrapped: an async function returning a bare promise would make its callers wait for it.
    return { written: after };
  }

  private drop(inst: InstanceRunner): void {
    inst.stop();
    const actor = this.actors.get(inst.key);
    if (actor?.inst === inst) actor.inst = undefined;
  }

  private async evict(inst: InstanceRunner): Promise<void> {
    const snap = inst.snapshot(true);
    this.drop(inst);
    await this.writer.save(inst.key, () => this.writeFn(inst, snap, true));
    this.flushEmits(inst.emits.splice(0));
    if (snap.instance.wakeAt) this.scheduleWake(inst.key, snap.instance.wakeAt);
  }

  private async finish(inst: InstanceRunner): Promise<void> {
    const snap = inst.snapshot(true);
    this.drop(inst);
    await this.writer.save(inst.key, () => this.writeFn(inst, snap, true));
    // Only an instance that ever had tasks, subscriptions, job rows or incidents has any to close.
    if (inst.usedCollections) await this.closeLeftovers(inst);
    if (inst.ended === 'completed') inst.emitLater('instance.completed', { key: inst.key, processId: inst.def.processId, variables: inst.vars });
    if (inst.ended === 'canceled') inst.emitLater('instance.canceled', { key: inst.key, processId: inst.def.processId });
    this.flushEmits(inst.emits.splice(0));
    if (inst.meta.parentKey && inst.ended === 'completed') void this.touch(inst.meta.parentKey);
  }

  private async closeLeftovers(inst: InstanceRunner): Promise<void> {
    const { UserTask, Subscription, Job, Incident } = this.models;
    const now = new Date();
    const openTasks = await UserTask.find({ instanceKey: inst.key, status: 'created' }).lean();
    if (openTasks.length) {
      await UserTask.updateMany({ instanceKey: inst.key, status: 'created' }, { $set: { status: 'canceled', completedAt: now } });
      for (const t of openTasks) inst.emitLater('userTask.canceled', { ...t, status: 'canceled' });
    }
    await Subscription.updateMany({ instanceKey: inst.key, status: 'open' }, { $set: { status: 'closed' } });
    await Job.updateMany({ instanceKey: inst.key, status: { $in: ['activatable', 'failed', 'incident', 'running'] } }, { $set: { status: 'canceled' } });
    await Incident.updateMany({ instanceKey: inst.key, status: 'open' }, { $set: { status: 'resolved', resolvedAt: now } });
  }

  private writeFn(inst: InstanceRunner, snap: Snapshot, release: boolean) {
    return async (): Promise<void> => {
      const { Instance, states } = this.models;
      const state = { state: snap.state, variables: snap.variables, ended: inst.ended };
      if (!inst.persisted) {
        try {
          await states.insert({ _id: inst.key, ...state, meta: this.rowMeta(inst) });
        } catch (err) {
          if ((err as { code?: number }).code === 11000) {
            inst.leaseLost = true;
            return;
          }
          throw err;
        }
        inst.persisted = true;
      } else {
        // State first: whoever sees the instance row change (ended, waiting) then reads the matching variables.
        await states.update(inst.key, state);
      }
      if (release) {
        // The instance row is written when the instance is let go: inserted the first time (an insert
        // costs the same at any size on FerretDB 1.x), updated after that.
        if (inst.rowWritten) await Instance.updateOne({ _id: inst.key }, { $set: snap.instance });
        else {
          await Instance.collection.insertOne({ _id: inst.key, ...this.rowMeta(inst), ...snap.instance } as never).catch(async (err: { code?: number }) => {
            if (err.code !== 11000) throw err;
            await Instance.updateOne({ _id: inst.key }, { $set: snap.instance });
          });
          inst.rowWritten = true;
        }
      }
      if (!release) return;
      const { wasHeld, wake } = await this.leases.release(inst.key);
      if (!wasHeld) {
        inst.leaseLost = true;
        this.logger.warn({ instance: inst.key }, 'lease lost; another process drives this instance');
      } else if (wake && snap.instance.status === 'active') {
        void this.drive(inst.key); // someone asked while we held it
      }
    };
  }

  private rowMeta(inst: InstanceRunner): InstanceMeta {
    return {
      processId: inst.def.processId,
      version: inst.def.version,
      definitionKey: inst.def.key,
      ...(inst.meta.parentKey && { parentKey: inst.meta.parentKey, parentExecutionId: inst.meta.parentExecutionId }),
      ...(inst.meta.startElementId && { startElementId: inst.meta.startElementId }),
      startedAt: inst.meta.startedAt,
    };
  }

  private flushEmits(emits: Array<[string, unknown]>): void {
    for (const [event, payload] of emits) {
      const p = payload as UserTaskDoc;
      this.emit(event, event.startsWith('userTask.') ? toUserTaskRecord(p) : payload);
    }
  }

  private scheduleWake(key: string, at: Date): void {
    this.schedule.set(key, at.getTime());
    const delay = at.getTime() - Date.now();
    if (delay > 60_000 || !this.running) return; // the poll loop takes it from the schedule
    const prev = this.localWakes.get(key);
    if (prev) clearTimeout(prev);
    const t = setTimeout(
      () => {
        this.localWakes.delete(key);
        this.schedule.delete(key);
        void this.drive(key);
      },
      Math.max(0, delay),
    );
    t.unref();
    this.localWakes.set(key, t);
  }

  // ---- polling -----------------------------------------------------------------------------

  private async poll(): Promise<void> {
    if (this.polling || !this.running) return;
    this.polling = true;
    try {
      const now = Date.now();
      for (const [key, at] of this.schedule) {
        if (at > now) continue;
        this.schedule.delete(key);
        if (!this.actors.get(key)?.inst) void this.drive(key);
      }
      await this.pollJobs();
      await this.timerStarts.fireDue((key, definitionKey, elementId) => this.startFromTimer(key, definitionKey, elementId));
      if (++this.cycle % 20 === 0) await this.recover(this.cycle % 120 === 0);
    } catch (err) {
      this.logger.error({ err }, 'engine poll failed');
    } finally {
      this.polling = false;
    }
  }

  /**
   * The slow look-around, at start and every few seconds: leases of dead or stalled processes,
   * instances due (timers written by other processes, wake-ups nobody delivered), and — less often
   * — inputs written but never delivered (see sweep).
   */
  private async recover(full: boolean): Promise<void> {
    await this.leases.releaseDeadOwners();
    for (const key of await this.leases.expired()) if (!this.actors.get(key)?.inst) void this.drive(key);
    const timed = await this.models.Instance.find({ status: 'active', wakeAt: { $ne: null } })
      .select('wakeAt')
      .lean();
    const now = Date.now();
    for (const d of timed) {
      if (!d.wakeAt || this.actors.get(d._id)?.inst) continue;
      if (d.wakeAt.getTime() <= now) void this.drive(d._id);
      else this.scheduleWake(d._id, d.wakeAt);
    }
    await this.models.Message.deleteMany({ status: 'buffered', expiresAt: { $lte: new Date() } });
    if (full) await this.sweep();
  }

  /**
   * Inputs that reached the database but whose instance was never woken for them (the process
   * died between the two writes): wake those instances. An instance that applies an input marks
   * it `applied` (a job is deleted), so only the lost ones are found here.
   */
  private async sweep(): Promise<void> {
    const { Job, UserTask, Subscription, Instance } = this.models;
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
    for (const k of keys) await this.requestWake(k);
    const now = new Date();
    if (jobs.length) await Job.updateMany({ _id: { $in: jobs.map((j) => j._id) } }, { $set: { sweptAt: now } });
    if (tasks.length) await UserTask.updateMany({ _id: { $in: tasks.map((t) => t._id) } }, { $set: { sweptAt: now } });
    if (subs.length) await Subscription.updateMany({ _id: { $in: subs.map((x) => x._id) } }, { $set: { sweptAt: now } });
    if (children.length) await Instance.updateMany({ _id: { $in: children.map((c) => c._id) } }, { $set: { parentNotified: true } });
    for (const k of keys) void this.drive(k);
  }

  private async renewLeases(): Promise<void> {
    for (const [key, actor] of this.actors) {
      const inst = actor.inst;
      if (inst && !(await this.leases.renew(key))) inst.leaseLost = true;
    }
  }

  /** Number of instances held in memory right now (for health and benchmarks). */
  get loadedCount(): number {
    let n = 0;
    for (const a of this.actors.values()) if (a.inst) n++;
    return n;
  }
}

function toSummary(d: Omit<DefinitionDoc, 'xml'>): ProcessDefinitionSummary {
  return { key: d._id, processId: d.processId, name: d.name, version: d.version, resourceName: d.resourceName, deployedAt: d.deployedAt.toISOString() };
}

export function toUserTaskRecord(doc: UserTaskDoc): UserTaskRecord {
  return {
    key: doc._id,
    processInstanceKey: doc.instanceKey,
    processId: doc.processId,
    processVersion: doc.processVersion,
    elementId: doc.elementId,
    name: doc.name,
    status: doc.status,
    assignee: doc.assignee ?? undefined,
    candidateGroups: doc.candidateGroups ?? [],
    candidateUsers: doc.candidateUsers ?? [],
    dueDate: doc.dueDate?.toISOString(),
    followUpDate: doc.followUpDate?.toISOString(),
    formKey: doc.formKey,
    formId: doc.formId,
    priority: doc.priority,
    customHeaders: doc.customHeaders ?? {},
    variables: doc.variables ? (JSON.parse(doc.variables) as Variables) : {},
    createdAt: doc.createdAt.toISOString(),
    completedAt: doc.completedAt?.toISOString(),
  };
}
