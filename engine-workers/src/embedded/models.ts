/**
 * The embedded engine's collections. Runtime apart from history, as mature engines keep them:
 *
 * - `engine_runtime`: one document per live instance — its engine state, variables, open user
 *   tasks, what else it waits for, its incidents and the trail of its finished steps. Every read
 *   and write of it is by `_id`; an instance's open waits are reached from it or by ids derived
 *   from its key.
 * - `engine_history`: one document per ended instance, written once when it ends (the runtime
 *   document is then deleted). Read by `_id` only.
 * - Small collections that hold only what is pending: leases of instances being driven, outcomes
 *   not yet applied (a completed task, a job's report, a correlated message, a child's end, a
 *   resolved incident), stored jobs waiting for a worker, buffered messages and the correlation
 *   index, timer wake-ups in minute buckets, and events not yet taken by listeners.
 *
 * On FerretDB 1.x only `{ _id: value }` filters use an index; the engine filters by anything else
 * only in collections that stay as small as the work in flight. Variables and engine state are
 * JSON strings: process variables may hold keys with dots or nested arrays that FerretDB 1.x
 * refuses as documents, and the engine state is an opaque blob anyway.
 */
import { Schema, type Connection, type Model, type mongo } from 'mongoose';

export interface DefinitionDoc {
  _id: string;
  processId: string;
  version: number;
  name?: string;
  resourceName: string;
  xml: string;
  checksum: string;
  deployedAt: Date;
}

export type EndStatus = 'completed' | 'canceled' | 'failed';

/** What an instance is, written once (with its first state) and carried into history. */
export interface InstanceMeta {
  processId: string;
  version: number;
  definitionKey: string;
  parentKey?: string;
  parentExecutionId?: string;
  startElementId?: string;
  startedAt: Date;
}

/** An open user task, kept in its instance's runtime document; its key is `<instance>:<execution>`. */
export interface OpenTask {
  key: string;
  executionId: string;
  elementId: string;
  name?: string;
  processVersion: number;
  assignee: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  dueDate: Date | null;
  followUpDate: Date | null;
  formKey?: string;
  formId?: string;
  priority: number;
  customHeaders: Record<string, string>;
  variables: string;
  createdAt: Date;
}

export type IncidentType = 'JOB_NO_RETRIES' | 'UNHANDLED_ERROR_EVENT' | 'CONDITION_ERROR' | 'EXTRACT_VALUE_ERROR' | 'IO_MAPPING_ERROR' | 'CALLED_ELEMENT_ERROR';

/** An incident, kept in its instance's document; its key is `<instance>:<execution>:<type>`. */
export interface IncidentRec {
  key: string;
  elementId: string;
  executionId: string;
  type: IncidentType;
  message: string;
  jobKey?: string;
  status: 'open' | 'resolved';
  createdAt: Date;
  resolvedAt?: Date;
}

/** A finished step of an instance: a user task, a job, a message wait or a call. */
export interface TrailRec {
  kind: 'userTask' | 'job' | 'message' | 'call';
  key: string;
  elementId: string;
  name?: string;
  /** The job type of a job. */
  type?: string;
  status: 'completed' | 'canceled' | 'error';
  createdAt?: Date;
  endedAt: Date;
}

/**
 * An input an instance accepts now, by the id of its outcome document: `t:<task>`, `j:<job>`,
 * `m:<subscription>`, `c:<child instance>`, `i:<incident>`. A subscription also names its entry
 * in the correlation index.
 */
export interface WaitRec {
  id: string;
  index?: string;
}

export interface RuntimeDoc extends InstanceMeta {
  _id: string;
  /** `active`, or how it ended when the end is decided but not yet moved to history. */
  status: 'active' | EndStatus;
  endedAt?: Date;
  error?: string;
  state: string | null;
  variables: string;
  activeElements: string[];
  /** Its earliest timer. */
  wakeAt: Date | null;
  /**
   * Minutes (bucket ids) of earlier timers whose bucket entry may still be there: a write that moves
   * or drops the timer names the old minute until the entry is known removed, so that whoever ends
   * the instance after a crash also takes out an entry the crash left behind.
   */
  staleBuckets?: number[];
  tasks: OpenTask[];
  waits: WaitRec[];
  incidents: IncidentRec[];
  trail: TrailRec[];
}

export interface HistoryDoc extends InstanceMeta {
  _id: string;
  status: EndStatus;
  endedAt: Date;
  error?: string;
  /** The final engine state (which end event was reached, the paths taken). */
  state: string | null;
  variables: string;
  incidents: IncidentRec[];
  trail: TrailRec[];
}

/** An input that reached an instance but is not yet applied by it (see WaitRec for the ids). */
export interface OutcomeDoc {
  _id: string;
  instanceKey: string;
  at: Date;
  /** JSON: the task's result, the job's outcome, the message's variables, the child's variables, the incident's retries. */
  payload: string;
}

export interface LeaseDoc {
  _id: string;
  owner: string;
  until: Date;
  wake?: boolean;
}

/** A job stored for a worker: one with no worker in the process that reached it, a retry after back-off, or one under an incident. */
export interface JobDoc {
  _id: string;
  type: string;
  instanceKey: string;
  processId: string;
  executionId: string;
  elementId: string;
  /** activatable → running → (outcome written, the instance applies it and deletes the job) | failed (retry at runAt) | incident */
  status: 'activatable' | 'running' | 'failed' | 'incident';
  retries: number;
  runAt: Date;
  lockedUntil?: Date | null;
  /** The engine process running it (status running). */
  lockedBy?: string | null;
  variables: string;
  customHeaders: Record<string, string>;
  errorMessage?: string;
  createdAt: Date;
}

/** A message buffered for its time to live, until an instance takes it. */
export interface MessageDoc {
  _id: string;
  name: string;
  correlationKey: string;
  messageId?: string;
  variables: string;
  expiresAt: Date;
  createdAt: Date;
}

/** A list of keys under one id: open subscriptions or buffered messages by name and correlation key, instances due in a minute. */
export interface KeyListDoc {
  _id: string;
  keys: string[];
  /** The timer buckets' cursor: every bucket up to this minute (ms) is done. */
  upTo?: number;
}

/** Events written with the state that caused them, deleted once every listener took them. */
export interface OutboxDoc {
  _id: string;
  /** JSON: `[event, payload][]`. */
  events: string;
  at: Date;
}

export interface TimerStartDoc {
  _id: string;
  processId: string;
  definitionKey: string;
  elementId: string;
  nextAt: Date;
  /** Remaining repetitions; -1 for unbounded cycles. */
  remaining: number;
  interval?: string;
  status: 'scheduled' | 'done' | 'replaced';
}

export interface EngineModels {
  Definition: Model<DefinitionDoc>;
  Lease: Model<LeaseDoc>;
  TimerStart: Model<TimerStartDoc>;
  runtime: mongo.Collection<RuntimeDoc>;
  history: mongo.Collection<HistoryDoc>;
  outcomes: mongo.Collection<OutcomeDoc>;
  jobs: mongo.Collection<JobDoc>;
  messages: mongo.Collection<MessageDoc>;
  /** The correlation index: `s\u0001<name>\u0001<key>` (subscriptions), `m\u0001<name>\u0001<key>` (buffered messages). */
  correlations: mongo.Collection<KeyListDoc>;
  /** Minute buckets `b:<minute ms>` of instances with a timer due then, and the cursor `cursor`. */
  timers: mongo.Collection<KeyListDoc>;
  outbox: mongo.Collection<OutboxDoc>;
}

const opts = { versionKey: false, _id: false } as const;

function collection<T extends mongo.Document>(conn: Connection, name: string): mongo.Collection<T> {
  return conn.collection(name) as unknown as mongo.Collection<T>;
}

export function engineModels(conn: Connection): EngineModels {
  const raw = {
    runtime: collection<RuntimeDoc>(conn, 'engine_runtime'),
    history: collection<HistoryDoc>(conn, 'engine_history'),
    outcomes: collection<OutcomeDoc>(conn, 'engine_outcomes'),
    jobs: collection<JobDoc>(conn, 'engine_pending_jobs'),
    messages: collection<MessageDoc>(conn, 'engine_buffered_messages'),
    correlations: collection<KeyListDoc>(conn, 'engine_correlations'),
    timers: collection<KeyListDoc>(conn, 'engine_timers'),
    outbox: collection<OutboxDoc>(conn, 'engine_outbox'),
  };
  const existing = conn.models.EngineDefinition as Model<DefinitionDoc> | undefined;
  if (existing) {
    return {
      Definition: existing,
      Lease: conn.models.EngineLease as Model<LeaseDoc>,
      TimerStart: conn.models.EngineTimerStart as Model<TimerStartDoc>,
      ...raw,
    };
  }

  const definition = new Schema<DefinitionDoc>(
    {
      _id: String,
      processId: { type: String, required: true },
      version: { type: Number, required: true },
      name: String,
      resourceName: String,
      xml: String,
      checksum: String,
      deployedAt: Date,
    },
    opts,
  );
  definition.index({ processId: 1, version: -1 }, { unique: true });

  const lease = new Schema<LeaseDoc>({ _id: String, owner: String, until: Date, wake: Boolean }, opts);

  const timerStart = new Schema<TimerStartDoc>(
    {
      _id: String,
      processId: String,
      definitionKey: String,
      elementId: String,
      nextAt: Date,
      remaining: Number,
      interval: String,
      status: String,
    },
    opts,
  );
  timerStart.index({ status: 1, nextAt: 1 });

  return {
    Definition: conn.model<DefinitionDoc>('EngineDefinition', definition, 'engine_definitions'),
    Lease: conn.model<LeaseDoc>('EngineLease', lease, 'engine_leases'),
    TimerStart: conn.model<TimerStartDoc>('EngineTimerStart', timerStart, 'engine_timer_starts'),
    ...raw,
  };
}

/** The instance key in a task, job, subscription or incident key (`<instance>:<execution>[:<type>]`). */
export function instanceOf(key: string): string {
  const i = key.indexOf(':');
  return i < 0 ? key : key.slice(0, i);
}
