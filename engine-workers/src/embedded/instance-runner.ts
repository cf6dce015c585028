/**
 * One process instance loaded in memory: bpmn-elements' Definition plus the Zeebe glue
 * (variables, jobs, user tasks, message subscriptions, call activities, incidents). It lives
 * only while the instance has work in progress; at every wait its state is written to MongoDB
 * and the object is dropped. Every operation on it runs inside its actor (see EmbeddedEngine),
 * so nothing here needs locks.
 */
import * as Elements from 'bpmn-elements';
import type { Logger } from 'pino';
import type { JobOutcome, Variables } from '../port/engine-port';
import type { CompiledDefinition } from './definition-compiler';
import { evaluateCondition, FeelError, isFeel, resolveList, resolveString, resolveValue, type FeelContext } from './feel';
import type { EngineModels, InstanceDoc, JobDoc, SubscriptionDoc } from './models';
import type { ElementApi, ExecuteMessage, MessageContent } from './bpmn-elements-types';
import { RUNTIME_OPTION, type IncidentInput, type InstanceRuntime } from './runtime-context';
import { Waiters, type Waiter } from './waiters';

export interface CompiledEntry {
  key: string;
  processId: string;
  version: number;
  compiled: CompiledDefinition;
}

export interface LocalJob {
  key: string;
  type: string;
  retries: number;
  variables: Variables;
  customHeaders: Record<string, string>;
}

/** What a loaded instance needs from the engine that holds it. */
export interface RunnerHost {
  readonly models: EngineModels;
  readonly owner: string;
  readonly leaseMs: number;
  readonly logger: Logger;
  hasLocalWorker(type: string): boolean;
  runLocalJob(inst: InstanceRunner, waiter: Waiter, job: LocalJob): void;
  enqueue(key: string, op: (inst: InstanceRunner | undefined) => Promise<void>): Promise<void>;
  fire(key: string, op: (inst: InstanceRunner | undefined) => Promise<void>): void;
  afterTimer(inst: InstanceRunner): Promise<void>;
  startChild(parent: InstanceRunner, req: { key: string; processId: string; variables: Variables; parentExecutionId: string }): Promise<'started' | 'missing'>;
  cancelInstance(key: string): Promise<void>;
}

/** The part of bpmn-elements' Definition used here. */
interface BpmnDefinition {
  run(opts: { processId: string }): void;
  recover(state: never): void;
  resume(): void;
  stop(): void;
  getState(): unknown;
  getPostponed(): unknown[];
  environment: { timers: { executing: unknown[] } };
  broker: { subscribeTmp(exchange: string, pattern: string, fn: never, opts: Record<string, unknown>): void };
}

export interface Snapshot {
  instance: Pick<InstanceDoc, 'status' | 'activeElements' | 'wakeAt'> & Partial<Pick<InstanceDoc, 'endedAt' | 'error'>>;
  state: string | null;
  variables: string;
}

export type EndState = 'completed' | 'failed' | 'canceled';

const noopLogger = () => ({ debug() {}, error() {}, warn() {} });

/** Insert unless a document with that `_id` exists; true when this call inserted it. */
async function insertIfAbsent(collection: { insertOne(doc: never): Promise<unknown> }, doc: { _id: string }): Promise<boolean> {
  try {
    await collection.insertOne(doc as never);
    return true;
  } catch (err) {
    if ((err as { code?: number }).code === 11000) return false;
    throw err;
  }
}

export class InstanceRunner implements InstanceRuntime {
  readonly waiters = new Waiters();
  private readonly pending = new Set<Promise<unknown>>();
  private definition: BpmnDefinition | null = null;
  vars: Variables;
  ended: EndState | null = null;
  endError?: string;
  localJobs = 0;
  /** True once the instance document exists in the database. */
  persisted: boolean;
  /** Whether the instance row exists (it is written when the instance is first let go). */
  rowWritten = false;
  /** Whether this instance may have rows in the task, subscription, job or incident collections. */
  usedCollections: boolean;
  leaseLost = false;
  stopped = false;

  constructor(
    readonly host: RunnerHost,
    readonly key: string,
    readonly def: CompiledEntry,
    readonly meta: { parentKey?: string; parentExecutionId?: string; startElementId?: string; startedAt: Date },
    vars: Variables,
    persisted: boolean,
  ) {
    this.vars = vars;
    this.persisted = persisted;
    this.usedCollections = persisted; // a resumed instance may have any
  }

  get compiled(): CompiledDefinition {
    return this.def.compiled;
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  start(): void {
    const definition = this.createDefinition();
    definition.run({ processId: this.def.processId });
  }

  resume(state: unknown): void {
    const definition = this.createDefinition();
    definition.recover(state as never);
    definition.resume();
  }

  /** Stop the engine objects (timers included); the instance is then dropped from memory. */
  stop(): void {
    this.stopped = true;
    try {
      this.definition?.stop();
    } catch (err) {
      this.host.logger.warn({ err, instance: this.key }, 'stopping definition failed');
    }
  }

  /** Wait until every database look-up started by the engine has finished. */
  async settle(): Promise<void> {
    while (this.pending.size) {
      await Promise.allSettled([...this.pending]);
    }
  }

  track<T>(p: Promise<T>): void {
    const tracked = p.catch((err: unknown) => {
      this.host.logger.error({ err, instance: this.key }, 'instance operation failed');
    });
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  get busy(): boolean {
    return this.localJobs > 0;
  }

  /** Re-check every wait against the database (a task was completed, a message arrived...). */
  recheck(): void {
    for (const w of this.waiters.all()) {
      if (w.kind === 'job' && w.localRunning) continue;
      this.track(this.check(w));
    }
  }

  /**
   * What to write: the small instance fields (status, next wake-up, where the tokens are) and,
   * apart, the engine state and the variables. The write that releases the instance sets its
   * next wake-up (its earliest timer, or none); while held, the lease speaks for it.
   */
  snapshot(releasing: boolean): Snapshot {
    const state = this.definition ? this.definition.getState() : null;
    const timers = this.definition ? (this.definition.environment.timers.executing as Array<{ expireAt: Date }>) : [];
    let wakeAt: Date | null = null;
    if (!this.ended && releasing) for (const t of timers) if (!wakeAt || t.expireAt < wakeAt) wakeAt = t.expireAt;
    return {
      instance: {
        status: this.ended ?? 'active',
        activeElements: this.ended ? [] : this.activeElements(),
        wakeAt,
        ...(this.ended && { endedAt: new Date() }),
        ...(this.endError && { error: this.endError }),
      },
      state: state ? JSON.stringify(state) : null,
      variables: JSON.stringify(this.vars),
    };
  }

  activeElements(): string[] {
    if (!this.definition) return [];
    const ids = new Set<string>();
    const walk = (items: Array<{ id: string; type?: string; content?: { targetId?: string }; getPostponed?: () => unknown[] }>) => {
      for (const a of items) {
        if (a.type === 'bpmn:Process') walk((a.getPostponed?.() ?? []) as never);
        // a taken flow waiting at a joining gateway: the token is at the gateway
        else if (a.type === 'bpmn:SequenceFlow') {
          if (a.content?.targetId) ids.add(a.content.targetId);
        } else ids.add(a.id);
      }
    };
    walk(this.definition.getPostponed() as never);
    for (const w of this.waiters.all()) ids.add(w.elementId);
    return [...ids];
  }

  // ---- bpmn-elements wiring ----------------------------------------------------------------

  private createDefinition() {
    const environment = new Elements.Environment({
      Logger: noopLogger as never,
      // Non-strict: an error a job throws reaches error boundary events by code. Technical errors never
      // reach the engine (they become incidents), so catch-all boundaries only see BPMN errors.
      settings: { strict: false },
      variables: {},
      expressions: {
        resolveExpression: (expr: unknown, from: { content?: MessageContent }) => this.resolveForEngine(expr, from?.content),
        isExpression: (text: unknown) => isFeel(text),
        hasExpression: (text: unknown) => isFeel(text),
      } as never,
      scripts: {
        register() {},
        getScript: (_language: string, activity: { id: string; type?: string }) => {
          // Only script tasks: sequence-flow conditions are FEEL expressions, not scripts.
          if (activity.type !== 'bpmn:ScriptTask') return undefined;
          return {
            execute: (executionContext: { content: MessageContent; fields: ExecuteMessage['fields'] }, callback: (err: unknown, out?: unknown) => void) => {
              this.executeScript(activity.id, executionContext as unknown as ExecuteMessage, callback);
            },
          };
        },
      } as never,
      timers: new Elements.Timers({
        setTimeout: (fn: (...a: unknown[]) => void, delay: number, ...args: unknown[]) => {
          const first = args[0] as { id?: string } | undefined;
          const immediate = this.meta.startElementId && first?.id === this.meta.startElementId && !this.startTimerFired;
          if (immediate) this.startTimerFired = true;
          const handle = setTimeout(
            () => {
              this.host.fire(this.key, async (inst) => {
                if (inst !== this || this.stopped) return;
                fn(...args);
                await this.host.afterTimer(this);
              });
            },
            immediate ? 0 : delay,
          );
          handle.unref?.();
          return handle;
        },
        clearTimeout: (h: NodeJS.Timeout) => clearTimeout(h),
      } as never),
      ...{ [RUNTIME_OPTION]: this },
    } as never);
    const context = new (Elements.Context as unknown as new (c: unknown, e: unknown) => unknown)(this.def.compiled.context, environment);
    const definition = new (Elements.Definition as unknown as new (c: unknown) => BpmnDefinition)(context);
    const onEvent = (routingKey: string, message: ExecuteMessage, owner: { getApi(m: unknown): ElementApi }) => {
      if (this.stopped) return;
      this.onEngineEvent(routingKey, message, owner);
    };
    definition.broker.subscribeTmp('event', 'activity.wait', onEvent as never, { noAck: true });
    definition.broker.subscribeTmp('event', 'activity.call', onEvent as never, { noAck: true });
    definition.broker.subscribeTmp('event', 'activity.leave', onEvent as never, { noAck: true });
    definition.broker.subscribeTmp('event', 'definition.leave', onEvent as never, { noAck: true });
    definition.broker.subscribeTmp('event', 'definition.error', onEvent as never, { noAck: true });
    this.definition = definition;
    return definition;
  }

  private startTimerFired = false;

  /** Events to publish once the state that caused them is written. */
  emits: Array<[string, unknown]> = [];

  emitLater(event: string, payload: unknown): void {
    this.emits.push([event, payload]);
  }

  private onEngineEvent(routingKey: string, message: ExecuteMessage, owner: { getApi(m: unknown): ElementApi }): void {
    const content = message.content;
    switch (routingKey) {
      case 'activity.wait': {
        const api = owner.getApi(message);
        if (content.type === 'bpmn:UserTask') return this.waitUserTask(api);
        if (content.type === 'bpmn:ManualTask' || content.type === 'bpmn:Task') return api.signal();
        if (this.compiled.messages.size) return this.waitMessage(api);
        return;
      }
      case 'activity.call':
        return this.waitCall(owner.getApi(message));
      case 'activity.leave':
        for (const w of this.waiters.byElement(content.id)) this.cancelWait(w);
        return;
      case 'definition.leave':
        if (!this.ended) this.ended = 'completed';
        return;
      case 'definition.error': {
        const err = (content as { error?: { message?: string } }).error;
        this.ended = 'failed';
        this.endError = err?.message ?? 'engine error';
        this.host.logger.error({ instance: this.key, error: this.endError }, 'instance failed');
        return;
      }
    }
  }

  // ---- variables and expressions -----------------------------------------------------------

  private resolveForEngine(expr: unknown, content: MessageContent | undefined): unknown {
    const body = typeof expr === 'object' && expr !== null && 'body' in expr ? (expr as { body: unknown }).body : expr;
    if (typeof body !== 'string') return body;
    if (!isFeel(body)) return body;
    return resolveValue(body, this.contextFor(content));
  }

  contextFor(content: MessageContent | undefined): FeelContext {
    const ctx: FeelContext = { ...this.vars };
    if (!content) return ctx;
    const z = this.compiled.zeebe.get(content.id);
    const el = z?.loop?.inputElement;
    if (el && el in content) {
      ctx[el] = content[el];
      ctx.loopCounter = (content.index ?? 0) + 1;
    }
    if (z?.inputs.length) for (const p of z.inputs) ctx[p.target] = resolveValue(p.source, ctx);
    return ctx;
  }

  /** Zeebe's rule: with output mappings only the mapped values leave the element; without, all merge. */
  applyResult(content: MessageContent, result: Variables | undefined): void {
    const z = this.compiled.zeebe.get(content.id);
    const res = result ?? {};
    if (z?.outputs.length) {
      const ctx = { ...this.contextFor(content), ...res };
      for (const p of z.outputs) this.vars[p.target] = resolveValue(p.source, ctx);
    } else {
      Object.assign(this.vars, res);
    }
    const loop = z?.loop;
    if (loop?.outputCollection && typeof content.index === 'number') {
      const ctx = { ...this.contextFor(content), ...res };
      const value = loop.outputElement ? resolveValue(loop.outputElement, ctx) : null;
      const current = this.vars[loop.outputCollection];
      const list = Array.isArray(current) ? [...current] : [];
      while (list.length < content.index) list.push(null);
      list[content.index] = value ?? null;
      this.vars[loop.outputCollection] = list;
    }
  }

  checkConditions(content: MessageContent, flows: Array<{ id: string; expression: string }>): string | undefined {
    const ctx = this.contextFor(content);
    for (const f of flows) {
      try {
        evaluateCondition(f.expression, ctx);
      } catch (err) {
        return `sequence flow ${f.id}: ${(err as Error).message}`;
      }
    }
    return undefined;
  }

  raiseIncident(incident: IncidentInput & { retry?: () => void }): void {
    const key = `${this.key}:${incident.executionId}:${incident.type}`;
    const { retry, ...rest } = incident;
    if (retry) this.waiters.add({ kind: 'incident', executionId: incident.executionId, elementId: incident.elementId, incidentKey: key, retry });
    this.track(this.writeIncident(key, rest));
  }

  private async writeIncident(key: string, incident: IncidentInput): Promise<void> {
    this.usedCollections = true;
    const { Incident } = this.host.models;
    const doc = await Incident.findOneAndUpdate(
      { _id: key },
      {
        $set: { status: 'open', message: incident.message },
        $setOnInsert: {
          instanceKey: this.key,
          processId: this.def.processId,
          elementId: incident.elementId,
          executionId: incident.executionId,
          type: incident.type,
          jobKey: incident.jobKey,
          createdAt: new Date(),
        },
      },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    if (doc) {
      this.emitLater('incident.created', {
        key: doc._id,
        instanceKey: doc.instanceKey,
        elementId: doc.elementId,
        type: doc.type,
        message: doc.message,
        jobKey: doc.jobKey,
        status: doc.status,
        createdAt: doc.createdAt.toISOString(),
      });
    }
  }

  // ---- jobs (service, send, business rule and job-based script tasks) -------------------------

  executeJob(elementId: string, message: ExecuteMessage, callback: (err: unknown, out?: unknown) => void): void {
    const content = message.content;
    const waiter: Waiter = {
      kind: 'job',
      executionId: content.executionId,
      elementId,
      jobKey: `${this.key}:${content.executionId}`,
      content,
      done: callback,
    };
    this.waiters.add(waiter);
    if (message.fields.redelivered) this.track(this.check(waiter));
    else this.track(this.dispatchJob(waiter));
  }

  private async dispatchJob(w: Waiter & { kind: 'job' }): Promise<void> {
    const z = this.compiled.zeebe.get(w.elementId);
    const ctx = this.contextFor(w.content);
    let type: string;
    let retries: number;
    try {
      type = resolveString(z?.taskDefinition?.type, ctx) ?? '';
      retries = Number(resolveValue(z?.taskDefinition?.retries ?? '3', ctx) ?? 3);
    } catch (err) {
      return this.raiseIncident({
        type: 'EXTRACT_VALUE_ERROR',
        elementId: w.elementId,
        executionId: w.executionId,
        message: (err as Error).message,
        retry: () => this.track(this.dispatchJob(w)),
      });
    }
    const job = { key: w.jobKey, type, retries: Number.isFinite(retries) ? retries : 3, variables: ctx, customHeaders: z?.taskHeaders ?? {} };
    if (this.host.hasLocalWorker(type)) {
      w.localRunning = true;
      this.localJobs++;
      this.host.runLocalJob(this, w, job);
      return;
    }
    this.usedCollections = true;
    await this.host.models.Job.updateOne(
      { _id: w.jobKey },
      {
        $setOnInsert: {
          type,
          instanceKey: this.key,
          processId: this.def.processId,
          executionId: w.executionId,
          elementId: w.elementId,
          status: 'activatable',
          retries: job.retries,
          runAt: new Date(),
          variables: JSON.stringify(ctx),
          customHeaders: job.customHeaders,
          createdAt: new Date(),
        },
      },
      { upsert: true },
    );
  }

  /** Called (inside this instance's actor) when a job run in this process has finished. */
  onLocalJobDone(w: Waiter & { kind: 'job' }, job: LocalJob, outcome: JobOutcome): void {
    w.localRunning = false;
    this.localJobs--;
    if (!this.waiters.has(w)) return; // interrupted meanwhile (boundary event, cancel)
    this.applyJobOutcome(w, job, outcome);
  }

  /** `stored`: the outcome came from a job document, which is done with once the outcome is applied. */
  applyJobOutcome(w: Waiter & { kind: 'job' }, job: LocalJob, outcome: JobOutcome, stored = false): void {
    // If the state write after this is lost, the job runs again: at least once.
    const done = () => stored && this.track(this.host.models.Job.deleteOne({ _id: job.key }));
    switch (outcome.outcome) {
      case 'complete':
        done();
        this.waiters.delete(w);
        this.applyResult(w.content, outcome.variables);
        return w.done(null, outcome.variables ?? {});
      case 'error': {
        if (this.canCatch(w.elementId, outcome.errorCode)) {
          done();
          this.waiters.delete(w);
          if (outcome.variables) Object.assign(this.vars, outcome.variables);
          const err = Object.assign(new Error(outcome.errorMessage ?? outcome.errorCode), { code: outcome.errorCode, name: 'BpmnError' });
          return w.done(err);
        }
        const message = `Expected to throw an error event with the code '${outcome.errorCode}'${outcome.errorMessage ? ` with message '${outcome.errorMessage}'` : ''}, but it was not caught. No error events are available in the scope.`;
        return this.track(this.jobIncident(w, job, 'UNHANDLED_ERROR_EVENT', message));
      }
      case 'fail': {
        const retries = outcome.retries ?? job.retries - 1;
        if (retries > 0) return this.track(this.jobRetryLater(w, job, retries, outcome.retryBackOff ?? 0, outcome.errorMessage));
        return this.track(this.jobIncident(w, job, 'JOB_NO_RETRIES', outcome.errorMessage || 'job failed and has no retries left'));
      }
    }
  }

  private async jobRetryLater(w: Waiter, job: LocalJob, retries: number, backoff: number, errorMessage: string): Promise<void> {
    this.usedCollections = true;
    await this.host.models.Job.updateOne(
      { _id: job.key },
      {
        $set: { status: 'failed', retries, runAt: new Date(Date.now() + backoff), errorMessage, lockedUntil: null },
        $setOnInsert: this.jobInsertFields(w, job),
      },
      { upsert: true },
    );
  }

  private async jobIncident(w: Waiter, job: LocalJob, type: IncidentInput['type'], message: string): Promise<void> {
    this.usedCollections = true;
    await this.host.models.Job.updateOne(
      { _id: job.key },
      { $set: { status: 'incident', retries: 0, errorMessage: message, lockedUntil: null }, $setOnInsert: this.jobInsertFields(w, job) },
      { upsert: true },
    );
    await this.writeIncident(`${this.key}:${w.executionId}:${type}`, { type, elementId: w.elementId, executionId: w.executionId, message, jobKey: job.key });
  }

  private jobInsertFields(w: Waiter, job: LocalJob): Partial<JobDoc> {
    return {
      type: job.type,
      instanceKey: this.key,
      processId: this.def.processId,
      executionId: w.executionId,
      elementId: w.elementId,
      variables: JSON.stringify(job.variables),
      customHeaders: job.customHeaders,
      createdAt: new Date(),
    };
  }

  canCatch(elementId: string, code: string): boolean {
    const set = this.compiled.errorCatch.get(elementId);
    return !!set && (set.has(code) || set.has('*'));
  }

  private executeScript(elementId: string, message: ExecuteMessage, callback: (err: unknown, out?: unknown) => void): void {
    const z = this.compiled.zeebe.get(elementId);
    if (z?.taskDefinition?.type) return this.executeJob(elementId, message, callback);
    try {
      const value = resolveValue(z?.script?.expression, this.contextFor(message.content));
      if (z?.script?.resultVariable) this.vars[z.script.resultVariable] = value;
      callback(null, value);
    } catch (err) {
      this.raiseIncident({
        type: 'EXTRACT_VALUE_ERROR',
        elementId,
        executionId: message.content.executionId,
        message: (err as Error).message,
        retry: () => this.executeScript(elementId, message, callback),
      });
    }
  }

  // ---- user tasks ------------------------------------------------------------------------

  private waitUserTask(api: ElementApi): void {
    this.usedCollections = true;
    const w: Waiter = {
      kind: 'userTask',
      executionId: api.executionId,
      elementId: api.id,
      content: api.content,
      api,
      taskKey: `${this.key}:${api.executionId}`,
    };
    this.waiters.add(w);
    this.track(this.check(w));
  }

  private userTaskFields(w: Waiter & { kind: 'userTask' }) {
    const z = this.compiled.zeebe.get(w.elementId);
    const ctx = this.contextFor(w.content);
    const due = resolveString(z?.schedule?.dueDate, ctx);
    const follow = resolveString(z?.schedule?.followUpDate, ctx);
    const priority = Number(resolveValue(z?.priority, ctx) ?? 50);
    return {
      instanceKey: this.key,
      processId: this.def.processId,
      processVersion: this.def.version,
      executionId: w.executionId,
      elementId: w.elementId,
      name: this.compiled.names.get(w.elementId),
      status: 'created' as const,
      assignee: resolveString(z?.assignment?.assignee, ctx) ?? null,
      candidateGroups: resolveList(z?.assignment?.candidateGroups, ctx),
      candidateUsers: resolveList(z?.assignment?.candidateUsers, ctx),
      dueDate: due ? new Date(due) : null,
      followUpDate: follow ? new Date(follow) : null,
      formKey: z?.form?.formKey,
      formId: z?.form?.formId,
      priority: Number.isFinite(priority) ? priority : 50,
      customHeaders: z?.taskHeaders ?? {},
      variables: JSON.stringify(ctx),
      createdAt: new Date(),
    };
  }

  // ---- messages ------------------------------------------------------------------------------

  private waitMessage(api: ElementApi): void {
    const messageId = this.compiled.elementMessage.get(api.id);
    if (!messageId) return;
    this.usedCollections = true;
    const w: Waiter = { kind: 'message', executionId: api.executionId, elementId: api.id, content: api.content, api, messageId };
    this.waiters.add(w);
    this.track(this.check(w));
  }

  // ---- call activities -------------------------------------------------------------------

  private waitCall(api: ElementApi): void {
    const w: Waiter = { kind: 'call', executionId: api.executionId, elementId: api.id, content: api.content, api, childKey: `${this.key}.${api.executionId}` };
    this.waiters.add(w);
    this.track(this.check(w));
  }

  // ---- checks: one look at the database per wait -----------------------------------------

  private async check(w: Waiter): Promise<void> {
    const m = this.host.models;
    switch (w.kind) {
      case 'job': {
        const doc = await m.Job.findById(w.jobKey).lean();
        if (!this.waiters.has(w)) return;
        if (!doc) return this.dispatchJob(w);
        const job: LocalJob = { key: doc._id, type: doc.type, retries: doc.retries, variables: {}, customHeaders: doc.customHeaders };
        // A job run by a poller reports its outcome on the job; the instance applies it here.
        if (doc.status === 'reported' && doc.outcome) return this.applyJobOutcome(w, job, JSON.parse(doc.outcome) as JobOutcome, true);
        return;
      }
      case 'userTask': {
        const doc = await m.UserTask.findById(w.taskKey).lean();
        if (!this.waiters.has(w)) return;
        // Not written yet: it is, once the state that waits for it is (see activate).
        if (!doc) return void this.toActivate.push(w);
        if (doc.status === 'completed') {
          this.waiters.delete(w);
          if (!doc.applied) this.track(m.UserTask.updateOne({ _id: doc._id }, { $set: { applied: true } }));
          const result = doc.result ? (JSON.parse(doc.result) as Variables) : {};
          this.applyResult(w.content, result);
          return w.api.signal(result);
        }
        return;
      }
      case 'message':
        return this.checkMessage(w);
      case 'call':
        return this.checkCall(w);
      case 'incident': {
        const doc = await m.Incident.findById(w.incidentKey).lean();
        if (doc?.status === 'resolved' && this.waiters.has(w)) {
          this.waiters.delete(w);
          w.retry();
        }
        return;
      }
    }
  }

  private async checkMessage(w: Waiter & { kind: 'message' }): Promise<void> {
    const { Subscription, Message } = this.host.models;
    const info = this.compiled.messages.get(w.messageId)!;
    let correlationKey: string | undefined;
    try {
      const raw = resolveValue(info.correlationKey, this.contextFor(w.content));
      if (typeof raw === 'string' || typeof raw === 'number') correlationKey = String(raw);
    } catch (err) {
      if (!(err instanceof FeelError)) throw err;
    }
    if (correlationKey === undefined) {
      return this.raiseIncident({
        type: 'EXTRACT_VALUE_ERROR',
        elementId: w.elementId,
        executionId: w.executionId,
        message: `Failed to extract the correlation key for '${info.correlationKey}': the value must be a string or number`,
        retry: () => this.track(this.check(w)),
      });
    }
    const subKey = `${this.key}:${w.executionId}`;
    let sub: SubscriptionDoc | null = await Subscription.findById(subKey).lean();
    if (!sub) {
      w.correlationKey = correlationKey;
      this.toActivate.push(w); // opened once the state that waits for it is written
      return;
    }
    if (sub?.status === 'open') {
      // A message may have been published before we subscribed: take it from the buffer.
      const msg = await Message.findOneAndUpdate(
        { name: info.name, correlationKey, status: 'buffered', expiresAt: { $gt: new Date() } },
        { $set: { status: 'correlated', correlatedTo: this.key } },
        { sort: { createdAt: 1 }, returnDocument: 'after' },
      ).lean();
      if (msg) {
        sub = await Subscription.findOneAndUpdate(
          { _id: subKey, status: 'open' },
          { $set: { status: 'correlated', variables: msg.variables, messageKey: msg._id, correlatedAt: new Date() } },
          { returnDocument: 'after' },
        ).lean();
        if (!sub) {
          await Message.updateOne({ _id: msg._id }, { $set: { status: 'buffered' }, $unset: { correlatedTo: 1 } });
          sub = await Subscription.findById(subKey).lean();
        }
      }
    }
    if (sub?.status === 'correlated' && this.waiters.has(w)) {
      this.waiters.delete(w);
      if (!sub.applied) this.track(Subscription.updateOne({ _id: subKey }, { $set: { applied: true } }));
      const vars = sub.variables ? (JSON.parse(sub.variables) as Variables) : {};
      this.applyResult(w.content, vars);
      w.api.signal(vars);
    }
  }

  private async checkCall(w: Waiter & { kind: 'call' }, activating = false): Promise<void> {
    const { Instance } = this.host.models;
    const child = await Instance.findById(w.childKey).select('status error parentNotified').lean();
    if (!this.waiters.has(w)) return;
    const z = this.compiled.zeebe.get(w.elementId);
    if (!child && !activating) {
      this.toActivate.push(w);
      return;
    }
    if (!child) {
      const ctx = this.contextFor(w.content);
      let variables: Variables = {};
      if (z?.calledElement?.propagateAllParentVariables !== false) variables = ctx;
      else for (const p of z.inputs) variables[p.target] = ctx[p.target];
      const processId = resolveString(z?.calledElement?.processId, ctx) ?? '';
      const r = await this.host.startChild(this, { key: w.childKey, processId, variables, parentExecutionId: w.executionId });
      if (r === 'missing') {
        this.raiseIncident({
          type: 'CALLED_ELEMENT_ERROR',
          elementId: w.elementId,
          executionId: w.executionId,
          message: `Expected process with BPMN process id '${processId}' to be deployed, but not found.`,
          retry: () => this.track(this.check(w)),
        });
      }
      return;
    }
    if (child.status === 'completed') {
      const st = await this.host.models.states.get(w.childKey);
      if (!this.waiters.has(w)) return;
      this.waiters.delete(w);
      this.track(Instance.updateOne({ _id: w.childKey }, { $set: { parentNotified: true } }));
      const childVars = st ? (JSON.parse(st.variables) as Variables) : {};
      this.applyResult(w.content, z?.calledElement?.propagateAllChildVariables === false && !z.outputs.length ? {} : childVars);
      w.api.signal(childVars);
    }
  }

  /**
   * Waits written as pending become live once the state that contains them is written: only
   * then may a person complete the task, a message correlate, or the child start. Otherwise a
   * crash could leave a completed task or a running child that the resumed state knows nothing of.
   */
  async activate(): Promise<void> {
    const batch = this.toActivate.splice(0);
    const m = this.host.models;
    for (const w of batch) {
      if (!this.waiters.has(w)) continue;
      if (w.kind === 'userTask') {
        // An insert (not an update): on FerretDB 1.x an update by _id reads the whole table.
        const doc = { _id: w.taskKey, ...this.userTaskFields(w) };
        if (await insertIfAbsent(m.UserTask.collection, doc)) this.emitLater('userTask.created', doc);
      } else if (w.kind === 'message') {
        const sub = this.subscriptionFields(w);
        if (sub) await insertIfAbsent(m.Subscription.collection, sub);
        this.track(this.checkMessage(w));
      } else if (w.kind === 'call') {
        this.track(this.checkCall(w, true));
      }
    }
  }

  private subscriptionFields(w: Waiter & { kind: 'message' }): SubscriptionDoc | null {
    if (w.correlationKey === undefined) return null;
    const info = this.compiled.messages.get(w.messageId)!;
    return {
      _id: `${this.key}:${w.executionId}`,
      instanceKey: this.key,
      executionId: w.executionId,
      elementId: w.elementId,
      messageName: info.name,
      correlationKey: w.correlationKey,
      status: 'open',
      createdAt: new Date(),
    };
  }

  get hasActivations(): boolean {
    return this.toActivate.length > 0;
  }

  private readonly toActivate: Waiter[] = [];

  private cancelWait(w: Waiter): void {
    this.waiters.delete(w);
    const m = this.host.models;
    switch (w.kind) {
      case 'userTask':
        this.track(
          m.UserTask.findOneAndUpdate(
            { _id: w.taskKey, status: 'created' },
            { $set: { status: 'canceled', completedAt: new Date() } },
            { returnDocument: 'after' },
          )
            .lean()
            .then((doc) => doc && this.emitLater('userTask.canceled', doc)),
        );
        return;
      case 'message':
        this.track(m.Subscription.updateOne({ _id: `${this.key}:${w.executionId}`, status: 'open' }, { $set: { status: 'closed' } }));
        return;
      case 'job':
        this.track(m.Job.updateOne({ _id: w.jobKey, status: { $in: ['activatable', 'failed', 'incident'] } }, { $set: { status: 'canceled' } }));
        this.track(
          m.Incident.updateMany(
            { instanceKey: this.key, executionId: w.executionId, status: 'open' },
            { $set: { status: 'resolved', resolvedAt: new Date() } },
          ),
        );
        return;
      case 'call':
        // Not awaited inside this actor: the child runs in its own actor.
        void this.host.cancelInstance(w.childKey).catch((err: unknown) => this.host.logger.error({ err, child: w.childKey }, 'cancel child failed'));
        return;
      case 'incident':
        return;
    }
  }
}
