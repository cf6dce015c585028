/**
 * The inbox: answers the views (mine / unclaimed / done / started / cc) with filters, sorting and
 * paging, says who may see a task and do what with it, and shapes task DTOs. Tasks come in through
 * the engine link (engine-link.ts); acts on them are in actions/.
 */
import type { Connection, Model } from 'mongoose';
import type { Logger } from 'pino';
import type { EnginePort } from '@ggzy/engine-workers';
import { notFound, type TaskDto, type TaskView, type UserDto } from '@ggzy/shared';
import type { TaskDoc } from './task.model';
import { createTaskStore, type TaskFilter, type TaskSort, type TaskStore, type TaskStoreMode } from './store/task-store';
import { ccModel, type CcDoc } from '../cc/cc.model';
import type { FormRegistry } from '../forms/form-registry';
import { fieldsOf, type FormSchema } from '../forms/form-validator';
import { allowedActions, entitledToClassified, reachOf, type TaskAction } from './task-access';
import { sightOf, sightOfReachable, visibleTask, visibleVariables } from '../visibility/visibility';

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

/** Who took part in an instance and where it stands, derived from its tasks. */
export interface InstanceFacts {
  participants: Set<string>;
  groups: Set<string>;
  currentSteps: string[];
}

/** The views of open work, answered by the live inbox. */
const LIVE_VIEWS: Record<'mine' | 'unclaimed', (u: UserDto) => TaskFilter> = {
  mine: (u) => ({ status: 'open', assignee: u.id }),
  // A step of a classified matter is offered only to those entitled to see it (as its page is).
  unclaimed: (u) => ({ status: 'open', candidate: { groups: u.groups, user: u.id, ...(!entitledToClassified(u) && { unclassified: true }) } }),
};

const LIST_START = Buffer.from('{"items":[');
const COMMA = Buffer.from(',');
const OVERDUE = Buffer.from('{"overdue":true,');
const NOT_OVERDUE = Buffer.from('{"overdue":false,');

export class InboxService {
  readonly store: TaskStore;
  private readonly Cc: Model<CcDoc>;
  /** The variables an applicant reads of one of their instances (set by the system: InstancesService). */
  applicantKeys: (u: UserDto, instanceId: string) => Promise<Set<string>> = async () => new Set();
  /** The choices a form offers `u` by `valuesKey` (set by the instances service); read only for a form with such fields. */
  formOptions: (u: UserDto, form: FormSchema) => Promise<Record<string, { label: string; value: string }[]>> = async () => ({});

  /** The choices of `form` for `u`, when any of its fields takes them by `valuesKey`. */
  async optionsOf(u: UserDto, form: FormSchema | undefined): Promise<Record<string, { label: string; value: string }[]> | undefined> {
    return form && fieldsOf(form).some((f) => f.valuesKey) ? this.formOptions(u, form) : undefined;
  }
  /** Hears of every task change (live updates to the web app). */
  readonly listeners = new Set<(t: TaskDoc, change: string) => void>();
  /** A task version as lists show it (UTF-8 JSON after its `overdue` field) and when it falls due; see `listJson`. */
  private readonly jsonCache = new WeakMap<TaskDoc, { due: number; tail: Buffer }>();

  constructor(
    readonly db: Connection,
    readonly engine: EnginePort,
    readonly forms: FormRegistry,
    readonly logger: Logger,
    storeMode: TaskStoreMode = 'memory',
  ) {
    this.store = createTaskStore(db, storeMode, { logger });
    this.Cc = ccModel(db);
  }

  emit(t: TaskDoc | null, change: string): void {
    if (!t) return;
    for (const l of this.listeners) l(t, change);
  }

  /** Participants, candidate groups and current steps of an instance (its starter takes part too). */
  async facts(instanceId: string, starter?: string): Promise<InstanceFacts> {
    const people = await this.store.instancePeople(instanceId);
    if (starter) people.participants.add(starter);
    return people;
  }

  // ---- queries --------------------------------------------------------------------------------

  private async query(u: UserDto, q: TaskQuery): Promise<{ items: TaskDoc[]; total: number }> {
    const filter: TaskFilter = {};
    if (q.processId) filter.processId = q.processId;
    if (q.projectId) filter.projectId = q.projectId;
    if (q.priorityMin !== undefined) filter.priorityMin = q.priorityMin;
    if (q.overdue) {
      filter.status = 'open';
      filter.dueBefore = q.dueBefore && q.dueBefore.getTime() < Date.now() ? q.dueBefore : new Date();
    } else if (q.dueBefore) filter.dueBefore = q.dueBefore;
    const skip = (q.page - 1) * q.pageSize;
    // 已办, 我发起的, 抄送我的: a person's history, newest first.
    if (q.view === 'done' || q.view === 'started' || q.view === 'cc') return this.store.historyPage(q.view, u.id, filter, skip, q.pageSize);
    const sort: TaskSort =
      q.sort === 'due'
        ? { dueDate: 1, priority: -1 }
        : q.sort === 'created'
          ? { createdAt: 1 }
          : q.sort === '-created'
            ? { createdAt: -1 }
            : { priority: -1, dueDate: 1, createdAt: 1 };
    return this.store.page({ ...LIVE_VIEWS[q.view](u), ...filter }, sort, skip, q.pageSize);
  }

  /**
   * A page of a view (`Page<TaskDto>`) as UTF-8 JSON. A task kept in memory is one object per version, so its
   * JSON is made once and reused by every list that shows it; only "overdue" is decided per request.
   */
  async listJson(u: UserDto, q: TaskQuery): Promise<Buffer> {
    const { items, total } = await this.query(u, q);
    const now = Date.now();
    const parts: Buffer[] = [LIST_START];
    const applicant = sightOfReachable(u) === 'applicant';
    for (const t of items) {
      if (applicant) {
        // An applicant's few tasks, as they may see them (not cached: who holds a step is left out).
        if (parts.length > 1) parts.push(COMMA);
        parts.push(Buffer.from(JSON.stringify(visibleTask('applicant', this.toDto(t), u))));
        continue;
      }
      let cached = this.jsonCache.get(t);
      if (cached === undefined) {
        const { overdue: _overdue, ...rest } = this.toDto(t);
        const due = t.status === 'open' && t.dueDate ? t.dueDate.getTime() : Infinity;
        cached = { due, tail: Buffer.from(JSON.stringify(rest).slice(1)) };
        this.jsonCache.set(t, cached);
      }
      if (parts.length > 1) parts.push(COMMA);
      parts.push(cached.due < now ? OVERDUE : NOT_OVERDUE, cached.tail);
    }
    parts.push(Buffer.from(`],"total":${total},"page":${q.page},"pageSize":${q.pageSize}}`));
    return Buffer.concat(parts);
  }

  async counts(u: UserDto): Promise<Record<TaskView, number>> {
    const [mine, unclaimed, done, started, cc] = await Promise.all([
      this.store.count(LIVE_VIEWS.mine(u)),
      this.store.count(LIVE_VIEWS.unclaimed(u)),
      this.store.historyCount('done', u.id),
      this.store.historyCount('started', u.id),
      this.store.historyCount('cc', u.id),
    ]);
    return { mine, unclaimed, done, started, cc };
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
    const task = await this.store.get(id);
    if (!task) throw notFound('Task', '任务', id);
    // Most callers are on the task itself; only others need the CC and participant lookups.
    let reach = reachOf(task, u, { ccd: false, participant: false });
    let ccd = false;
    if (reach !== 'direct') {
      ccd = !!(await this.Cc.exists({ _id: `${id}:${u.id}` }));
      if (ccd) reach = 'direct';
    }
    if (!reach || reach === 'readonly') {
      const facts = await this.facts(task.instanceId, task.starter);
      if (facts.participants.has(u.id)) reach = reachOf(task, u, { ccd, participant: true });
      // Who may see the instance may read each of its steps (its page lists them all), and do nothing on them.
      if (!reach && sightOf(u, task, facts) !== 'none') reach = 'readonly';
    }
    // Not one's to see: answered as if it did not exist, so ids cannot be probed.
    if (!reach) throw notFound('Task', '任务', id);
    return { task, actions: allowedActions(task, u, reach) };
  }

  async detail(u: UserDto, id: string) {
    const { task, actions } = await this.load(u, id);
    const sight = sightOfReachable(u);
    const vars = await this.store.variables(task._id);
    const keys = sight === 'applicant' ? await this.applicantKeys(u, task.instanceId) : undefined;
    const variables = visibleVariables(sight, vars, keys);
    const form = task.formId ? (await this.forms.get(task.formId).catch(() => null))?.form : undefined;
    const options = actions.includes('complete') || actions.includes('claim') ? await this.optionsOf(u, form) : undefined;
    return {
      task: visibleTask(sight, this.toDto(task), u),
      actions,
      variables,
      ...(form && { form }),
      ...(options && { options }),
      ...(task.draft && (task.owner === u.id || task.assignee === u.id) && { draft: JSON.parse(task.draft) as Record<string, unknown> }),
    };
  }
}
