/**
 * Starting flows and reading them back: the start form is checked, the context the diagrams rely
 * on (starter, project, time limits) is added, and the instance gets its row for lists and rights.
 */
import type { Connection } from 'mongoose';
import type { EnginePort } from '@ggzy/engine-workers';
import { categoryLabel, notFound, operationalError, userError, sectionName, type FlowEntry, type UserDto } from '@ggzy/shared';
import { evaluateFeel } from '@ggzy/engine-workers';
import type { AuditService } from '../audit/audit.service';
import type { FormRegistry } from '../forms/form-registry';
import { fieldsOf, validateFormData, type FormSchema } from '../forms/form-validator';
import type { InboxService, InstanceFacts } from '../inbox/inbox.service';
import { projectModel } from '../projects/project.model';
import { ArchiveCatalog } from '../archives/archive-catalog';
import type { AttachmentStore } from '../attachments/attachments';
import { forbidden } from '../http/auth-context';
import type { FlowCatalog } from './flow-catalog';
import { instanceMetaModel, type InstanceMetaDoc } from './instance.model';
import { InstanceStates } from './instance-states';
import { InstanceLists } from './instance-lists';
import { instancePage, instanceSummary, type InstanceListQuery } from './instance-list-page';
import type { StartRequests } from './start-requests';
import { Comments } from '../comments/comments';
import { peopleModels } from '../people/user.model';
import { ApplicantFields } from '../visibility/applicant-fields';
import { sightOf, visibleComments, visibleEvent, visibleTask, visibleVariables, mayReadFile, type Sight } from '../visibility/visibility';
import type { TaskDoc } from '../inbox/task.model';
import { isClassified } from '../inbox/task-access';

export interface StartOptions {
  /** ISO durations per time-limit name, already scaled by configuration. */
  limits: Record<string, string>;
  archiveApproverGroup: string;
}

export class InstancesService {
  private readonly Project;
  private readonly archives: ArchiveCatalog;
  private readonly Meta;
  private readonly states: InstanceStates;
  readonly lists: InstanceLists;
  private readonly comments;
  private readonly User;
  readonly applicantFields: ApplicantFields;
  /** The register's open projects (the forms' project choices), set once the register exists. */
  projects?: { openProjects(): { id: string; name: string }[] };
  /** The venue calendar's rooms (the booking step's choices). */
  venues?: { rooms(): Promise<{ _id: string; name: string; active: boolean }[]> };

  constructor(
    private readonly db: Connection,
    private readonly engine: EnginePort,
    private readonly catalog: FlowCatalog,
    private readonly forms: FormRegistry,
    private readonly inbox: InboxService,
    private readonly audit: AuditService,
    private readonly files: AttachmentStore,
    private readonly opts: StartOptions,
    private readonly starts: StartRequests,
  ) {
    this.Project = projectModel(db);
    this.archives = new ArchiveCatalog(db);
    this.Meta = instanceMetaModel(db);
    this.states = new InstanceStates(db);
    this.lists = new InstanceLists(db);
    this.comments = new Comments(db);
    this.User = peopleModels(db).User;
    this.applicantFields = new ApplicantFields(catalog, forms);
  }

  /**
   * The deputy leaders who oversee a section (分管领导, the users' `oversees`): whom a flow tells
   * of that section's matters; every deputy when none is named for it.
   */
  private async overseersOf(section: string | null): Promise<string[]> {
    const deputies = await this.User.find({ roles: 'deputy', active: true }).select('oversees').lean();
    const named = deputies.filter((d) => !!section && (d.oversees ?? []).includes(section));
    return (named.length ? named : deputies).map((d) => d._id).sort();
  }

  /**
   * The materials a flow cannot start without: `zeebe:property requiredAttachments` on its process,
   * a FEEL list of categories evaluated on the start form's values (e.g. the evidence of a report
   * that pauses its project, 3.2.2; the unit's proof and the officer's ID of an archive request,
   * 6.5.3). All that is missing is named at once.
   */
  private async requireAttachments(flow: FlowEntry, values: Record<string, unknown>, given: Set<string>): Promise<void> {
    const expr = (await this.catalog.info(flow.definitionKey, flow.processId)).properties.requiredAttachments;
    if (!expr) return;
    let required: unknown;
    try {
      required = evaluateFeel(expr.replace(/^\s*=/, ''), values).value;
    } catch {
      required = null;
    }
    if (!Array.isArray(required))
      throw operationalError(
        'DIAGRAM_PROPERTY_INVALID',
        `流程的 requiredAttachments 无法求值：${expr}`,
        `The flow's requiredAttachments cannot be evaluated: ${expr}`,
      );
    const missing = required.filter((c): c is string => typeof c === 'string' && !given.has(c));
    if (!missing.length) return;
    const labels = missing.map(categoryLabel).join('、');
    throw userError('ATTACHMENTS_MISSING', `缺少必须提交的材料：${labels}`, `Required materials are missing: ${missing.join(', ')}`, {
      status: 422,
      details: missing.map((c) => ({ field: c, code: 'REQUIRED', message: `请上传${categoryLabel(c)}`, messageEn: `Upload the ${c}` })),
    });
  }

  /**
   * Choices the forms offer (valuesKey): projects, archives, and the officers `u` may name on a
   * request — the people of their own unit (an applicant) or section (staff), themselves included.
   */
  async formOptions(u: UserDto, form?: FormSchema): Promise<Record<string, { label: string; value: string }[]>> {
    // Each kind is read only for a form that offers it (the archives and the people are read from the database).
    const keys = new Set(
      form ? fieldsOf(form).map((f) => f.valuesKey) : ['officerOptions', 'roomOptions', 'witnessOptions', 'projectOptions', 'archiveOptions'],
    );
    const wantsOfficers = keys.has('officerOptions') || keys.has('witnessOptions');
    const [projects, archives, people] = await Promise.all([
      this.projects && keys.has('projectOptions') ? this.projects.openProjects() : [],
      keys.has('archiveOptions') ? this.archives.all() : [],
      wantsOfficers ? this.User.find({ active: true }).select('name roles sections unit').lean() : Promise.resolve([]),
    ]);
    const external = u.roles.includes('external');
    const sameSide = people.filter((p) =>
      external
        ? (p.roles ?? []).includes('external') && !!u.unit && p.unit === u.unit
        : !(p.roles ?? []).includes('external') && !!u.sections[0] && (p.sections ?? []).includes(u.sections[0]),
    );
    const officers = sameSide.some((p) => p._id === u.id) ? sameSide : [...sameSide, { _id: u.id, name: u.name }];
    const rooms = keys.has('roomOptions') && this.venues ? (await this.venues.rooms()).filter((r) => r.active) : [];
    // the witnesses of the sections `u` heads (the head names the one on duty)
    const witnesses = people.filter((p) => (p.roles ?? []).includes('witness') && (p.sections ?? []).some((s) => u.sections.includes(s as never)));
    return {
      ...(keys.has('roomOptions') && { roomOptions: rooms.map((r) => ({ label: r.name, value: r._id })) }),
      ...(keys.has('witnessOptions') && { witnessOptions: witnesses.map((p) => ({ label: `${p.name}（${p._id}）`, value: p._id })) }),
      ...(keys.has('projectOptions') && { projectOptions: projects.map((p) => ({ label: `${p.id} ${p.name}`, value: p.id })) }),
      ...(keys.has('archiveOptions') && { archiveOptions: archives.map((a) => ({ label: `${a.id} ${a.title}`, value: a.id })) }),
      ...(wantsOfficers && {
        officerOptions: officers.map((p) => ({ label: `${p.name}（${p._id}）`, value: p._id })).sort((a, b) => a.value.localeCompare(b.value)),
      }),
    };
  }

  /**
   * Start a flow (see start-requests.ts: written down first, carried through after a crash).
   * `idempotencyKey`: the client's key for this start; the same key again answers the first start.
   */
  async start(u: UserDto, processId: string, input: Record<string, unknown>, attachmentIds: string[], idempotencyKey?: string) {
    const repeated = await this.starts.repeated(u.id, idempotencyKey);
    if (repeated) return repeated;
    const flow = await this.catalog.entry(u, processId);
    if (!flow.startable) throw forbidden(`您不能发起“${flow.name}”`, `You may not start ${flow.processId}`, 'START_FORBIDDEN');
    const startForm = flow.startFormId ? (await this.forms.get(flow.startFormId)).form : undefined;
    const values = startForm ? validateFormData(startForm, input, await this.formOptions(u, startForm)) : {};
    if (!flow.startFormId && Object.keys(input).length)
      throw userError('FORM_INVALID', '此流程没有发起表单，不接受数据', 'This flow has no start form and takes no data', { status: 422 });
    const given = new Set<string>();
    for (const id of attachmentIds) {
      const a = await this.files.model.findById(id).lean();
      if (!a || a.uploadedBy !== u.id || a.instanceId)
        throw userError('ATTACHMENT_INVALID', `附件不可用：${id}`, `Attachment cannot be used: ${id}`, { status: 422 });
      given.add(a.category ?? 'other');
    }
    await this.requireAttachments(flow, values, given);
    const project = typeof values.projectId === 'string' ? await this.Project.findById(values.projectId).lean() : null;
    const context = {
      starter: u.id,
      starterName: u.name,
      starterSection: u.sections[0] ?? null,
      starterUnit: u.unit ?? (u.sections[0] ? sectionName(u.sections[0]) : null),
      // (a project registered by this very flow is not in the register yet: its form names it)
      projectName: project?.name ?? (typeof values.projectName === 'string' ? values.projectName : null),
      projectSection: project?.section ?? (typeof values.section === 'string' ? values.section : null),
      overseers: await this.overseersOf(project?.section ?? u.sections[0] ?? null),
      approverGroup: this.opts.archiveApproverGroup,
      limits: this.opts.limits,
      attachmentIds,
      processName: flow.name,
    };
    const title =
      typeof values.title === 'string'
        ? values.title
        : `${flow.name}：${project?.name ?? (values.projectName as string | undefined) ?? (values.archiveId as string | undefined) ?? (values.requesterUnit as string | undefined) ?? u.name}`;
    // Tasks created while the instance starts take title, project and starter from its variables.
    return this.starts.start(
      {
        user: u.id,
        processId,
        variables: { ...values, ...context, title },
        meta: {
          processId,
          processName: flow.name,
          title,
          projectId: project?._id ?? null,
          projectName: project?.name ?? null,
          starter: u.id,
          starterName: u.name,
          startedAt: new Date(),
          state: 'active',
          endedAt: null,
          classification: null,
        },
        attachmentIds,
        values: JSON.stringify(values),
      },
      idempotencyKey,
    );
  }

  async meta(u: UserDto, id: string): Promise<InstanceMetaDoc> {
    return (await this.visible(u, id)).m;
  }

  /** The instance and what its tasks tell of it, if the user may see it. */
  private async visible(u: UserDto, id: string): Promise<{ m: InstanceMetaDoc; facts: InstanceFacts; sight: Exclude<Sight, 'none'> }> {
    const { m, facts, sight } = await this.sight(u, id);
    // Not one's to see: answered as if it did not exist, so ids cannot be probed.
    if (!m || sight === 'none') throw notFound('Process instance', '流程实例', id);
    return { m, facts: facts!, sight };
  }

  /** How much of an instance the user sees (visibility.ts); `none` also when there is no such instance. */
  async sight(u: UserDto, id: string): Promise<{ m: InstanceMetaDoc | null; facts?: InstanceFacts; sight: Sight }> {
    const m = await this.Meta.findById(id).lean();
    if (!m) return { m, sight: 'none' };
    const facts = await this.inbox.facts(id, m.starter);
    return { m, facts, sight: sightOf(u, m, facts) };
  }

  /** The variables an applicant reads of this instance, given the steps they held. */
  applicantKeys(m: Pick<InstanceMetaDoc, 'definitionKey' | 'processId'>, held: Pick<TaskDoc, 'formId'>[]): Promise<Set<string>> {
    return this.applicantFields.keys(
      m.definitionKey,
      m.processId,
      held.map((t) => t.formId),
    );
  }

  /**
   * Of these instances, the classified (保密/暂保密) ones the user may not see — for the paths that
   * span instances (the whole audit trail, notifications, projects), which show of them only that
   * something happened.
   */
  async classifiedOutOfSight(u: UserDto, ids: Iterable<string | null | undefined>): Promise<Set<string>> {
    const out = new Set<string>();
    for (const id of new Set([...ids].filter((x): x is string => !!x))) {
      const m = await this.Meta.findById(id).select('starter classification').lean();
      if (!m || !isClassified(m)) continue;
      if (sightOf(u, m, await this.inbox.facts(id, m.starter)) === 'none') out.add(id);
    }
    return out;
  }

  /** The steps of an instance the user held (assignee or completer): what an applicant may see the files, comments and forms of. */
  private async heldTasks(u: UserDto, instanceId: string, tasks?: TaskDoc[]): Promise<TaskDoc[]> {
    return (tasks ?? (await this.inbox.store.find({ instanceId }, { createdAt: 1 }))).filter((t) => t.assignee === u.id || t.completedBy === u.id);
  }

  async heldTaskIds(u: UserDto, instanceId: string): Promise<Set<string>> {
    return new Set((await this.heldTasks(u, instanceId)).map((t) => t._id));
  }

  /** The variables the applicant `u` reads of one of their instances. */
  async applicantKeysOf(u: UserDto, instanceId: string): Promise<Set<string>> {
    const m = await this.Meta.findById(instanceId).lean();
    return m ? this.applicantKeys(m, await this.heldTasks(u, instanceId)) : new Set();
  }

  async detail(u: UserDto, id: string) {
    const { m, facts, sight } = await this.visible(u, id);
    const [view, tasks, events, comments, attachments] = await Promise.all([
      this.engine.getInstance(id).catch(() => null),
      this.inbox.store.find({ instanceId: id }, { createdAt: 1 }),
      this.audit.forInstance(id),
      this.comments.of(id),
      this.files.forInstance(id),
    ]);
    const def = await this.engine.getDefinition(m.definitionKey).catch(() => null);
    const held = await this.heldTasks(u, id, tasks);
    const heldIds = new Set(held.map((t) => t._id));
    const applicantKeys = sight === 'applicant' ? await this.applicantKeys(m, held) : undefined;
    return {
      instance: {
        ...instanceSummary(m),
        currentSteps: facts.currentSteps,
        participants: sight === 'staff' ? [...facts.participants] : [u.id],
      },
      engine: view && {
        status: view.status,
        activeElements: view.activeElements,
        incidents: u.roles.includes('admin') ? view.incidents : view.incidents.map((i) => ({ ...i, message: '' })),
      },
      diagram: def && { definitionKey: def.key, version: def.version, xml: def.xml },
      completedElements: [...new Set(tasks.filter((t) => t.status === 'completed' && t.kind === 'engine').map((t) => t.elementId))],
      tasks: tasks.map((t) => visibleTask(sight, this.inbox.toDto(t), u)),
      timeline: events.map((e) => visibleEvent(sight, { seq: e.seq, at: e.at, actor: e.actor, action: e.action, taskId: e.taskId, data: e.data }, u)),
      comments: visibleComments(
        sight,
        comments.map((c) => ({ id: c._id, taskId: c.taskId, author: c.author, authorName: c.authorName, text: c.text, at: c.at.toISOString() })),
        u,
        heldIds,
      ),
      attachments: attachments
        .filter((a) => mayReadFile(sight, a, u, heldIds))
        .map((a) => ({
          id: a._id,
          filename: a.filename,
          size: a.size,
          contentType: a.contentType,
          category: a.category,
          uploadedBy: sight === 'staff' || a.uploadedBy === u.id ? a.uploadedBy : '',
          uploadedAt: a.uploadedAt.toISOString(),
          sha256: a.sha256,
        })),
      variables: visibleVariables(sight, view?.variables ?? {}, applicantKeys),
    };
  }

  /** A page of the monitor (instance-list-page.ts). */
  list(u: UserDto, q: InstanceListQuery) {
    return instancePage(this.lists, u, q, (id, starter) => this.inbox.facts(id, starter));
  }

  async cancel(u: UserDto, id: string, reason: string) {
    const m = await this.meta(u, id);
    if (!u.roles.includes('admin')) throw forbidden('只有管理员可以终止流程', 'Only admins cancel flow instances');
    if (m.state !== 'active' && m.state !== 'incident')
      throw userError('INSTANCE_NOT_ACTIVE', '流程已结束', 'The flow instance has already ended', { status: 409 });
    await this.engine.cancelInstance(id);
    await this.states.end(id, 'canceled');
    await this.audit.append({ actor: u.id, action: 'instance.canceled', instanceId: id, data: { reason, before: m.state, after: 'canceled' } });
  }

  async resolveIncident(u: UserDto, id: string, incidentKey: string, retries: number) {
    await this.meta(u, id);
    if (!u.roles.includes('admin')) throw forbidden('只有管理员可以重试故障', 'Only admins retry incidents');
    const view = await this.engine.getInstance(id);
    if (!view.incidents.some((i) => i.key === incidentKey && i.status === 'open')) throw notFound('Open incident', '未处理的故障', incidentKey);
    await this.engine.resolveIncident(incidentKey, { retries });
    await this.states.move(id, 'incident', 'active');
    await this.audit.append({ actor: u.id, action: 'incident.resolved', instanceId: id, data: { incidentKey, retries } });
  }
}
