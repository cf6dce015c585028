/**
 * One process instance loaded in memory: bpmn-elements' Definition (bpmn-wiring.ts) plus the
 * Zeebe glue: variables (variable-rules.ts), incidents, and what the instance waits for (waits/,
 * one module per kind). It lives only while the instance has work in progress; at every wait its
 * runtime document (state, variables, open tasks, waits, incidents, trail: models.ts) is written
 * and the object is dropped. Every operation on it runs inside its actor (see actors.ts), so
 * nothing here needs locks.
 */
import type { Logger } from 'pino';
import type { JobOutcome, UserTaskRecord, Variables } from '../port/engine-port';
import { evaluateCondition, isFeel, resolveValue, type FeelContext } from '../diagram/feel';
import type { CompiledDefinition } from './definition-compiler';
import type { GroupCommit } from './group-commit';
import type { EndStatus, EngineModels, IncidentRec, OpenTask, OutcomeDoc, RuntimeDoc, TrailRec, WaitRec } from './models';
import type { ExecuteMessage, MessageContent } from './bpmn-elements-types';
import { createDefinition, waitingElements, type BpmnDefinition } from './bpmn-wiring';
import { taskRecord } from './engine-events';
import type { IncidentInput, InstanceRuntime } from './runtime-context';
import { mergeResult, scopeOf } from './variable-rules';
import { Waiters, type Waiter } from './waiters';
import { waitKindOf } from './waits';
import { heldByIncident, raiseIncident, resolveIncidentsOf } from './waits/incident-wait';
import { executeJob, onLocalJobDone } from './waits/job-wait';
import { executeScript } from './waits/script-task';
import { onEngineEvent } from './instance-events';

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
  readonly commit: GroupCommit;
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
  /** Cancel an instance for its parent: a durable request first, so a crash cannot leave it running. */
  requestCancel(key: string): Promise<void>;
  /** Jobs were stored: look for work now. */
  jobsStored(): void;
  /** Look at the instance's waits again after `ms` (a look-up failed). */
  driveLater(key: string, ms: number): void;
}

/** What a write sets in the runtime document. */
export type Snapshot = Pick<RuntimeDoc, 'status' | 'state' | 'variables' | 'activeElements' | 'wakeAt' | 'tasks' | 'waits' | 'incidents' | 'trail'> &
  Partial<Pick<RuntimeDoc, 'endedAt' | 'error' | 'staleBuckets'>>;

export type EndState = EndStatus;

/** What a resumed instance brings from its runtime document. */
export type Resumed = Pick<RuntimeDoc, 'tasks' | 'waits' | 'incidents' | 'trail' | 'wakeAt' | 'staleBuckets'>;

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
  /** True once the runtime document exists in the database. */
  persisted: boolean;
  /** Whether this process holds a lease document for it (a new instance needs none until it is written). */
  leased = false;
  leaseLost = false;
  /** Open user tasks, by key. */
  readonly tasks = new Map<string, OpenTask>();
  /** Inputs it accepts now, by outcome id (see WaitRec). */
  private readonly waitRecs = new Map<string, WaitRec>();
  incidents: IncidentRec[] = [];
  trail: TrailRec[] = [];
  /** Work to do once the next write is done (outcomes applied, stored jobs finished). */
  private cleanups: Array<() => Promise<unknown>> = [];
  stopped = false;
  /** The timer it was last let go with: its key is in that minute's bucket (see timer-buckets.ts). */
  bucketedAt: Date | null = null;
  /** Minutes of earlier timers whose bucket entry is not yet known removed (RuntimeDoc.staleBuckets). */
  readonly staleBuckets = new Set<number>();
  /** A job's BPMN error on its way to the event that catches it (at once, in the same turn). */
  caughtError: { code: string; message: string; variables: Variables } | null = null;
  /** Events to publish once the state that caused them is written. */
  emits: Array<[string, unknown]> = [];

  constructor(
    readonly host: RunnerHost,
    readonly key: string,
    readonly def: CompiledEntry,
    readonly meta: { parentKey?: string; parentExecutionId?: string; startElementId?: string; startedAt: Date },
    vars: Variables,
    resumed: Resumed | null,
  ) {
    this.vars = vars;
    this.persisted = !!resumed;
    if (resumed) {
      for (const t of resumed.tasks) this.tasks.set(t.key, t);
      for (const w of resumed.waits) this.waitRecs.set(w.id, w);
      this.incidents = resumed.incidents;
      this.trail = resumed.trail;
      this.bucketedAt = resumed.wakeAt;
      for (const b of resumed.staleBuckets ?? []) this.staleBuckets.add(b);
      // A job's incident waits for its resolution; other incidents are raised again as the element runs again.
      for (const i of this.incidents) {
        if (i.status === 'open' && i.jobKey && this.waitRecs.has(`i:${i.key}`))
          this.waiters.add({ kind: 'incident', executionId: i.executionId, elementId: i.elementId, incidentKey: i.key });
      }
    }
  }

  get compiled(): CompiledDefinition {
    return this.def.compiled;
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  start(): void {
    this.definition = createDefinition(this, (k, m, o) => onEngineEvent(this, k, m, o));
    this.definition.run({ processId: this.def.processId });
  }

  resume(state: unknown): void {
    this.definition = createDefinition(this, (k, m, o) => onEngineEvent(this, k, m, o));
    this.definition.recover(state as never);
    this.definition.resume();
  }

  /**
   * Stop the engine objects (timers included); the instance is then dropped from memory. An
   * instance with no timer set and no job running has nothing that could call back into it:
   * its engine objects are only let go (stopping them walks every element, which costs as much
   * as running the instance to its wait).
   */
  stop(): void {
    this.stopped = true;
    const def = this.definition;
    this.definition = null;
    if (!def || (!def.environment.timers.executing.length && !this.localJobs)) return;
    try {
      def.stop();
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

  /** Failed look-ups in a row: the next look is put off longer (1 s, doubling, at most a minute). */
  private failures = 0;

  track<T>(p: Promise<T>): void {
    const tracked = p.then(
      () => void (this.failures = 0),
      (err: unknown) => {
        // Not left at a log line: every wait is looked at again, later (the database may be away).
        const ms = Math.min(60_000, 1000 * 2 ** this.failures++);
        this.host.logger.error({ err, instance: this.key, retryInMs: ms }, 'instance operation failed; its waits are looked at again');
        this.host.driveLater(this.key, ms);
      },
    );
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  /** Work in this process: a local job running. */
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

  findOutcome(id: string): Promise<OutcomeDoc | null> {
    return this.host.models.outcomes.findOne({ _id: id });
  }

  hasWait(id: string): boolean {
    return this.waitRecs.has(id);
  }

  waitIndex(id: string): string | undefined {
    return this.waitRecs.get(id)?.index;
  }

  openWait(rec: WaitRec): void {
    this.waitRecs.set(rec.id, rec);
  }

  /** The wait takes no more input; `dropOutcome`: its outcome document goes once the state is written. */
  closeWait(id: string, dropOutcome: boolean): void {
    this.waitRecs.delete(id);
    if (dropOutcome) this.afterWrite(() => this.host.commit.remove(this.host.models.outcomes, id));
  }

  afterWrite(fn: () => Promise<unknown>): void {
    this.cleanups.push(fn);
  }

  /** The work queued for after the write now being made. */
  takeCleanups(): Array<() => Promise<unknown>> {
    return this.cleanups.splice(0);
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

  // ---- state -------------------------------------------------------------------------------

  /**
   * What to write: the small instance fields (status, next wake-up, where the tokens are) and,
   * apart, the engine state and the variables. The write that releases the instance sets its
   * next wake-up (its earliest timer, or none); while held, the lease speaks for it.
   */
  /** Its earliest timer, if it has one and has not ended. */
  nextTimer(): Date | null {
    if (this.ended || !this.definition) return null;
    let wakeAt: Date | null = null;
    for (const t of this.definition.environment.timers.executing) if (!wakeAt || t.expireAt < wakeAt) wakeAt = t.expireAt;
    return wakeAt;
  }

  /** Close every wait it still has (it was canceled, or ended with waits open). */
  closeAllWaits(): void {
    for (const w of this.waiters.all()) {
      this.waiters.delete(w);
      waitKindOf(w).cancel(this, w);
    }
  }

  snapshot(): Snapshot {
    const state = this.definition ? this.definition.getState() : null;
    const wakeAt = this.nextTimer();
    return {
      status: this.ended ?? 'active',
      activeElements: this.ended ? [] : this.activeElements(),
      wakeAt,
      state: state ? JSON.stringify(state) : null,
      variables: JSON.stringify(this.vars),
      tasks: [...this.tasks.values()],
      waits: [...this.waitRecs.values()],
      incidents: this.incidents,
      trail: this.trail,
      ...(this.ended && { endedAt: new Date() }),
      ...(this.endError && { error: this.endError }),
    };
  }

  /** A task as the port tells it. */
  taskRecord(t: OpenTask): UserTaskRecord {
    return taskRecord(this.key, this.def.processId, t);
  }

  activeElements(): string[] {
    if (!this.definition) return [];
    const ids = waitingElements(this.definition);
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
    executeScript(this, elementId, message, callback);
  }

  // ---- incidents ---------------------------------------------------------------------------

  /** An incident: kept with the instance, told to listeners, and the element waits for its resolution. */
  raiseIncident(incident: IncidentInput & { retry?: () => void }): void {
    raiseIncident(this, incident);
  }

  heldByIncident(executionId: string, type: IncidentInput['type'], retry: () => void): boolean {
    return heldByIncident(this, executionId, type, retry);
  }

  /** The element of these incidents was left: they are resolved. */
  resolveIncidentsOf(executionId: string): void {
    resolveIncidentsOf(this, executionId);
  }
}
