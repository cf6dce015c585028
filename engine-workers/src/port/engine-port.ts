/**
 * The engine port: what the API and the job workers need from a BPMN engine. Shaped after
 * Zeebe's own client so that the cluster adapter stays thin; the embedded adapter implements
 * the same contract on bpmn-engine's elements with state in MongoDB.
 */
import type { IncidentSummary, InstanceStatus, ProcessDefinitionSummary, UserTaskStatus } from '@ggzy/shared';

export type Variables = Record<string, unknown>;

export interface DeployResult {
  /** One entry per process in the resource; unchanged resources keep their version. */
  processes: ProcessDefinitionSummary[];
}

export interface CreateInstanceRequest {
  processId: string;
  variables?: Variables;
  /** Pin a version; the latest when omitted. */
  version?: number;
  /**
   * The caller's key for this start, chosen before the call, so that a start can be made again
   * after a crash without making a second instance. The embedded engine uses it as the
   * instance's key and returns the first instance when asked again; the cluster (Zeebe chooses
   * its keys) keeps it as the variable `ggzyStartRequest` and, with `repeat`, first looks for
   * an instance that has it.
   */
  requestKey?: string;
  /** This start may have been made before with the same `requestKey` (its answer was lost). */
  repeat?: boolean;
}

export interface CreateInstanceResult {
  key: string;
  processId: string;
  version: number;
  definitionKey: string;
}

export interface PublishMessageRequest {
  name: string;
  correlationKey: string;
  variables?: Variables;
  /** Buffer the message this long (ms) when no subscription waits; 0 = correlate now or drop. */
  timeToLive?: number;
  /** Publishing twice with the same id while the first is buffered is refused. */
  messageId?: string;
}

export interface PublishMessageResult {
  key: string;
  /** Instance the message was correlated to at once, if any. */
  correlatedTo?: string;
  buffered: boolean;
}

/** A job as its handler sees it. */
export interface Job<V extends Variables = Variables> {
  key: string;
  type: string;
  processInstanceKey: string;
  processId: string;
  elementId: string;
  retries: number;
  variables: V;
  customHeaders: Record<string, string>;
}

export type JobOutcome =
  | { outcome: 'complete'; variables?: Variables }
  | { outcome: 'fail'; errorMessage: string; retries?: number; retryBackOff?: number }
  | { outcome: 'error'; errorCode: string; errorMessage?: string; variables?: Variables };

/** Helpers a handler uses to end a job; every handler must return one of them. */
export const jobOutcome = {
  complete(variables?: Variables): JobOutcome {
    return { outcome: 'complete', variables };
  },
  /** A transient failure: the job is retried after `retryBackOff` ms while retries remain. */
  fail(errorMessage: string, opts: { retries?: number; retryBackOff?: number } = {}): JobOutcome {
    return { outcome: 'fail', errorMessage, ...opts };
  },
  /** A business refusal: thrown as a BPMN error caught by an error boundary event. */
  error(errorCode: string, errorMessage?: string, variables?: Variables): JobOutcome {
    return { outcome: 'error', errorCode, errorMessage, variables };
  },
};

export type JobHandler<V extends Variables = Variables> = (job: Job<V>) => Promise<JobOutcome>;

export interface WorkerOptions<V extends Variables = Variables> {
  taskType: string;
  handler: JobHandler<V>;
  /** Run at most this many jobs of this type at once in this process. */
  maxJobsActive?: number;
}

/** A user task as the inbox learns of it. */
export interface UserTaskRecord {
  key: string;
  processInstanceKey: string;
  processId: string;
  processVersion: number;
  elementId: string;
  name?: string;
  status: UserTaskStatus;
  assignee?: string;
  candidateGroups: string[];
  candidateUsers: string[];
  dueDate?: string;
  followUpDate?: string;
  formKey?: string;
  formId?: string;
  priority?: number;
  customHeaders: Record<string, string>;
  /** Variables visible to the task when it was created (process scope plus its inputs). */
  variables: Variables;
  createdAt: string;
  completedAt?: string;
}

export interface InstanceView {
  key: string;
  processId: string;
  version: number;
  definitionKey: string;
  status: InstanceStatus;
  variables: Variables;
  parentKey?: string;
  startedAt: string;
  endedAt?: string;
  /** Elements where tokens wait now. */
  activeElements: string[];
  incidents: IncidentSummary[];
}

/**
 * What the engine tells its listeners (the inbox), and what both adapters promise about it:
 *
 * - **After the fact.** An event is told once what it reports is stored: a task announced by
 *   `userTask.created` is already in `listOpenUserTasks`, a completed one no longer is.
 * - **Awaited.** A listener may return a promise; the engine waits for it to know whether the
 *   listener took the event. Listeners are not held up by one another.
 * - **At least once.** A listener that throws or rejects is told the same event again after a
 *   back-off, until it takes it. Listeners must therefore be idempotent (key them by the task or
 *   instance key). The cluster adapter gets this from Zeebe: the listener job is failed with its
 *   retries kept and offered again, also to another replica or after a restart. The embedded
 *   adapter writes events with the state that caused them (its outbox) and deletes them once
 *   every listener took them: it tells them again while the process runs, and at `start` tells
 *   again those not taken before a stop or a crash. Attach listeners (`on`) before `start`.
 *   A listener may also catch up from the engine's state (`listOpenUserTasks`, `getInstance`).
 *
 * `engine-port.contract.spec.ts` holds both adapters to this.
 */
export interface InstanceStartedInfo {
  key: string;
  processId: string;
  version: number;
  definitionKey: string;
  /** The start event that started it. */
  startElementId: string;
  startedAt: string;
}

export interface EngineEvents {
  'userTask.created': (task: UserTaskRecord) => void;
  'userTask.canceled': (task: UserTaskRecord) => void;
  'userTask.completed': (task: UserTaskRecord) => void;
  /** An instance the engine started by itself (a timer start event); those started through `createInstance` are not told. */
  'instance.started': (info: InstanceStartedInfo) => void;
  'instance.completed': (info: { key: string; processId: string; variables: Variables }) => void;
  'instance.canceled': (info: { key: string; processId: string }) => void;
  /** The engine could not go on with it and ended it (what Zeebe would hold as an incident it has no type for). */
  'instance.failed': (info: { key: string; processId: string; error: string }) => void;
  'incident.created': (incident: IncidentSummary) => void;
}

/** A deployed version with its diagram. */
export interface DefinitionDetail extends ProcessDefinitionSummary {
  xml: string;
}

export interface EnginePort {
  readonly mode: 'embedded' | 'cluster';
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Deploy diagrams (`.bpmn`) and the forms their user tasks link (`.form`, form-js JSON). One bad
   * diagram deploys nothing. An engine that links no forms (the embedded one: the inbox serves
   * them) takes only the diagrams.
   */
  deploy(resources: { name: string; content: string }[]): Promise<DeployResult>;
  /** Every deployed version, newest first within a process. */
  listDefinitions(): Promise<ProcessDefinitionSummary[]>;
  getDefinition(key: string): Promise<DefinitionDetail>;
  /** Open user tasks, for an inbox to catch up with after a restart. */
  listOpenUserTasks(): Promise<UserTaskRecord[]>;
  getInstance(key: string): Promise<InstanceView>;
  createInstance(req: CreateInstanceRequest): Promise<CreateInstanceResult>;
  publishMessage(req: PublishMessageRequest): Promise<PublishMessageResult>;
  cancelInstance(key: string): Promise<void>;
  setVariables(instanceKey: string, variables: Variables): Promise<void>;
  resolveIncident(incidentKey: string, opts?: { retries?: number }): Promise<void>;
  createWorker<V extends Variables = Variables>(opts: WorkerOptions<V>): { close(): void };
  completeUserTask(key: string, variables?: Variables): Promise<void>;
  /**
   * Tell the engine who holds a task (null: nobody). The inbox decides who may act on a task; an
   * engine that keeps an assignee of its own (Zeebe) is kept in step, one that does not (the
   * embedded engine, whose tasklist is the inbox) takes note of nothing.
   */
  assignUserTask(key: string, assignee: string | null): Promise<void>;
  /** Can the engine take work now? (The cluster adapter asks the gateway for its topology.) */
  health?(): Promise<{ ok: boolean; [detail: string]: unknown }>;
  on<E extends keyof EngineEvents>(event: E, listener: EngineEvents[E]): void;
  off<E extends keyof EngineEvents>(event: E, listener: EngineEvents[E]): void;
}
