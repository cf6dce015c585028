/**
 * One process instance loaded in memory: bpmn-elements' Definition (bpmn-wiring.ts) plus the
 * Zeebe glue: variables (variable-rules.ts), incidents, and what the instance waits for (waits/,
 * one module per kind). It lives only while the instance has work in progress; at every wait its
 * state is written to MongoDB and the object is dropped. Every operation on it runs inside its
 * actor (see actors.ts), so nothing here needs locks.
 */
import type { Logger } from 'pino';
import type { JobOutcome, Variables } from '../port/engine-port';
import { evaluateCondition, isFeel, resolveValue, type FeelContext } from '../diagram/feel';
import type { CompiledDefinition } from './definition-compiler';
import type { EngineModels, InstanceDoc } from './models';
import type { ElementApi, ExecuteMessage, MessageContent } from './bpmn-elements-types';
import { createDefinition, type BpmnDefinition } from './bpmn-wiring';
import type { IncidentInput, InstanceRuntime } from './runtime-context';
import { mergeResult, scopeOf } from './variable-rules';
import { Waiters, type Waiter } from './waiters';
import { waitKindOf } from './waits';
import { waitCall } from './waits/call-wait';
import { executeJob, onLocalJobDone } from './waits/job-wait';
import { waitMessage } from './waits/message-wait';
import { waitUserTask } from './waits/user-task-wait';

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

export interface Snapshot {
  instance: Pick<InstanceDoc, 'status' | 'activeElements' | 'wakeAt'> & Partial<Pick<InstanceDoc, 'endedAt' | 'error'>>;
  state: string | null;
  variables: string;
}

export type EndState = 'completed' | 'failed' | 'canceled';

export class InstanceRunner implements InstanceRuntime {
  readonly waiters = new Waiters();
  private readonly pending = new Set<Promise<unknown>>();
  private definition: BpmnDefinition | null = null;
  /** Waits to make live once the state that holds them is written (see WaitKind.activate). */
  private readonly activations: Waiter[] = [];
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
  /** Events to publish once the state that caused them is written. */
  emits: Array<[string, unknown]> = [];

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
    this.definition = createDefinition(this, (k, m, o) => this.onEngineEvent(k, m, o));
    this.definition.run({ processId: this.def.processId });
  }

  resume(state: unknown): void {
    this.definition = createDefinition(this, (k, m, o) => this.onEngineEvent(k, m, o));
    this.definition.recover(state as never);
    this.definition.resume();
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

  emitLater(event: string, payload: unknown): void {
    this.emits.push([event, payload]);
  }

  // ---- waits -------------------------------------------------------------------------------

  /** One look at the database for what a wait waits on. */
  check(w: Waiter): Promise<void> {
    return waitKindOf(w).check(this, w);
  }

  /** Re-check every wait against the database (a task was completed, a message arrived...). */
  recheck(): void {
    for (const w of this.waiters.all()) {
      if (w.kind === 'job' && w.localRunning) continue;
      this.track(this.check(w));
    }
  }

  toActivate(w: Waiter): void {
    this.activations.push(w);
  }

  get hasActivations(): boolean {
    return this.activations.length > 0;
  }

  /** Make live the waits opened since the last write (the state that holds them is written now). */
  async activate(): Promise<void> {
    for (const w of this.activations.splice(0)) if (this.waiters.has(w)) await waitKindOf(w).activate(this, w);
  }

  executeJob(elementId: string, message: ExecuteMessage, callback: (err: unknown, out?: unknown) => void): void {
    executeJob(this, elementId, message, callback);
  }

  /** Called (inside this instance's actor) when a job run in this process has finished. */
  onLocalJobDone(w: Waiter & { kind: 'job' }, job: LocalJob, outcome: JobOutcome): void {
    onLocalJobDone(this, w, job, outcome);
  }

  private onEngineEvent(routingKey: string, message: ExecuteMessage, owner: { getApi(m: unknown): ElementApi }): void {
    const content = message.content;
    switch (routingKey) {
      case 'activity.wait': {
        const api = owner.getApi(message);
        if (content.type === 'bpmn:UserTask') return waitUserTask(this, api);
        if (content.type === 'bpmn:ManualTask' || content.type === 'bpmn:Task') return api.signal();
        if (this.compiled.messages.size) return waitMessage(this, api);
        return;
      }
      case 'activity.call':
        return waitCall(this, owner.getApi(message));
      case 'activity.leave':
        for (const w of this.waiters.byElement(content.id)) {
          this.waiters.delete(w);
          waitKindOf(w).cancel(this, w);
        }
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

  // ---- state -------------------------------------------------------------------------------

  /**
   * What to write: the small instance fields (status, next wake-up, where the tokens are) and,
   * apart, the engine state and the variables. The write that releases the instance sets its
   * next wake-up (its earliest timer, or none); while held, the lease speaks for it.
   */
  snapshot(releasing: boolean): Snapshot {
    const state = this.definition ? this.definition.getState() : null;
    const timers = this.definition ? this.definition.environment.timers.executing : [];
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

  // ---- variables and expressions -----------------------------------------------------------

  resolveForEngine(expr: unknown, content: MessageContent | undefined): unknown {
    const body = typeof expr === 'object' && expr !== null && 'body' in expr ? (expr as { body: unknown }).body : expr;
    if (typeof body !== 'string') return body;
    if (!isFeel(body)) return body;
    return resolveValue(body, this.contextFor(content));
  }

  contextFor(content: MessageContent | undefined): FeelContext {
    return scopeOf(this.vars, content ? this.compiled.zeebe.get(content.id) : undefined, content);
  }

  /** Zeebe's rule: with output mappings only the mapped values leave the element; without, all merge. */
  applyResult(content: MessageContent, result: Variables | undefined): void {
    this.vars = mergeResult(this.vars, this.compiled.zeebe.get(content.id), content, result);
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

  canCatch(elementId: string, code: string): boolean {
    const set = this.compiled.errorCatch.get(elementId);
    return !!set && (set.has(code) || set.has('*'));
  }

  executeScript(elementId: string, message: ExecuteMessage, callback: (err: unknown, out?: unknown) => void): void {
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

  // ---- incidents ---------------------------------------------------------------------------

  raiseIncident(incident: IncidentInput & { retry?: () => void }): void {
    const key = `${this.key}:${incident.executionId}:${incident.type}`;
    const { retry, ...rest } = incident;
    if (retry) this.waiters.add({ kind: 'incident', executionId: incident.executionId, elementId: incident.elementId, incidentKey: key, retry });
    this.track(this.writeIncident(key, rest));
  }

  async writeIncident(key: string, incident: IncidentInput): Promise<void> {
    this.usedCollections = true;
    const doc = await this.host.models.Incident.findOneAndUpdate(
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
}
