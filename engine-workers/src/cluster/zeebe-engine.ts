/**
 * The cluster adapter of the engine port: the same port as the embedded engine, carried out by a
 * Zeebe (Camunda 8.8) cluster through `@camunda8/sdk`.
 *
 * - Commands (deploy, create instance, publish message, cancel, set variables, job retries) and
 *   the service-task job workers use the gateway's gRPC API, with the SDK's long-polling workers
 *   that reconnect by themselves.
 * - User tasks use the Orchestration Cluster REST API: the inbox listener jobs (see
 *   inbox-listeners.ts) are activated over REST because only its job record carries the user
 *   task's key and attributes, and completing, assigning and unassigning a Camunda user task is a
 *   REST-only command.
 * - No Tasklist, Operate or secondary storage is needed for the inbox; only retrying an incident
 *   asks the REST API to find Zeebe's incident key (a search, which needs secondary storage).
 */
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { Camunda8 } from '@camunda8/sdk';
import { conflict, notFound, userError, type ProcessDefinitionSummary } from '@ggzy/shared';
import type {
  CreateInstanceRequest,
  CreateInstanceResult,
  DefinitionDetail,
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
import { runJobHandler } from '../port/run-handler';
import { readDiagram, type DiagramInfo } from '../diagram/diagram-reader';
import { clusterModels, type ClusterDefinitionDoc, type ClusterModels } from './cluster-models';
import { INBOX_PROCESS_END_LISTENER, INBOX_TASK_LISTENER, withInboxListeners } from './inbox-listeners';

/** Variables as the SDK types them (JSON values). */
type JSONDoc = Parameters<GrpcClient['setVariables']>[0]['variables'];
type SdkConfig = NonNullable<ConstructorParameters<typeof Camunda8>[0]>;
type GrpcClient = ReturnType<Camunda8['getZeebeGrpcApiClient']>;
type RestClient = ReturnType<Camunda8['getOrchestrationClusterApiClientLoose']>;

export interface ZeebeEngineOptions {
  connection: Connection;
  logger: Logger;
  /**
   * SDK settings (ZEEBE_GRPC_ADDRESS, ZEEBE_REST_ADDRESS, CAMUNDA_AUTH_STRATEGY, OAuth client…).
   * Anything not given here the SDK reads from the environment.
   */
  sdk?: SdkConfig;
  /** Take the inbox's listener jobs in this process (API processes do; worker-only processes do not). */
  inboxListeners?: boolean;
  /** Worker name reported to Zeebe. */
  workerName?: string;
  /** How long a REST job activation waits for jobs (long polling). */
  listenerRequestTimeoutMs?: number;
  /** Job lock time for activated jobs. */
  jobTimeoutMs?: number;
  /** How long retrying an incident waits for the cluster's search to show it. */
  incidentSearchWaitMs?: number;
  /** Pauses between attempts of a user-task command that Zeebe answers 409 or cannot take. */
  commandRetryDelaysMs?: number[];
  /** How long a completion answered 404 waits for the task's listener to say how it ended. */
  settleWaitMs?: number;
}

/** The job record of the REST activation, as far as this adapter reads it. */
interface RestJob {
  jobKey: string;
  type: string;
  processInstanceKey: string;
  processDefinitionId: string;
  processDefinitionVersion: number;
  processDefinitionKey: string;
  elementId: string;
  elementInstanceKey: string;
  retries: number;
  variables: Variables;
  customHeaders: Record<string, unknown>;
  kind?: string;
  listenerEventType?: string;
  userTask?: {
    userTaskKey?: string | null;
    assignee?: string | null;
    candidateGroups?: string[];
    candidateUsers?: string[];
    dueDate?: string | null;
    followUpDate?: string | null;
    formKey?: string | null;
    priority?: number | null;
  };
}

type Listener = (...args: unknown[]) => unknown;

function httpStatus(err: unknown): number | undefined {
  const e = err as { status?: number; statusCode?: number; response?: { status?: number } };
  return e?.status ?? e?.statusCode ?? e?.response?.status;
}

export class ZeebeEngine implements EnginePort {
  readonly mode = 'cluster' as const;
  private readonly models: ClusterModels;
  private readonly logger: Logger;
  private readonly events = new EventEmitter();
  private readonly camunda: Camunda8;
  private grpcClient?: GrpcClient;
  private restClient?: RestClient;
  private readonly compiled = new Map<string, Promise<DiagramInfo | null>>();
  private readonly workers = new Set<{ close(): Promise<unknown> }>();
  private readonly polls: Array<{ cancel(): void }> = [];
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly workerName: string;

  constructor(private readonly opts: ZeebeEngineOptions) {
    this.models = clusterModels(opts.connection);
    this.logger = opts.logger.child({ scope: 'zeebe' });
    // The SDK reads the rest of its settings from the environment; its own console logging is
    // kept to errors unless asked for, since this system logs through pino.
    const env = process.env;
    this.camunda = new Camunda8({
      CAMUNDA_AUTH_STRATEGY: env.CAMUNDA_AUTH_STRATEGY ?? 'NONE',
      ZEEBE_CLIENT_LOG_LEVEL: env.ZEEBE_CLIENT_LOG_LEVEL ?? 'ERROR',
      CAMUNDA_LOG_LEVEL: env.CAMUNDA_LOG_LEVEL ?? 'error',
      ...opts.sdk,
    } as SdkConfig);
    this.workerName = opts.workerName ?? `ggzy-${hostname()}-${process.pid}`;
    this.events.setMaxListeners(50);
  }

  /** The SDK's worker log lines (JSON strings) into this system's log. */
  private readonly sdkLog = {
    debug: (m: string) => this.logger.trace({ sdk: m }, 'zeebe worker'),
    info: (m: string) => this.logger.debug({ sdk: m }, 'zeebe worker'),
    error: (m: string) => this.logger.warn({ sdk: m }, 'zeebe worker'),
  };

  private get grpc(): GrpcClient {
    return (this.grpcClient ??= this.camunda.getZeebeGrpcApiClient());
  }

  private get rest(): RestClient {
    return (this.restClient ??= this.camunda.getOrchestrationClusterApiClientLoose());
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  async start(): Promise<void> {
    this.running = true;
    if (this.opts.inboxListeners) {
      this.loops = [INBOX_TASK_LISTENER, INBOX_PROCESS_END_LISTENER].map((type) => this.listenLoop(type));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const p of this.polls.splice(0)) p.cancel();
    await Promise.allSettled([...this.workers].map((w) => w.close()));
    this.workers.clear();
    await Promise.allSettled(this.loops);
    await this.grpcClient?.close().catch(() => undefined);
  }

  async health(): Promise<{ ok: boolean; [detail: string]: unknown }> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const t = await Promise.race([
        this.grpc.topology(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('the Zeebe gateway did not answer within 3 s')), 3000);
        }),
      ]);
      return { ok: true, brokers: t.brokers.length, partitions: t.partitionsCount, gatewayVersion: t.gatewayVersion };
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }

  on<E extends keyof EngineEvents>(event: E, listener: EngineEvents[E]): void {
    this.events.on(event, listener as Listener);
  }

  off<E extends keyof EngineEvents>(event: E, listener: EngineEvents[E]): void {
    this.events.off(event, listener as Listener);
  }

  /**
   * Tell every listener and wait for the ones that return a promise (the inbox stores the task).
   * A listener's failure is passed on, so that the listener job is failed and offered again.
   */
  private async emit(event: keyof EngineEvents, payload: unknown): Promise<void> {
    for (const l of this.events.listeners(event) as Listener[]) await l(payload);
  }

  // ---- deployment ---------------------------------------------------------------------------

  async deploy(resources: { name: string; content: string }[]): Promise<DeployResult> {
    // Zeebe tells resources apart by their file name's ending.
    const diagrams = resources.filter((r) => !r.name.endsWith('.form')).map((r) => (/\.(bpmn|xml)$/i.test(r.name) ? r : { ...r, name: `${r.name}.bpmn` }));
    const forms = resources.filter((r) => r.name.endsWith('.form'));
    // The same checks as the embedded engine (one bad resource deploys nothing), then the listeners.
    const prepared: Array<{ r: { name: string; content: string }; c: DiagramInfo; deployed: string }> = [];
    for (const r of diagrams) {
      const c = (await readDiagram(r.content)).info;
      prepared.push({ r, c, deployed: (await withInboxListeners(r.content)).xml });
    }
    const response = await this.grpc.deployResources([
      ...prepared.map((p) => ({ name: p.r.name, process: Buffer.from(p.deployed) })),
      ...forms.map((f) => ({ name: f.name, form: Buffer.from(f.content) })),
    ]);
    const out: DeployResult = { processes: [] };
    const deployments = (response as { deployments?: Array<{ process?: Record<string, unknown> }> }).deployments ?? [];
    for (const d of deployments) {
      if (!d.process) continue;
      const p = d.process as { bpmnProcessId: string; version: number; processDefinitionKey: string | number; resourceName: string };
      const source = prepared.find((x) => x.r.name === p.resourceName) ?? prepared.find((x) => x.c.processes.some((q) => q.id === p.bpmnProcessId));
      if (!source) continue;
      const key = String(p.processDefinitionKey);
      const doc: ClusterDefinitionDoc = {
        _id: key,
        processId: p.bpmnProcessId,
        version: Number(p.version),
        name: source.c.processes.find((q) => q.id === p.bpmnProcessId)?.name,
        resourceName: p.resourceName,
        xml: source.r.content,
        deployedAt: new Date(),
      };
      const existing = await this.models.Definition.findById(key).lean();
      if (!existing) await this.models.Definition.create(doc).catch((err: { code?: number }) => (err.code === 11000 ? undefined : Promise.reject(err)));
      this.compiled.set(key, Promise.resolve(source.c));
      out.processes.push(toSummary(existing ?? doc));
    }
    return out;
  }

  async listDefinitions(): Promise<ProcessDefinitionSummary[]> {
    const docs = await this.models.Definition.find({}).select('-xml').sort({ processId: 1, version: -1 }).lean();
    return docs.map(toSummary);
  }

  async getDefinition(key: string): Promise<DefinitionDetail> {
    const d = await this.models.Definition.findById(key).lean();
    if (!d) throw notFound('Process definition', '流程定义', key);
    return { ...toSummary(d), xml: d.xml };
  }

  private compiledFor(definitionKey: string): Promise<DiagramInfo | null> {
    let entry = this.compiled.get(definitionKey);
    if (!entry) {
      entry = this.models.Definition.findById(definitionKey)
        .lean()
        .then(async (d) => (d ? (await readDiagram(d.xml)).info : null));
      this.compiled.set(definitionKey, entry);
      entry.catch(() => this.compiled.delete(definitionKey));
    }
    return entry;
  }

  // ---- instances ----------------------------------------------------------------------------

  async createInstance(req: CreateInstanceRequest): Promise<CreateInstanceResult> {
    const variables = req.variables ?? {};
    let res: { processInstanceKey: string | number; bpmnProcessId: string; version: number; processDefinitionKey: string | number };
    try {
      res = (await this.grpc.createProcessInstance({
        bpmnProcessId: req.processId,
        variables: variables as JSONDoc,
        ...(req.version ? { version: req.version } : {}),
      })) as unknown as typeof res;
    } catch (err) {
      if (/NOT_FOUND/.test(String((err as Error).message))) throw notFound('Process definition', '流程定义', req.processId);
      throw err;
    }
    const key = String(res.processInstanceKey);
    const definitionKey = String(res.processDefinitionKey);
    await this.models.Instance.create({
      _id: key,
      processId: res.bpmnProcessId,
      version: Number(res.version),
      definitionKey,
      status: 'active',
      variables: JSON.stringify(variables),
      startedAt: new Date(),
    });
    return { key, processId: res.bpmnProcessId, version: Number(res.version), definitionKey };
  }

  async getInstance(key: string): Promise<InstanceView> {
    const doc = await this.models.Instance.findById(key).lean();
    if (!doc) throw notFound('Process instance', '流程实例', key);
    const [tasks, incidents] = await Promise.all([
      this.models.UserTask.find({ instanceKey: key, status: 'created' }).select('elementId').lean(),
      this.models.Incident.find({ instanceKey: key }).sort({ createdAt: 1 }).lean(),
    ]);
    const open = incidents.filter((i) => i.status === 'open');
    return {
      key,
      processId: doc.processId,
      version: doc.version,
      definitionKey: doc.definitionKey,
      status: doc.status,
      variables: JSON.parse(doc.variables) as Variables,
      startedAt: doc.startedAt.toISOString(),
      endedAt: doc.endedAt?.toISOString(),
      // What the adapter sees: open user tasks and elements stopped by an incident.
      activeElements: doc.status === 'active' ? [...tasks.map((t) => t.elementId), ...open.map((i) => i.elementId)] : [],
      incidents: incidents.map((i) => ({
        key: i._id,
        instanceKey: i.instanceKey,
        elementId: i.elementId,
        type: 'JOB_NO_RETRIES' as const,
        message: i.message,
        jobKey: i.jobKey,
        status: i.status,
        createdAt: i.createdAt.toISOString(),
      })),
    };
  }

  async cancelInstance(key: string): Promise<void> {
    try {
      await this.grpc.cancelProcessInstance(key);
    } catch (err) {
      if (/NOT_FOUND/.test(String((err as Error).message))) throw notFound('Active process instance', '运行中的流程实例', key);
      throw err;
    }
    const doc = await this.models.Instance.findOneAndUpdate({ _id: key, status: 'active' }, { $set: { status: 'canceled', endedAt: new Date() } }).lean();
    await this.emit('instance.canceled', { key, processId: doc?.processId ?? '' });
  }

  async setVariables(instanceKey: string, variables: Variables): Promise<void> {
    await this.grpc.setVariables({ elementInstanceKey: instanceKey, variables: variables as JSONDoc, local: false });
    await this.mergeVariables(instanceKey, variables);
  }

  async resolveIncident(incidentKey: string, opts: { retries?: number } = {}): Promise<void> {
    const inc = await this.models.Incident.findOne({ _id: incidentKey, status: 'open' }).lean();
    if (!inc) throw notFound('Open incident', '未解决的故障', incidentKey);
    // Zeebe's own incident key is not in the job record: find it by the job first (the search reads
    // secondary storage, which trails the broker by a moment), and change nothing until it is found.
    let zeebeKey: string | undefined;
    try {
      const consistency = {
        waitUpToMs: this.opts.incidentSearchWaitMs ?? 10_000,
        predicate: (r: { items?: unknown[] }) => (r.items?.length ?? 0) > 0,
      };
      const found = (await this.rest.searchIncidents({ filter: { jobKey: inc.jobKey, state: 'ACTIVE' } } as never, { consistency } as never)) as {
        items?: Array<{ incidentKey: string }>;
      };
      zeebeKey = found.items?.[0]?.incidentKey;
    } catch (err) {
      // Waiting ran out without the incident showing: handled below as not found.
      if ((err as Error).name !== 'EventualConsistencyTimeoutError') {
        throw userError(
          'INCIDENT_LOOKUP_FAILED',
          `无法向流程集群查询此故障（需要二级存储），未做任何更改：${(err as Error).message}`,
          `The cluster could not be searched for this incident (it needs secondary storage); nothing was changed: ${(err as Error).message}`,
        );
      }
    }
    if (!zeebeKey) {
      throw conflict(
        'INCIDENT_NOT_FOUND',
        '流程集群中没有找到此故障（可能已处理），未做任何更改',
        'The cluster shows no open incident for this job (perhaps already resolved); nothing was changed',
      );
    }
    await this.grpc.updateJobRetries({ jobKey: inc.jobKey, retries: opts.retries ?? 3 });
    await this.rest.resolveIncident({ incidentKey: zeebeKey });
    await this.models.Incident.updateOne({ _id: incidentKey }, { $set: { status: 'resolved' } });
  }

  // ---- messages -----------------------------------------------------------------------------

  async publishMessage(req: PublishMessageRequest): Promise<PublishMessageResult> {
    if (!req.name || req.correlationKey === undefined || req.correlationKey === null) {
      throw userError('INVALID_MESSAGE', '消息需要名称和关联键', 'A message needs a name and a correlation key');
    }
    try {
      const res = await this.grpc.publishMessage({
        name: req.name,
        correlationKey: String(req.correlationKey),
        variables: (req.variables ?? {}) as JSONDoc,
        timeToLive: req.timeToLive ?? 0,
        ...(req.messageId ? { messageId: req.messageId } : {}),
      });
      // Zeebe does not say whether the message met a subscription at once.
      return { key: String((res as { key: string | number }).key), buffered: (req.timeToLive ?? 0) > 0 };
    } catch (err) {
      if (/ALREADY_EXISTS/.test(String((err as Error).message))) {
        throw conflict('MESSAGE_ALREADY_PUBLISHED', '相同 messageId 的消息已在缓冲中', `A message with id ${req.messageId} is already buffered`);
      }
      throw err;
    }
  }

  // ---- service-task workers (gRPC) ----------------------------------------------------------

  createWorker<V extends Variables = Variables>(opts: WorkerOptions<V>): { close(): void } {
    const handler = opts.handler as unknown as JobHandler<Variables>;
    const worker = this.grpc.createWorker({
      taskType: opts.taskType,
      id: this.workerName,
      maxJobsToActivate: opts.maxJobsActive ?? 32,
      timeout: this.opts.jobTimeoutMs ?? 300_000,
      stdout: this.sdkLog,
      taskHandler: async (zjob) => {
        const job: Job = {
          key: String(zjob.key),
          type: zjob.type,
          processInstanceKey: String(zjob.processInstanceKey),
          processId: zjob.bpmnProcessId,
          elementId: zjob.elementId,
          retries: zjob.retries,
          variables: zjob.variables as Variables,
          customHeaders: Object.fromEntries(Object.entries(zjob.customHeaders ?? {}).map(([k, v]) => [k, String(v)])),
        };
        const outcome: JobOutcome = await runJobHandler(handler, job, this.logger);
        switch (outcome.outcome) {
          case 'complete':
            return zjob.complete((outcome.variables ?? {}) as JSONDoc);
          case 'error':
            return zjob.error({ errorCode: outcome.errorCode, errorMessage: outcome.errorMessage ?? '', variables: (outcome.variables ?? {}) as JSONDoc });
          case 'fail': {
            const retries = Math.max(0, outcome.retries ?? job.retries - 1);
            const ack = await zjob.fail({ errorMessage: outcome.errorMessage, retries, retryBackOff: outcome.retryBackOff ?? 0 });
            // Zeebe has the failure already; a record we could not write must not fail the job twice.
            if (retries === 0) {
              await this.recordIncident(job, outcome.errorMessage).catch((err: unknown) =>
                this.logger.error({ err, job: job.key }, 'recording an incident failed'),
              );
            }
            return ack;
          }
        }
      },
    });
    this.workers.add(worker);
    return {
      close: () => {
        this.workers.delete(worker);
        void worker.close();
      },
    };
  }

  private async recordIncident(job: Job, message: string): Promise<void> {
    const doc = {
      _id: `job-${job.key}`,
      instanceKey: job.processInstanceKey,
      elementId: job.elementId,
      jobKey: job.key,
      message,
      status: 'open' as const,
      createdAt: new Date(),
    };
    await this.models.Incident.updateOne({ _id: doc._id }, { $set: doc }, { upsert: true });
    await this.emit('incident.created', {
      key: doc._id,
      instanceKey: doc.instanceKey,
      elementId: doc.elementId,
      type: 'JOB_NO_RETRIES',
      message,
      jobKey: job.key,
      status: 'open',
      createdAt: doc.createdAt.toISOString(),
    });
  }

  // ---- user tasks (REST) --------------------------------------------------------------------

  async listOpenUserTasks(): Promise<UserTaskRecord[]> {
    const docs = await this.models.UserTask.find({ status: 'created' }).lean();
    return docs.map((d) => JSON.parse(d.record) as UserTaskRecord);
  }

  async completeUserTask(key: string, variables: Variables = {}): Promise<void> {
    // 404: Zeebe no longer has the task open. Either it was closed without us (a timer, a
    // withdrawal: its canceling listener says so) or our completion already landed (an earlier
    // attempt whose answer was lost, or another replica's catch-up: its completing listener says
    // so). Wait for the listener to tell which.
    await this.userTaskCommand(
      key,
      () => this.rest.completeUserTask({ userTaskKey: key, variables }),
      async () => {
        const outcome = await this.settledStatus(key);
        if (outcome === 'completed') return;
        if (outcome === 'canceled') throw conflict('TASK_NOT_OPEN', '任务已不在待办状态', 'The task is no longer open in the cluster');
        throw conflict('TASK_BUSY', '流程集群尚未确认此任务的结果，请稍后再看', 'The cluster has not yet confirmed how this task ended');
      },
    );
    const doc = await this.models.UserTask.findOneAndUpdate(
      { _id: key },
      { $set: { status: 'completed', updatedAt: new Date() } },
      { returnDocument: 'after' },
    ).lean();
    if (doc) {
      const record = { ...(JSON.parse(doc.record) as UserTaskRecord), status: 'completed' as const, completedAt: new Date().toISOString() };
      await this.mergeVariables(doc.instanceKey, variables);
      await this.emit('userTask.completed', record);
    }
  }

  /** How a task Zeebe no longer has ended, as its listeners reported it (waits a little for them). */
  private async settledStatus(key: string): Promise<'completed' | 'canceled' | 'unknown'> {
    const deadline = Date.now() + (this.opts.settleWaitMs ?? 10_000);
    for (;;) {
      const doc = await this.models.UserTask.findById(key).select('status').lean();
      if (doc?.status === 'completed' || doc?.status === 'canceled') return doc.status;
      if (Date.now() > deadline) return 'unknown';
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async assignUserTask(key: string, assignee: string | null): Promise<void> {
    await this.userTaskCommand(
      key,
      () => (assignee ? this.rest.assignUserTask({ userTaskKey: key, assignee, allowOverride: true }) : this.rest.unassignUserTask({ userTaskKey: key })),
      async () => {
        throw notFound('Open user task', '待办任务', key);
      },
    );
  }

  /**
   * A user-task command with Zeebe's answers mapped: 404 (the task is closed) is left to `onGone`;
   * 409 (the task is between states, e.g. its creating listener is still being completed) and
   * failures to reach the cluster are tried again for a few seconds, then reported as busy.
   * Local records are never changed here: only Zeebe's listener jobs close a task.
   */
  private async userTaskCommand(key: string, send: () => Promise<unknown>, onGone: () => Promise<void>): Promise<void> {
    const delays = this.opts.commandRetryDelaysMs ?? [250, 500, 1000, 2000, 4000];
    for (let attempt = 0; ; attempt++) {
      try {
        await send();
        return;
      } catch (err) {
        const status = httpStatus(err);
        if (status === 404) return onGone();
        const transient = status === undefined || status === 409 || status === 429 || status >= 500;
        if (!transient) throw err;
        if (attempt >= delays.length) {
          throw conflict('TASK_BUSY', '流程集群暂时无法处理此任务，请稍后重试', 'The cluster cannot take this task command right now; try again shortly');
        }
        this.logger.warn({ task: key, status, attempt }, 'user task command not taken yet; retrying');
        await new Promise((r) => setTimeout(r, delays[attempt]));
      }
    }
  }

  /** Long-polls REST job activation for one listener type; a dropped connection is retried with back-off. */
  private async listenLoop(type: string): Promise<void> {
    let backoff = 500;
    while (this.running) {
      const request = this.rest.activateJobs({
        type,
        worker: this.workerName,
        timeout: this.opts.jobTimeoutMs ?? 60_000,
        maxJobsToActivate: 32,
        requestTimeout: this.opts.listenerRequestTimeoutMs ?? 20_000,
      });
      this.polls.push(request);
      try {
        const { jobs } = (await request) as unknown as { jobs: RestJob[] };
        backoff = 500;
        for (const job of jobs) await this.onListenerJob(job);
      } catch (err) {
        if (!this.running) break;
        this.logger.warn({ err: (err as Error).message, type, retryInMs: backoff }, 'listener job activation failed; retrying');
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 30_000);
      } finally {
        this.polls.splice(this.polls.indexOf(request), 1);
      }
    }
  }

  private async onListenerJob(job: RestJob): Promise<void> {
    try {
      if (job.type === INBOX_PROCESS_END_LISTENER) await this.onProcessEnd(job);
      else if (job.listenerEventType === 'CREATING') await this.onUserTaskCreating(job);
      else if (job.listenerEventType === 'CANCELING') await this.onUserTaskCanceling(job);
      else if (job.listenerEventType === 'COMPLETING') await this.onUserTaskCompleting(job);
      // A task listener job may not carry variables.
      await this.rest.completeJob({ jobKey: job.jobKey });
    } catch (err) {
      // The inbox could not take it (its database is away): offer it again later, keeping the
      // retries, so that an outage delays tasks but never turns them into incidents.
      this.logger.error({ err, job: job.jobKey, type: job.type }, 'inbox listener job failed; Zeebe will offer it again');
      await this.rest
        .failJob({ jobKey: job.jobKey, retries: Math.max(job.retries, 1), errorMessage: (err as Error).message, retryBackOff: 10_000 })
        .catch(() => undefined);
    }
  }

  private async onUserTaskCreating(job: RestJob): Promise<void> {
    const ut = job.userTask ?? {};
    if (!ut.userTaskKey) throw new Error('listener job without userTask.userTaskKey');
    const c = await this.compiledFor(job.processDefinitionKey);
    const z = c?.zeebe.get(job.elementId);
    const record: UserTaskRecord = {
      key: String(ut.userTaskKey),
      processInstanceKey: job.processInstanceKey,
      processId: job.processDefinitionId,
      processVersion: job.processDefinitionVersion,
      elementId: job.elementId,
      name: c?.names.get(job.elementId),
      status: 'created',
      assignee: ut.assignee ?? undefined,
      candidateGroups: ut.candidateGroups ?? [],
      candidateUsers: ut.candidateUsers ?? [],
      dueDate: ut.dueDate ?? undefined,
      followUpDate: ut.followUpDate ?? undefined,
      formKey: ut.formKey ?? undefined,
      formId: z?.form?.formId,
      priority: ut.priority ?? undefined,
      customHeaders: z?.taskHeaders ?? {},
      variables: job.variables,
      createdAt: new Date().toISOString(),
    };
    await this.models.UserTask.updateOne(
      { _id: record.key },
      {
        $setOnInsert: {
          instanceKey: record.processInstanceKey,
          elementId: record.elementId,
          status: 'created',
          record: JSON.stringify(record),
          updatedAt: new Date(),
        },
      },
      { upsert: true },
    );
    await this.models.Instance.updateOne(
      { _id: job.processInstanceKey },
      {
        $set: { variables: JSON.stringify(job.variables) },
        $setOnInsert: {
          processId: job.processDefinitionId,
          version: job.processDefinitionVersion,
          definitionKey: job.processDefinitionKey,
          status: 'active',
          startedAt: new Date(),
        },
      },
      { upsert: true },
    );
    await this.emit('userTask.created', record);
  }

  /** Zeebe is completing the task: our completion landed (whichever replica sent it). */
  private async onUserTaskCompleting(job: RestJob): Promise<void> {
    const key = job.userTask?.userTaskKey;
    if (!key) throw new Error('listener job without userTask.userTaskKey');
    await this.models.UserTask.updateOne({ _id: String(key), status: 'created' }, { $set: { status: 'completed', updatedAt: new Date() } });
  }

  private async onUserTaskCanceling(job: RestJob): Promise<void> {
    const key = job.userTask?.userTaskKey;
    if (!key) throw new Error('listener job without userTask.userTaskKey');
    const doc = await this.models.UserTask.findOneAndUpdate(
      { _id: String(key) },
      { $set: { status: 'canceled', updatedAt: new Date() } },
      { returnDocument: 'after' },
    ).lean();
    if (doc) await this.emit('userTask.canceled', { ...(JSON.parse(doc.record) as UserTaskRecord), status: 'canceled' });
  }

  private async onProcessEnd(job: RestJob): Promise<void> {
    // Only instances the adapter knows (started here, or seen through their tasks); a called
    // child process ends inside its parent.
    await this.models.Instance.updateOne(
      { _id: job.processInstanceKey },
      { $set: { status: 'completed', endedAt: new Date(), variables: JSON.stringify(job.variables) } },
    );
    await this.emit('instance.completed', { key: job.processInstanceKey, processId: job.processDefinitionId, variables: job.variables });
  }

  private async mergeVariables(instanceKey: string, variables: Variables): Promise<void> {
    const doc = await this.models.Instance.findById(instanceKey).select('variables').lean();
    if (doc)
      await this.models.Instance.updateOne({ _id: instanceKey }, { $set: { variables: JSON.stringify({ ...JSON.parse(doc.variables), ...variables }) } });
  }
}

function toSummary(d: Omit<ClusterDefinitionDoc, 'xml'> & { xml?: string }): ProcessDefinitionSummary {
  return {
    key: d._id,
    processId: d.processId,
    name: d.name,
    version: d.version,
    resourceName: d.resourceName,
    deployedAt: d.deployedAt.toISOString(),
  };
}
