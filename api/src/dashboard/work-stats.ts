/**
 * The numbers behind the leaders' dashboard, kept as they happen: one document per month
 * (`dashboard_months`, `_id` YYYY-MM) with counters per section, flow, step and person — steps
 * finished, late, their time (sum and a histogram for the p90), 督办, flows started, anomalies by
 * category. Each event is counted once: it is first written down by its id (`dashboard_counted`),
 * and only the one that wrote it counts it (a stop between the two writes leaves it uncounted,
 * never counted twice). The dashboard reads months by id; the growing task and instance
 * collections are never scanned for it, and a month's document stays the size of its counters.
 */
import { mongo, Schema, type Connection, type Model } from 'mongoose';
import { isLeader, SECTION_CODES } from '@ggzy/shared';
import { chinaMonth } from './months';
import { modelOn } from '../db/model-on';
import { peopleModels } from '../people/user.model';
import type { Logger } from 'pino';
import type { InboxService } from '../inbox/inbox.service';
import type { SlaMonitor } from '../inbox/sla-monitor';
import type { StartRequests } from '../instances/start-requests';

/** Histogram buckets of a step's time: bucket b holds [1 min × 1.25^b, 1 min × 1.25^(b+1)). */
const BUCKET_BASE_MS = 60_000;
const BUCKET_RATIO = 1.25;
export function bucketOf(ms: number): number {
  return ms < BUCKET_BASE_MS ? 0 : Math.min(99, Math.floor(Math.log(ms / BUCKET_BASE_MS) / Math.log(BUCKET_RATIO)));
}
/** A bucket's middle (geometric; the first, which holds everything under 75 s, its plain middle), for the p90 read back from the histogram (within ±12 %). */
export function bucketMiddle(b: number): number {
  return b === 0 ? (BUCKET_BASE_MS * BUCKET_RATIO) / 2 : BUCKET_BASE_MS * BUCKET_RATIO ** (b + 0.5);
}

export interface StepCell {
  name?: string;
  n: number;
  late?: number;
  sumMs: number;
  hist: Record<string, number>;
}
export interface PersonCell {
  name?: string;
  done?: number;
  late?: number;
  supervised?: number;
}
export interface MonthDoc {
  _id: string;
  /** `section|processId|elementId` */
  steps?: Record<string, StepCell>;
  /** `section|userId` */
  people?: Record<string, PersonCell>;
  /** `section|processId` */
  started?: Record<string, number>;
  /** `section|processId` */
  supervised?: Record<string, number>;
  /** `section|category` */
  anomalies?: Record<string, number>;
}

/** A part of a counter's key: no dot or dollar reaches a field name. */
const part = (s: string) => encodeURIComponent(s).replace(/\./g, '%2E');
export const cellKey = (...parts: string[]) => parts.map(part).join('|');
export const cellParts = (key: string) => key.split('|').map(decodeURIComponent);

/** The section a person's work counts for: their first section, or 领导 / 外部. */
export function sectionOfPerson(u: { sections?: string[]; roles?: string[] } | undefined): string {
  if (!u) return 'other';
  if (u.sections?.length) return u.sections[0]!;
  if (isLeader({ roles: u.roles ?? [] })) return 'leaders';
  if (u.roles?.includes('external')) return 'external';
  return 'system';
}

/** The section an open step waits in: its holder's, or the first section among its candidate groups. */
export function sectionOfGroups(groups: string[]): string {
  for (const g of groups) {
    const s = g.split('.')[0]!;
    if ((SECTION_CODES as string[]).includes(s)) return s;
    if (s === 'leader') return 'leaders';
  }
  return groups.includes('witness') ? 'witness' : 'other';
}

export interface FinishedStep {
  taskId: string;
  processId: string;
  elementId: string;
  name: string;
  by: string;
  createdAt: Date;
  completedAt: Date;
  dueDate?: Date | null;
}

/** How long this month's counters, once read, serve the dashboard while only other replicas count. */
export const CURRENT_MONTH_FRESH_MS = 15_000;

export class WorkStats {
  readonly Month: Model<MonthDoc>;
  private readonly Counted: Model<{ _id: string; month: string; at: Date }>;
  private readonly people;
  private users?: { at: number; byId: Map<string, { name: string; sections: string[]; roles: string[] }> };
  /** Months read before, while nothing was counted in them here since, and when they were read. */
  private readonly cache = new Map<string, { doc: MonthDoc; at: number }>();

  constructor(db: Connection) {
    this.Month = modelOn<MonthDoc>(
      db,
      'DashboardMonth',
      new Schema<MonthDoc>(
        {
          _id: String,
          steps: Schema.Types.Mixed,
          people: Schema.Types.Mixed,
          started: Schema.Types.Mixed,
          supervised: Schema.Types.Mixed,
          anomalies: Schema.Types.Mixed,
        },
        { versionKey: false, _id: false, collection: 'dashboard_months', minimize: false },
      ),
    );
    this.Counted = modelOn(
      db,
      'DashboardCounted',
      new Schema({ _id: String, month: String, at: Date }, { versionKey: false, _id: false, collection: 'dashboard_counted' }),
    );
    this.people = peopleModels(db);
  }

  /** The staff by id (read again each minute). */
  async staff(): Promise<Map<string, { name: string; sections: string[]; roles: string[] }>> {
    if (!this.users || Date.now() - this.users.at > 60_000) {
      const all = await this.people.User.find().select('name sections roles').lean();
      this.users = { at: Date.now(), byId: new Map(all.map((u) => [u._id, { name: u.name, sections: u.sections ?? [], roles: u.roles ?? [] }])) };
    }
    return this.users.byId;
  }

  /** Counts `inc` (and sets `set`) in a month once for `id`; false when it was counted before. */
  private async count(month: string, id: string, inc: Record<string, number | mongo.Double>, set: Record<string, unknown> = {}): Promise<boolean> {
    try {
      await this.Counted.create({ _id: id, month, at: new Date() });
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
    await this.Month.updateOne({ _id: month }, { $inc: inc, ...(Object.keys(set).length && { $set: set }) }, { upsert: true });
    this.cache.delete(month);
    return true;
  }

  async stepFinished(t: FinishedStep): Promise<boolean> {
    const who = (await this.staff()).get(t.by);
    const section = sectionOfPerson(who);
    const ms = Math.max(0, t.completedAt.getTime() - t.createdAt.getTime());
    const late = !!t.dueDate && t.completedAt.getTime() > new Date(t.dueDate).getTime() ? 1 : 0;
    const step = `steps.${cellKey(section, t.processId, t.elementId)}`;
    const person = `people.${cellKey(section, t.by)}`;
    return this.count(
      chinaMonth(t.completedAt),
      `done:${t.taskId}`,
      {
        [`${step}.n`]: 1,
        [`${step}.late`]: late, // (a double: a month's sum of milliseconds outgrows 32 bits)
        [`${step}.sumMs`]: new mongo.Double(ms),
        [`${step}.hist.${bucketOf(ms)}`]: 1,
        [`${person}.done`]: 1,
        [`${person}.late`]: late,
      },
      { [`${step}.name`]: t.name, [`${person}.name`]: who?.name ?? t.by },
    );
  }

  async flowStarted(s: { instanceId: string; processId: string; by: string; at: Date; category?: unknown }): Promise<boolean> {
    const section = s.by === 'system' ? 'system' : sectionOfPerson((await this.staff()).get(s.by));
    const inc: Record<string, number> = { [`started.${cellKey(section, s.processId)}`]: 1 };
    if (s.processId === 'anomaly-escalation') inc[`anomalies.${cellKey(section, typeof s.category === 'string' ? s.category : 'other')}`] = 1;
    return this.count(chinaMonth(s.at), `start:${s.instanceId}`, inc);
  }

  /** A step reported to supervision (督办): counted for the person who held it, or its section. */
  async stepSupervised(t: { taskId: string; processId: string; assignee?: string | null; candidateGroups: string[]; at: Date }): Promise<boolean> {
    const who = t.assignee ? (await this.staff()).get(t.assignee) : undefined;
    const section = t.assignee ? sectionOfPerson(who) : sectionOfGroups(t.candidateGroups);
    const inc: Record<string, number> = { [`supervised.${cellKey(section, t.processId)}`]: 1 };
    if (t.assignee) inc[`people.${cellKey(section, t.assignee)}.supervised`] = 1;
    return this.count(
      chinaMonth(t.at),
      `supervised:${t.taskId}`,
      inc,
      t.assignee ? { [`people.${cellKey(section, t.assignee)}.name`]: who?.name ?? t.assignee } : {},
    );
  }

  /**
   * The months asked for, as stored. Past months come from the cache (they no longer change); this
   * month too, for at most `CURRENT_MONTH_FRESH_MS` — another replica may count in it meanwhile — and
   * until this process counts in it. (A month of counters is one large document, whose read is the
   * dashboard's main cost on the embedded database.)
   */
  async months(ids: string[], now = new Date()): Promise<MonthDoc[]> {
    const current = chinaMonth(now);
    return Promise.all(
      ids.map(async (id) => {
        const hit = this.cache.get(id);
        if (hit && (id < current || now.getTime() - hit.at < CURRENT_MONTH_FRESH_MS)) return hit.doc;
        const doc = (await this.Month.findById(id).lean<MonthDoc>()) ?? { _id: id };
        this.cache.set(id, { doc, at: now.getTime() });
        return doc;
      }),
    );
  }
}

/** Counts, as they happen, the steps the inbox sees finished, the 督办 the SLA monitor sends and the flows that start. */
export function countAsItHappens(stats: WorkStats, on: { inbox: InboxService; sla: SlaMonitor; starts: StartRequests }, logger: Logger): void {
  const counted = (what: string) => (err: unknown) => logger.warn({ err }, `counting ${what} for the dashboard failed`);
  on.inbox.listeners.add((t) => {
    if (t.kind !== 'engine' || t.status !== 'completed' || !t.completedBy || !t.completedAt) return;
    void stats
      .stepFinished({
        taskId: t._id,
        processId: t.processId,
        elementId: t.elementId,
        name: t.name,
        by: t.completedBy,
        createdAt: t.createdAt,
        completedAt: t.completedAt,
        dueDate: t.dueDate,
      })
      .catch(counted('a finished step'));
  });
  on.sla.onSupervised = (t, at) =>
    stats.stepSupervised({ taskId: t._id, processId: t.processId, assignee: t.assignee, candidateGroups: t.candidateGroups, at }).catch(counted('a 督办'));
  on.starts.onStarted = (i) =>
    stats
      .flowStarted({ instanceId: i.instanceId, processId: i.processId, by: i.by, at: i.at, category: i.variables.category })
      .then(() => undefined)
      .catch(counted('a start'));
}
