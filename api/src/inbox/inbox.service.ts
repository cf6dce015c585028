/**
 * The inbox: learns of user tasks from the engine (and catches up at start), answers the views
 * (mine / unclaimed / done / started / cc) with filters, sorting and paging, and shapes task DTOs.
 */
import type { Connection, Model } from 'mongoose';
import type { Logger } from 'pino';
import type { EnginePort, UserTaskRecord } from '@ggzy/engine-workers';
import { notFound, type Page, type TaskDto, type TaskView, type UserDto } from '@ggzy/shared';
import { taskModel, inboxExtraModels, type TaskDoc } from './task.model';
import { instanceMetaModel, type InstanceMetaDoc } from '../instances/instance.model';
import type { FormRegistry } from '../forms/form-registry';
import { fieldWithRole } from '../forms/form-validator';
import { allowedActions, reachOf, type TaskAction } from './task-access';
import { forbidden } from '../http/auth-context';

export interface TaskQuery {
  view: TaskView;
  processId?: string;
  projectId?: string;
  overdue?: boolean;
  priorityMin?: number;
  dueBefore?: Date;
  sort?: 'priority' | 'due' | 'created' | '-created';
  page: number;
  pageSize: number;
}

/** Variables that belong to the system and are not shown as form data. */
const HIDDEN_VARS = new Set(['limits', 'projectOptions', 'archiveOptions']);

export class InboxService {
  readonly Task: Model<TaskDoc>;
  readonly Meta: Model<InstanceMetaDoc>;
  readonly extra: ReturnType<typeof inboxExtraModels>;
  /** Hears of every task change (live updates to the web app). */
  readonly listeners = new Set<(t: TaskDoc, change: string) => void>();

  constructor(
    readonly db: Connection,
    readonly engine: EnginePort,
    readonly forms: FormRegistry,
    private readonly logger: Logger,
  ) {
    this.Task = taskModel(db);
    this.Meta = instanceMetaModel(db);
    this.extra = inboxExtraModels(db);
  }

  emit(t: TaskDoc | null, change: string): void {
    if (!t) return;
    for (const l of this.listeners) l(t, change);
  }

  // ---- engine → inbox -------------------------------------------------------------------------

  attach(): void {
    const safe =
      <A extends unknown[]>(what: string, fn: (...a: A) => Promise<unknown>) =>
      (...a: A) =>
        void fn(...a).catch((err: unknown) => this.logger.error({ err }, `inbox: ${what} failed`));
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
      'incident.created',
      safe('incident', (i: { instanceKey: string }) => this.Meta.updateOne({ _id: i.instanceKey, state: 'active' }, { $set: { state: 'incident' } })),
    );
  }

  /** After a restart: add tasks the inbox missed, and finish completions the engine did not get. */
  async reconcile(): Promise<{ added: number; completed: number }> {
    let added = 0;
    let completed = 0;
    for (const r of await this.engine.listOpenUserTasks()) {
      const t = await this.Task.findById(r.key).lean();
      if (!t) {
        await this.onTaskCreated(r);
        added++;
      } else if (t.status === 'completed' && t.result) {
        await this.engine.completeUserTask(r.key, JSON.parse(t.result) as Record<string, unknown>).catch(() => undefined);
        completed++;
      }
    }
    return { added, completed };
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
      priority: r.priority ?? 50,
      dueDate: r.dueDate ? new Date(r.dueDate) : null,
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
      urgeCount: 0,
      touched: false,
      version: 1,
    };
    try {
      await this.Task.create(doc);
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return;
      throw err;
    }
    await this.Meta.updateOne(
      { _id: r.processInstanceKey },
      { $addToSet: { groups: { $each: r.candidateGroups }, participants: { $each: [...r.candidateUsers, ...(r.assignee ? [r.assignee] : [])] } } },
    );
    await this.refreshSteps(r.processInstanceKey);
    this.emit(doc, 'created');
  }

  private async onTaskEnded(key: string, status: 'completed' | 'canceled'): Promise<void> {
    const t = await this.Task.findOneAndUpdate(
      { _id: key, status: 'open' },
      { $set: { status, completedAt: new Date() }, $inc: { version: 1 } },
      { returnDocument: 'after' },
    ).lean();
    if (t) {
      await this.refreshSteps(t.instanceId);
      this.emit(t, status);
    }
  }

  private async onInstanceEnded(key: string, state: 'completed' | 'canceled'): Promise<void> {
    await this.Meta.updateOne({ _id: key, state: { $in: ['active', 'incident'] } }, { $set: { state, endedAt: new Date(), currentSteps: [] } });
    await this.Task.updateMany({ instanceId: key, kind: 'add-sign', status: 'open' }, { $set: { status: 'canceled', completedAt: new Date() } });
  }

  async refreshSteps(instanceId: string): Promise<void> {
    const open = await this.Task.find({ instanceId, status: 'open', kind: 'engine' }).select('name').lean();
    await this.Meta.updateOne({ _id: instanceId }, { $set: { currentSteps: [...new Set(open.map((t) => t.name))] } });
  }

  // ---- queries --------------------------------------------------------------------------------

  async list(u: UserDto, q: TaskQuery): Promise<Page<TaskDto>> {
    const filter: Record<string, unknown> = await this.viewFilter(u, q.view);
    if (q.processId) filter.processId = q.processId;
    if (q.projectId) filter.projectId = q.projectId;
    if (q.priorityMin !== undefined) filter.priority = { $gte: q.priorityMin };
    const due: Record<string, Date> = {};
    if (q.overdue) {
      filter.status = 'open';
      due.$lt = new Date();
    }
    if (q.dueBefore) due.$lte = q.dueBefore;
    if (Object.keys(due).length) filter.dueDate = due;
    const sort: Record<string, 1 | -1> =
      q.sort === 'due'
        ? { dueDate: 1, priority: -1 }
        : q.sort === 'created'
          ? { createdAt: 1 }
          : q.sort === '-created' || q.view === 'done' || q.view === 'started' || q.view === 'cc'
            ? { createdAt: -1 }
            : { priority: -1, dueDate: 1, createdAt: 1 };
    const [docs, total] = await Promise.all([
      this.Task.find(filter)
        .select('-variables -result -draft')
        .sort({ ...sort, _id: 1 })
        .skip((q.page - 1) * q.pageSize)
        .limit(q.pageSize)
        .lean(),
      this.Task.countDocuments(filter),
    ]);
    return { items: docs.map((d) => this.toDto(d as TaskDoc)), total, page: q.page, pageSize: q.pageSize };
  }

  async counts(u: UserDto): Promise<Record<TaskView, number>> {
    const views: TaskView[] = ['mine', 'unclaimed', 'done', 'started', 'cc'];
    const n = await Promise.all(views.map(async (v) => this.Task.countDocuments(await this.viewFilter(u, v))));
    return Object.fromEntries(views.map((v, i) => [v, n[i]])) as Record<TaskView, number>;
  }

  private async viewFilter(u: UserDto, view: TaskView): Promise<Record<string, unknown>> {
    switch (view) {
      case 'mine':
        return { status: 'open', assignee: u.id };
      case 'unclaimed':
        return { status: 'open', assignee: null, $or: [{ candidateGroups: { $in: u.groups } }, { candidateUsers: u.id }] };
      case 'done':
        return { completedBy: u.id };
      case 'started':
        return { starter: u.id, kind: 'engine' };
      case 'cc': {
        const ids = (await this.extra.Cc.find({ userId: u.id }).select('taskId').lean()).map((c) => c.taskId);
        return { _id: { $in: ids } };
      }
    }
  }

  toDto(t: TaskDoc): TaskDto {
    return {
      id: t._id,
      kind: t.kind,
      instanceId: t.instanceId,
      processId: t.processId,
      processName: t.processName,
      processVersion: t.processVersion,
      elementId: t.elementId,
      name: t.name,
      ...(t.formId && { formId: t.formId }),
      status: t.status,
      assignee: t.assignee ?? null,
      owner: t.owner ?? null,
      delegationState: t.delegationState ?? null,
      candidateGroups: t.candidateGroups,
      candidateUsers: t.candidateUsers,
      priority: t.priority,
      dueDate: t.dueDate?.toISOString() ?? null,
      overdue: t.status === 'open' && !!t.dueDate && t.dueDate.getTime() < Date.now(),
      createdAt: t.createdAt.toISOString(),
      claimedAt: t.claimedAt?.toISOString() ?? null,
      completedAt: t.completedAt?.toISOString() ?? null,
      completedBy: t.completedBy ?? null,
      outcome: t.outcome ?? null,
      opinion: t.opinion ?? null,
      title: t.title,
      projectId: t.projectId ?? null,
      projectName: t.projectName ?? null,
      starter: t.starter,
      ...(t.starterName && { starterName: t.starterName }),
      classification: t.classification ?? null,
      pendingSigners: t.pendingSigners,
      parentTaskId: t.parentTaskId ?? null,
      urgeCount: t.urgeCount,
      version: t.version,
    };
  }

  /** Load a task the user may see, with what they may do; 404 when it does not exist, 403 when out of reach. */
  async load(u: UserDto, id: string): Promise<{ task: TaskDoc; actions: TaskAction[] }> {
    const task = await this.Task.findById(id).lean();
    if (!task) throw notFound('Task', '任务', id);
    const [ccd, meta] = await Promise.all([this.extra.Cc.exists({ _id: `${id}:${u.id}` }), this.Meta.findById(task.instanceId).select('participants').lean()]);
    const reach = reachOf(task, u, { ccd: !!ccd, participant: !!meta?.participants.includes(u.id) });
    if (!reach) throw forbidden('无权查看此任务', 'You may not see this task', 'TASK_FORBIDDEN');
    return { task, actions: allowedActions(task, u, reach) };
  }

  async detail(u: UserDto, id: string) {
    const { task, actions } = await this.load(u, id);
    const vars = JSON.parse(task.variables) as Record<string, unknown>;
    const variables = Object.fromEntries(Object.entries(vars).filter(([k]) => !HIDDEN_VARS.has(k)));
    const form = task.formId ? (await this.forms.get(task.formId).catch(() => null))?.form : undefined;
    return {
      task: this.toDto(task),
      actions,
      variables,
      ...(form && { form }),
      ...(task.draft && (task.owner === u.id || task.assignee === u.id) && { draft: JSON.parse(task.draft) as Record<string, unknown> }),
    };
  }
}
