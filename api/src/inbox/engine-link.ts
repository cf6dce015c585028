/**
 * The inbox's link to the engine: a user task the engine opens becomes an inbox task, one it
 * closes is closed here, an instance's end and incidents are marked on its row. The engine tells
 * every event until the inbox has taken it, also across restarts (its outbox, or Zeebe's listener
 * jobs), so nothing it opened is missed; events that arrive before the inbox has loaded wait for
 * it. At start and now and then, `catchUp` sends again completions the engine did not take: the
 * memory layout knows them (it keeps them live until the engine confirms), the database layout
 * compares with the engine's open tasks.
 */
import type { Logger } from 'pino';
import type { EnginePort, UserTaskRecord } from '@ggzy/engine-workers';
import type { Model } from 'mongoose';
import type { FormRegistry } from '../forms/form-registry';
import { fieldWithRole } from '../forms/form-validator';
import { instanceMetaModel, type InstanceMetaDoc } from '../instances/instance.model';
import { InstanceStates } from '../instances/instance-states';
import type { InboxService } from './inbox.service';
import type { TaskDoc } from './task.model';

export class EngineLink {
  private readonly Meta: Model<InstanceMetaDoc>;
  private readonly states: InstanceStates;
  /** The minute's catch-up (cluster mode) sends a completion again only when it is older than this. */
  catchUpAfterMs = 120_000;
  /** Records an instance the engine ended because it could not go on; `first`: its row changed now. */
  onInstanceFailed?: (i: { key: string; error: string }, first: boolean) => Promise<void>;
  /** Records a completion that the engine closed the step before receiving (set by TaskActions). */
  onCompletionVoid?: (t: TaskDoc) => Promise<void>;
  private markReady!: () => void;
  /** Resolves once the inbox has loaded: engine events wait for it. */
  private readonly ready = new Promise<void>((r) => (this.markReady = r));

  constructor(
    private readonly inbox: InboxService,
    private readonly engine: EnginePort,
    private readonly forms: FormRegistry,
    private readonly logger: Logger,
    /** Due date of a new task when the inbox knows better than the diagram (limits in working days). */
    private readonly dueFor: (r: UserTaskRecord) => Date | undefined = () => undefined,
  ) {
    this.Meta = instanceMetaModel(inbox.db);
    this.states = new InstanceStates(inbox.db);
  }

  private get store() {
    return this.inbox.store;
  }

  attach(): void {
    const safe =
      <A extends unknown[]>(what: string, fn: (...a: A) => Promise<unknown>) =>
      (...a: A): Promise<unknown> =>
        // Returned so that an adapter that waits (the cluster's listener jobs) completes its job
        // only after the inbox has stored the change, and fails it (to be offered again) when not.
        this.ready
          .then(() => fn(...a))
          .catch((err: unknown) => {
            this.logger.error({ err }, `inbox: ${what} failed`);
            throw err;
          });
    this.engine.on(
      'userTask.created',
      safe('task created', (r: UserTaskRecord) => this.onTaskCreated(r)),
    );
    this.engine.on(
      'userTask.canceled',
      safe('task canceled', (r: UserTaskRecord) => this.onTaskEnded(r.key, 'canceled')),
    );
    this.engine.on(
      'userTask.completed',
      safe('task completed', (r: UserTaskRecord) => this.onTaskEnded(r.key, 'completed')),
    );
    this.engine.on(
      'instance.completed',
      safe('instance completed', (i: { key: string }) => this.onInstanceEnded(i.key, 'completed')),
    );
    this.engine.on(
      'instance.canceled',
      safe('instance canceled', (i: { key: string }) => this.onInstanceEnded(i.key, 'canceled')),
    );
    this.engine.on(
      'instance.failed',
      safe('instance failed', async (i: { key: string; error: string }) => {
        const changed = await this.onInstanceEnded(i.key, 'failed');
        await this.onInstanceFailed?.(i, changed);
      }),
    );
    this.engine.on(
      'incident.created',
      safe('incident', (i: { instanceKey: string }) => this.states.move(i.instanceKey, 'active', 'incident')),
    );
  }

  /** After a restart: load, let engine events in, and finish completions the engine did not get. */
  async reconcile(): Promise<{ added: number; completed: number }> {
    await this.store.load();
    this.markReady();
    return this.catchUp();
  }

  /**
   * Send again completions the engine did not take (a command a cluster could not take while it
   * was busy or away, a stop between the inbox's write and the engine's); where the layout cannot
   * tell them without a search, compare with the engine's open tasks, adding any the inbox lacks.
   */
  async catchUp(opts: { minAgeMs?: number } = {}): Promise<{ added: number; completed: number }> {
    const minAge = opts.minAgeMs ?? 0;
    const old = (t: TaskDoc) => !t.completedAt || Date.now() - t.completedAt.getTime() >= minAge;
    const awaiting = this.store.awaitingEngine();
    if (awaiting) {
      let completed = 0;
      for (const t of awaiting.filter(old)) if (await this.resend(t)) completed++;
      return { added: 0, completed };
    }
    let added = 0;
    let completed = 0;
    for (const r of await this.engine.listOpenUserTasks()) {
      const t = await this.store.get(r.key);
      if (!t) {
        await this.onTaskCreated(r);
        added++;
      } else if (t.status === 'completed' && t.result && old(t)) {
        // (a completion younger than that may still be on its way from the request that made it)
        if (await this.resend(t)) completed++;
      }
    }
    return { added, completed };
  }

  /** Send a completion again; true when the engine has it now (or had it: a task no longer open). */
  private async resend(t: TaskDoc): Promise<boolean> {
    try {
      await this.engine.completeUserTask(t._id, JSON.parse(t.result ?? '{}') as Record<string, unknown>);
    } catch (err) {
      // Not open: completed before (confirmed now), or closed by the flow (its cancel event voids it).
      if ((err as { code?: string }).code !== 'TASK_NOT_OPEN' && (err as { code?: string }).code !== 'NOT_FOUND') {
        this.logger.warn({ err, task: t._id }, 'completion not taken by the engine; sent again later');
        return false;
      }
    }
    this.store.engineConfirmed(t._id);
    return true;
  }

  async onTaskCreated(r: UserTaskRecord): Promise<void> {
    const v = r.variables;
    const str = (x: unknown) => (typeof x === 'string' ? x : null);
    let returnable = false;
    if (r.formId) {
      const form = await this.forms.get(r.formId).catch(() => null);
      returnable = !!form && (fieldWithRole(form.form, 'decision')?.values ?? []).some((o) => o.value === 'return');
    }
    const meta = await this.Meta.findById(r.processInstanceKey).select('processName classification').lean();
    const unrouted = !r.assignee && !r.candidateGroups.length && !r.candidateUsers.length;
    const doc: TaskDoc = {
      _id: r.key,
      kind: 'engine',
      instanceId: r.processInstanceKey,
      processId: r.processId,
      processName: meta?.processName ?? str(v.processName) ?? r.processId,
      processVersion: r.processVersion,
      elementId: r.elementId,
      name: r.name ?? r.elementId,
      formId: r.formId ?? null,
      status: 'open',
      assignee: r.assignee ?? null,
      owner: null,
      delegationState: null,
      candidateGroups: r.candidateGroups,
      candidateUsers: r.candidateUsers,
      ...(unrouted && { candidateGroups: ['admin'], unrouted }),
      priority: r.priority ?? 50,
      dueDate: this.dueFor(r) ?? (r.dueDate ? new Date(r.dueDate) : null),
      createdAt: new Date(r.createdAt),
      title: str(v.title) ?? r.name ?? r.processId,
      projectId: str(v.projectId),
      projectName: str(v.projectName),
      starter: str(v.starter) ?? '',
      starterName: str(v.starterName) ?? undefined,
      classification: meta?.classification ?? str(v.classification),
      pendingSigners: [],
      variables: JSON.stringify(v),
      timeLimit: r.customHeaders.timeLimit ?? null,
      returnable,
      ...notFor(r),
      holderAs: r.customHeaders.recordHolderAs ?? null,
      urgeCount: 0,
      touched: false,
      version: 1,
    };
    if (!(await this.store.insert(doc))) return;
    this.inbox.emit(doc, 'created');
  }

  private async onTaskEnded(key: string, status: 'completed' | 'canceled'): Promise<void> {
    for (let i = 0; i < 5; i++) {
      const t = await this.store.get(key);
      if (t && status === 'canceled' && t.status === 'completed' && t.kind === 'engine') {
        // Completed here, but the engine closed the step before the completion reached it (a
        // cluster that was away, then a timer): the completion did not take effect.
        const after = await this.store.change(key, t.version, { set: { status: 'canceled', result: null } }, { anyStatus: true });
        if (!after) continue;
        await this.onCompletionVoid?.(t);
        return this.inbox.emit(after, 'canceled');
      }
      if (t && t.status === 'completed' && status === 'completed') return this.store.engineConfirmed(key);
      if (!t || t.status !== 'open') return;
      const after = await this.store.change(key, t.version, { set: { status, completedAt: new Date() } });
      if (after) return this.inbox.emit(after, status);
    }
    // Changed under us every time: the engine tells the event again (it is not taken).
    throw new Error(`task ${key} kept changing while the engine's ${status} event was applied`);
  }

  /** Marks the instance's row ended and closes its steps; true when the row changed now (not told before). */
  private async onInstanceEnded(key: string, state: 'completed' | 'canceled' | 'failed'): Promise<boolean> {
    const changed = await this.states.end(key, state);
    await this.store.changeAll({ instanceId: key, kind: 'add-sign', status: 'open' }, { set: { status: 'canceled', completedAt: new Date() } });
    await this.store.endInstance(key);
    return changed;
  }
}

/** Who may not hold a new step (separation of duties, task-access.ts `ownRequest`), from its headers and the variables they name. */
function notFor(r: UserTaskRecord): { notFor?: string[] } {
  const out = new Set<string>();
  const starter = r.variables.starter;
  if (r.customHeaders.separateFromStarter === 'true' && typeof starter === 'string' && starter) out.add(starter);
  for (const name of (r.customHeaders.separateFrom ?? '').split(',').map((x) => x.trim())) {
    const v = name ? r.variables[name] : undefined;
    for (const who of Array.isArray(v) ? v : [v]) if (typeof who === 'string' && who) out.add(who);
  }
  return out.size ? { notFor: [...out].sort() } : {};
}
