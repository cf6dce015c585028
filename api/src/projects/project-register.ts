/**
 * The project register (项目登记簿): registering, editing and the push of an e-trading system
 * (idempotent by project number), checked by the rules an entry keeps (project-entry.ts), who may
 * write, and search over the register.
 *
 * Search reads an in-memory catalogue of the entries' searchable fields, loaded once at start and
 * kept current by this process's writes and by the other replicas' (the `project` replica event):
 * on the embedded database a query by anything but `_id` reads the whole collection, and the
 * register grows every year. A page of results is then read by id, so what it shows (the pause
 * state included) is always the stored one.
 */
import { EventEmitter } from 'node:events';
import type { Connection, Model } from 'mongoose';
import { AppError, conflict, notFound, type UserDto } from '@ggzy/shared';
import { PROJECT_STAGES, type ProjectInput, type ProjectStage } from '@ggzy/shared/api';
import { BUSINESS_SECTIONS, sectionName } from '@ggzy/shared';
import { forbidden } from '../http/auth-context';
import type { AuditService } from '../audit/audit.service';
import { WriteLocks } from '../db/write-locks';
import { projectLock, projectModel, type ProjectDoc } from './project.model';
import { monthFigures, type MonthFigures } from './project-figures';
import { entryProblems } from './project-entry';

type Source = NonNullable<ProjectDoc['source']>;

/** A life-cycle date a flow's step records. */
const FLOW_DATES = new Set(['noticeOn', 'awardOn', 'contractOn', 'registeredOn']);

interface Entry {
  id: string;
  name: string;
  kind: string;
  section: string;
  stage: string;
  registeredOn: string;
  openingAt: number;
  budget: number;
  /** A contract signed, on a project outside the one-stop flow: its archive is collected by `archive-collection`. */
  awaitsArchive: boolean;
  /** Lower-case number, name, tenderer and agent, for word search. */
  text: string;
}

export interface ProjectQuery {
  q?: string;
  kind?: string;
  section?: string;
  stage?: string;
  sort?: string;
  page: number;
  pageSize: number;
}

export class ProjectRegister {
  readonly model: Model<ProjectDoc>;
  /** Entries changed here (the replicas are told). */
  readonly changed = new EventEmitter<{ project: [string]; contract: [string]; archived: [string] }>();
  private readonly catalog = new Map<string, Entry>();
  private readonly locks: WriteLocks;

  constructor(
    db: Connection,
    private readonly audit: AuditService,
  ) {
    this.model = projectModel(db);
    this.locks = new WriteLocks(db);
  }

  /** Read the register's searchable fields once (the only whole read of the collection). */
  async load(): Promise<void> {
    this.catalog.clear();
    const docs = await this.model.find({}).select('name kind section stage tenderer agent budget registeredOn openingAt contractOn source').lean();
    for (const d of docs) this.remember(d);
  }

  /** A section's month as the register has it (3.1.2): from the catalogue in memory, not a query over the collection. */
  monthFigures(section: string, month: string): MonthFigures {
    return monthFigures([...this.catalog.values()], section, month);
  }

  /** Read one entry again (changed by another replica, or by the job workers' own process). */
  async reload(id: string): Promise<void> {
    const was = this.catalog.get(id)?.stage;
    const d = await this.model.findById(id).lean();
    if (d) this.remember(d);
    else this.catalog.delete(id);
    // (archived over there: its evaluations are opened here too; each opens once, whoever asks first)
    if (d?.stage === 'archived' && was && was !== 'archived') this.changed.emit('archived', id);
  }

  private remember(d: Partial<ProjectDoc> & { _id: string }): void {
    this.catalog.set(d._id, {
      id: d._id,
      name: d.name ?? '',
      kind: d.kind ?? '',
      section: d.section ?? '',
      stage: d.stage ?? 'registered',
      registeredOn: d.registeredOn ?? '',
      openingAt: d.openingAt ? new Date(d.openingAt).getTime() : 0,
      budget: d.budget ?? -1,
      // (the demo's projects come with their archives)
      awaitsArchive: !!d.contractOn && d.source !== 'intake' && d.source !== 'demo' && d.stage !== 'archived' && d.stage !== 'terminated',
      text: [d._id, d.name, d.tenderer, d.agent].filter(Boolean).join('\n').toLowerCase(),
    });
  }

  /** Projects open for new work (the forms' choices): every one not archived or terminated, by number. */
  openProjects(): { id: string; name: string }[] {
    return [...this.catalog.values()]
      .filter((e) => e.stage !== 'archived' && e.stage !== 'terminated')
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((e) => ({ id: e.id, name: e.name }));
  }

  /** Projects whose contract is signed and archive not yet filed, outside the one-stop flow (checked at start). */
  awaitingArchive(): string[] {
    return [...this.catalog.values()].filter((e) => e.awaitsArchive).map((e) => e.id);
  }

  has(id: string): boolean {
    return this.catalog.has(id);
  }

  async search(q: ProjectQuery): Promise<{ docs: ProjectDoc[]; total: number }> {
    const words = (q.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const hits = [...this.catalog.values()].filter(
      (e) =>
        (!q.kind || e.kind === q.kind) &&
        (!q.section || e.section === q.section) &&
        (!q.stage || e.stage === q.stage) &&
        words.every((w) => e.text.includes(w)),
    );
    const sort = q.sort ?? 'id';
    const desc = sort.startsWith('-');
    const key = (desc ? sort.slice(1) : sort) as 'id' | 'registeredOn' | 'openingAt' | 'budget';
    hits.sort((a, b) => {
      const x = a[key];
      const y = b[key];
      const c = typeof x === 'number' ? x - (y as number) : String(x).localeCompare(String(y));
      return (desc ? -c : c) || a.id.localeCompare(b.id);
    });
    const page = hits.slice((q.page - 1) * q.pageSize, q.page * q.pageSize);
    const docs = await Promise.all(page.map((e) => this.model.findById(e.id).lean()));
    return { docs: docs.filter((d) => !!d), total: hits.length };
  }

  async get(id: string): Promise<ProjectDoc> {
    const d = await this.model.findById(id).lean();
    if (!d) throw notFound('Project', '项目', id);
    return d;
  }

  /**
   * Who may write an entry of `section`: admins, the general section (综合科, the front desk), the
   * business section that runs it, and an e-trading system's account (`integration`).
   */
  mayWrite(u: UserDto, section?: string): boolean {
    if (u.roles.includes('admin') || u.roles.includes('integration') || u.sections.includes('general')) return true;
    return !!section && (u.sections as readonly string[]).includes(section);
  }

  /** Whether `u` may register projects at all (the register's buttons). */
  mayRegister(u: UserDto): boolean {
    return this.mayWrite(u) || u.sections.some((s) => (BUSINESS_SECTIONS as readonly string[]).includes(s));
  }

  private check(u: UserDto, id: string, input: ProjectInput): void {
    if (!this.mayWrite(u, input.section))
      throw forbidden(`您不能登记或修改${sectionName(input.section)}的项目`, `You may not register or edit projects of ${input.section}`);
    const problems = entryProblems(input);
    if (problems.length)
      throw new AppError({
        kind: 'user',
        code: 'PROJECT_INVALID',
        status: 422,
        zh: `项目 ${id} 登记信息有误：${problems.map((p) => p.message).join('；')}`,
        en: `Project ${id} is not valid: ${problems.map((p) => p.messageEn).join('; ')}`,
        details: problems.map((p) => ({ field: p.column, code: 'INVALID', message: p.message, messageEn: p.messageEn })),
      });
  }

  /** The fields of an entry as stored (what the input leaves out is cleared, as a PUT replaces). */
  private fieldsOf(input: ProjectInput) {
    return {
      name: input.name,
      kind: input.kind,
      section: input.section,
      tenderer: input.tenderer,
      agent: input.agent ?? null,
      budget: input.budget ?? null,
      registeredOn: input.registeredOn ?? null,
      noticeOn: input.noticeOn ?? null,
      openingAt: input.openingAt ? new Date(input.openingAt) : null,
      awardOn: input.awardOn ?? null,
      contractOn: input.contractOn ?? null,
      // (an edit that does not name the experts keeps them)
      ...(input.experts && { experts: input.experts.map((e) => ({ name: e.name, employer: e.employer ?? null })) }),
    };
  }

  /** Register a new project; one already registered under that number is refused. */
  async create(u: UserDto, id: string, input: ProjectInput, source: Source = 'register'): Promise<ProjectDoc> {
    this.check(u, id, input);
    const now = new Date();
    const doc = {
      _id: id,
      ...this.fieldsOf(input),
      stage: input.stage ?? 'registered',
      source,
      version: 1,
      status: 'active' as const,
      createdAt: now,
      createdBy: u.id,
      updatedAt: now,
      updatedBy: u.id,
    };
    const r = await this.model.updateOne({ _id: id }, { $setOnInsert: doc }, { upsert: true });
    if (!r.upsertedCount) throw conflict('PROJECT_EXISTS', `项目编号 ${id} 已登记`, `Project ${id} is already registered`);
    await this.audit.append({ actor: u.id, action: 'project.registered', data: { projectId: id, source, name: input.name } });
    this.after(doc);
    return doc;
  }

  /**
   * Replace an entry, or register it if there is none (the push of an e-trading system: the same
   * push twice changes nothing the second time). `input.version`: the version the editor read; an
   * entry changed since is refused.
   */
  async save(u: UserDto, id: string, input: ProjectInput, source: Source): Promise<{ doc: ProjectDoc; created: boolean }> {
    const before = await this.model.findById(id).lean();
    if (!before) return { doc: await this.create(u, id, input, source), created: true };
    this.check(u, id, input);
    if (!this.mayWrite(u, before.section)) throw forbidden(`您不能修改${sectionName(before.section)}的项目`, `You may not edit projects of ${before.section}`);
    if (input.version !== undefined && input.version !== (before.version ?? 0))
      throw conflict('PROJECT_CHANGED', '项目已被他人修改，请刷新后再改', 'The project was changed by someone else; reload it first');
    const fields = { ...this.fieldsOf(input), stage: input.stage ?? before.stage ?? 'registered' };
    const changes = Object.entries(fields).filter(([k, v]) => String(v ?? '') !== String((before as unknown as Record<string, unknown>)[k] ?? ''));
    if (!changes.length) return { doc: before, created: false };
    const version = (before.version ?? 0) + 1;
    const now = new Date();
    // written over the version read, holding the project's write lock (by id: see db/write-locks.ts)
    await this.locks.hold(projectLock(id), async () => {
      const cur = await this.model.findById(id).select('version').lean();
      if ((cur?.version ?? 0) !== (before.version ?? 0))
        throw conflict('PROJECT_CHANGED', '项目已被他人修改，请刷新后再改', 'The project was changed by someone else; reload it first');
      await this.model.updateOne({ _id: id }, { $set: { ...fields, version, updatedAt: now, updatedBy: u.id } });
    });
    await this.audit.append({
      actor: u.id,
      action: 'project.updated',
      data: {
        projectId: id,
        source,
        changed: Object.fromEntries(changes.map(([k, v]) => [k, { before: (before as unknown as Record<string, unknown>)[k] ?? null, after: v }])),
      },
    });
    const doc = { ...before, ...fields, version, updatedAt: now, updatedBy: u.id };
    this.after(doc, before);
    return { doc, created: false };
  }

  /** Entries written by an import (already checked, numbers new): one by one, each idempotent. */
  async insertImported(u: UserDto, rows: { id: string; input: ProjectInput }[], at: Date): Promise<void> {
    for (const { id, input } of rows) {
      const doc = {
        _id: id,
        ...this.fieldsOf(input),
        stage: input.stage ?? 'registered',
        source: 'import' as const,
        version: 1,
        status: 'active' as const,
        createdAt: at,
        createdBy: u.id,
        updatedAt: at,
        updatedBy: u.id,
      };
      await this.model.updateOne({ _id: id }, { $setOnInsert: doc }, { upsert: true });
      this.after(doc);
    }
  }

  /**
   * A project registered by a flow (an agent's online registration): written if the number is new,
   * kept as it is if not; the flow's start form has checked each field.
   */
  async registerFromFlow(by: string, id: string, input: ProjectInput): Promise<{ created: boolean }> {
    const now = new Date();
    const doc = {
      _id: id,
      ...this.fieldsOf(input),
      stage: 'registered' as const,
      source: 'intake' as const,
      version: 1,
      status: 'active' as const,
      createdAt: now,
      createdBy: by,
      updatedAt: now,
      updatedBy: by,
    };
    const r = await this.model.updateOne({ _id: id }, { $setOnInsert: doc }, { upsert: true });
    if (!r.upsertedCount) return { created: false };
    await this.audit.append({ actor: by, action: 'project.registered', data: { projectId: id, source: 'intake', name: input.name } });
    this.after(doc);
    return { created: true };
  }

  /** A flow's step moves the project along (with the dates it recorded); done again it changes nothing. */
  async setStage(by: string, id: string, stage: ProjectStage, dates: Record<string, string> = {}): Promise<void> {
    // (read and written holding the project's write lock, so an edit over the version read meanwhile is refused)
    const moved = await this.locks.hold(projectLock(id), async () => {
      const before = await this.get(id);
      // (forward only: a step done again, or a later one already taken, leaves the stage as it is)
      const order = (s?: string) => PROJECT_STAGES.indexOf((s ?? 'registered') as ProjectStage);
      const set: Record<string, unknown> = order(stage) > order(before.stage) && before.stage !== 'terminated' ? { stage } : {};
      for (const [k, v] of Object.entries(dates)) if (FLOW_DATES.has(k) && /^\d{4}-\d{2}-\d{2}$/.test(v)) set[k] = v;
      const changes = Object.entries(set).filter(([k, v]) => (before as unknown as Record<string, unknown>)[k] !== v);
      if (!changes.length) return null;
      const version = (before.version ?? 0) + 1;
      await this.model.updateOne({ _id: id }, { $set: { ...set, version, updatedAt: new Date(), updatedBy: by } });
      return { before, set, changes, version };
    });
    if (!moved) return;
    const { before, set, changes, version } = moved;
    await this.audit.append({
      actor: by,
      action: 'project.updated',
      data: {
        projectId: id,
        source: 'flow',
        changed: Object.fromEntries(changes.map(([k, v]) => [k, { before: (before as unknown as Record<string, unknown>)[k] ?? null, after: v }])),
      },
    });
    this.after({ ...before, ...set, version } as ProjectDoc, before);
  }

  private after(doc: Partial<ProjectDoc> & { _id: string }, before?: Partial<ProjectDoc> | null): void {
    this.remember(doc);
    this.changed.emit('project', doc._id);
    // A contract date entered (6.5.1): the archive is to be collected within 5 working days. A project
    // of the one-stop flow collects it in that flow.
    if (doc.contractOn && !before?.contractOn && doc.source !== 'intake' && before?.source !== 'intake') this.changed.emit('contract', doc._id);
    // Archived: its agent, its experts and its return visit are due (4.1, 4.2, 4.3.2).
    if (doc.stage === 'archived' && before && before.stage !== 'archived') this.changed.emit('archived', doc._id);
  }
}
