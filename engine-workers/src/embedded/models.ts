/**
 * The embedded engine's own collections. Variables and engine state are stored as JSON strings:
 * process variables may hold keys with dots or nested arrays that FerretDB 1.x refuses as
 * documents, and the engine state is an opaque blob anyway.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { StateStore } from './state-store';

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

export interface InstanceDoc {
  _id: string;
  processId: string;
  version: number;
  definitionKey: string;
  status: 'active' | 'completed' | 'canceled' | 'failed';
  parentKey?: string;
  parentExecutionId?: string;
  startElementId?: string;
  startedAt: Date;
  endedAt?: Date;
  /** When the instance must be looked at next (its next timer, or now after a wake-up request). */
  wakeAt?: Date | null;
  activeElements: string[];
  error?: string;
  /** A child's completion has reached its parent (the parent applied it or was woken for it). */
  parentNotified?: boolean;
}

export interface LeaseDoc {
  _id: string;
  owner: string;
  until: Date;
  wake?: boolean;
}

export interface JobDoc {
  _id: string;
  type: string;
  instanceKey: string;
  processId: string;
  executionId: string;
  elementId: string;
  /** activatable → running → reported (outcome set, the instance applies it) | failed (retry at runAt) | incident */
  status: 'activatable' | 'running' | 'reported' | 'failed' | 'incident' | 'canceled';
  retries: number;
  runAt: Date;
  lockedUntil?: Date | null;
  /** The engine process running it (status running). */
  lockedBy?: string | null;
  variables: string;
  customHeaders: Record<string, string>;
  outcome?: string;
  errorMessage?: string;
  reportedAt?: Date;
  /** Set when a sweep woke the instance for this outcome (see EmbeddedEngine.sweep). */
  sweptAt?: Date;
  createdAt: Date;
}

export interface UserTaskDoc {
  _id: string;
  instanceKey: string;
  processId: string;
  processVersion: number;
  executionId: string;
  elementId: string;
  name?: string;
  /** Written only once the state that waits for it is, so a created task is always live. */
  status: 'created' | 'completed' | 'canceled';
  assignee?: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  dueDate?: Date | null;
  followUpDate?: Date | null;
  formKey?: string;
  formId?: string;
  priority?: number;
  customHeaders: Record<string, string>;
  variables: string;
  result?: string;
  applied?: boolean;
  sweptAt?: Date;
  createdAt: Date;
  completedAt?: Date;
}

export interface SubscriptionDoc {
  _id: string;
  instanceKey: string;
  executionId: string;
  elementId: string;
  messageName: string;
  correlationKey: string;
  /** Written only once the state that waits for it is, so an open subscription is always live. */
  status: 'open' | 'correlated' | 'closed';
  variables?: string;
  messageKey?: string;
  correlatedAt?: Date;
  applied?: boolean;
  sweptAt?: Date;
  createdAt: Date;
}

export interface MessageDoc {
  _id: string;
  name: string;
  correlationKey: string;
  messageId?: string;
  variables: string;
  status: 'buffered' | 'correlated' | 'expired';
  expiresAt: Date;
  correlatedTo?: string;
  createdAt: Date;
}

export interface IncidentDoc {
  _id: string;
  instanceKey: string;
  processId: string;
  elementId: string;
  executionId: string;
  type: 'JOB_NO_RETRIES' | 'UNHANDLED_ERROR_EVENT' | 'CONDITION_ERROR' | 'EXTRACT_VALUE_ERROR' | 'CALLED_ELEMENT_ERROR';
  message: string;
  jobKey?: string;
  status: 'open' | 'resolved';
  createdAt: Date;
  resolvedAt?: Date;
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
  Instance: Model<InstanceDoc>;
  states: StateStore;
  Lease: Model<LeaseDoc>;
  Job: Model<JobDoc>;
  UserTask: Model<UserTaskDoc>;
  Subscription: Model<SubscriptionDoc>;
  Message: Model<MessageDoc>;
  Incident: Model<IncidentDoc>;
  TimerStart: Model<TimerStartDoc>;
}

const opts = { versionKey: false, _id: false } as const;

export function engineModels(conn: Connection, statePartitions = Number(process.env.ENGINE_STATE_PARTITIONS ?? 64)): EngineModels {
  const existing = conn.models.EngineDefinition as Model<DefinitionDoc> | undefined;
  if (existing) {
    return {
      Definition: existing,
      Instance: conn.models.EngineInstance as Model<InstanceDoc>,
      states: new StateStore(conn, statePartitions),
      Lease: conn.models.EngineLease as Model<LeaseDoc>,
      Job: conn.models.EngineJob as Model<JobDoc>,
      UserTask: conn.models.EngineUserTask as Model<UserTaskDoc>,
      Subscription: conn.models.EngineSubscription as Model<SubscriptionDoc>,
      Message: conn.models.EngineMessage as Model<MessageDoc>,
      Incident: conn.models.EngineIncident as Model<IncidentDoc>,
      TimerStart: conn.models.EngineTimerStart as Model<TimerStartDoc>,
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

  const instance = new Schema<InstanceDoc>(
    {
      _id: String,
      processId: String,
      version: Number,
      definitionKey: String,
      status: { type: String, index: true },
      parentKey: String,
      parentExecutionId: String,
      startElementId: String,
      startedAt: Date,
      endedAt: Date,
      wakeAt: Date,
      activeElements: [String],
      error: String,
      parentNotified: Boolean,
    },
    opts,
  );
  instance.index({ wakeAt: 1 });
  instance.index({ parentKey: 1 });

  const lease = new Schema<LeaseDoc>({ _id: String, owner: String, until: Date, wake: Boolean }, opts);

  const job = new Schema<JobDoc>(
    {
      _id: String,
      type: String,
      instanceKey: { type: String, index: true },
      processId: String,
      executionId: String,
      elementId: String,
      status: String,
      retries: Number,
      runAt: Date,
      lockedUntil: Date,
      lockedBy: String,
      variables: String,
      customHeaders: Schema.Types.Mixed,
      outcome: String,
      errorMessage: String,
      reportedAt: Date,
      sweptAt: Date,
      createdAt: Date,
    },
    opts,
  );
  job.index({ status: 1, runAt: 1 });

  const userTask = new Schema<UserTaskDoc>(
    {
      _id: String,
      instanceKey: { type: String, index: true },
      processId: String,
      processVersion: Number,
      executionId: String,
      elementId: String,
      name: String,
      status: String,
      assignee: String,
      candidateGroups: [String],
      candidateUsers: [String],
      dueDate: Date,
      followUpDate: Date,
      formKey: String,
      formId: String,
      priority: Number,
      customHeaders: Schema.Types.Mixed,
      variables: String,
      result: String,
      applied: Boolean,
      sweptAt: Date,
      createdAt: Date,
      completedAt: Date,
    },
    opts,
  );
  userTask.index({ status: 1 });

  const subscription = new Schema<SubscriptionDoc>(
    {
      _id: String,
      instanceKey: { type: String, index: true },
      executionId: String,
      elementId: String,
      messageName: String,
      correlationKey: String,
      status: String,
      variables: String,
      messageKey: String,
      correlatedAt: Date,
      applied: Boolean,
      sweptAt: Date,
      createdAt: Date,
    },
    opts,
  );
  subscription.index({ messageName: 1, correlationKey: 1, status: 1 });

  const message = new Schema<MessageDoc>(
    {
      _id: String,
      name: String,
      correlationKey: String,
      messageId: String,
      variables: String,
      status: String,
      expiresAt: Date,
      correlatedTo: String,
      createdAt: Date,
    },
    opts,
  );
  message.index({ name: 1, correlationKey: 1, status: 1 });

  const incident = new Schema<IncidentDoc>(
    {
      _id: String,
      instanceKey: { type: String, index: true },
      processId: String,
      elementId: String,
      executionId: String,
      type: String,
      message: String,
      jobKey: String,
      status: String,
      createdAt: Date,
      resolvedAt: Date,
    },
    opts,
  );

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
    Instance: conn.model<InstanceDoc>('EngineInstance', instance, 'engine_instances'),
    states: new StateStore(conn, statePartitions),
    Lease: conn.model<LeaseDoc>('EngineLease', lease, 'engine_leases'),
    Job: conn.model<JobDoc>('EngineJob', job, 'engine_jobs'),
    UserTask: conn.model<UserTaskDoc>('EngineUserTask', userTask, 'engine_user_tasks'),
    Subscription: conn.model<SubscriptionDoc>('EngineSubscription', subscription, 'engine_subscriptions'),
    Message: conn.model<MessageDoc>('EngineMessage', message, 'engine_messages'),
    Incident: conn.model<IncidentDoc>('EngineIncident', incident, 'engine_incidents'),
    TimerStart: conn.model<TimerStartDoc>('EngineTimerStart', timerStart, 'engine_timer_starts'),
  };
}
