/**
 * The leaders' dashboard: what the months' counters (`WorkStats`) and the open steps say, for a
 * period and a section — work open and finished per section and per flow, time per step (average
 * and p90), late steps and 督办, anomalies by category, archive lending and case assistance by
 * month, trends, and the efficiency table (效能) by person. Leaders, 监督科 and 大数据科 see the whole
 * center; a section head sees their own sections.
 */
import { dashboardSections, userError, type UserDto } from '@ggzy/shared';
import type { InboxService } from '../inbox/inbox.service';
import type { FlowCatalog } from '../instances/flow-catalog';
import { forbidden } from '../http/auth-context';
import { bucketMiddle, cellParts, sectionOfGroups, sectionOfPerson, type MonthDoc, type WorkStats } from './work-stats';
import { chinaMonth, monthRange, monthsBefore } from './months';

export interface DashboardQuery {
  from?: string;
  to?: string;
  section?: string;
}

/** The sections a person may look at (null: all of them), or a refusal. */
export function dashboardScope(u: UserDto): string[] | null {
  const scope = dashboardSections(u);
  if (scope !== false) return scope;
  throw forbidden(
    '看板仅供中心领导、监督科、大数据科和科室负责人查看',
    'The dashboard is for leaders, supervision, big data and section heads',
    'DASHBOARD_FORBIDDEN',
  );
}

const LENDING = 'archive-lending';
const ASSISTANCE = 'case-assistance';

function p90(hist: Record<string, number>, n: number): number {
  const need = Math.ceil(n * 0.9);
  let seen = 0;
  for (const b of Object.keys(hist)
    .map(Number)
    .sort((a, c) => a - c)) {
    seen += hist[b]!;
    if (seen >= need) return Math.round(bucketMiddle(b));
  }
  return 0;
}

export class DashboardService {
  constructor(
    private readonly stats: WorkStats,
    private readonly inbox: InboxService,
    private readonly catalog: FlowCatalog,
  ) {}

  async summary(u: UserDto, q: DashboardQuery, now = new Date()) {
    const scope = dashboardScope(u);
    const to = q.to ?? chinaMonth(now);
    const from = q.from ?? monthsBefore(to, 11);
    if (from > to) throw userError('DASHBOARD_PERIOD', '起始月份晚于结束月份', 'The period starts after it ends');
    if (q.section && scope && !scope.includes(q.section)) throw forbidden('只能查看本科室的数据', 'Only your own sections', 'DASHBOARD_FORBIDDEN');
    const sections = q.section ? [q.section] : scope;
    const inScope = (s: string) => !sections || sections.includes(s);
    const months = monthRange(from, to);
    const docs = await this.stats.months(months, now);
    const names = new Map((await this.catalog.latestVersions()).map((d) => [d.processId, d.name]));
    const flowName = (p: string) => names.get(p) ?? p;

    const bySection = new Map<string, { open: number; overdue: number; done: number; late: number; supervised: number }>();
    const byFlow = new Map<string, { open: number; overdue: number; done: number; late: number; started: number; supervised: number }>();
    const sec = (s: string) => bySection.get(s) ?? (bySection.set(s, { open: 0, overdue: 0, done: 0, late: 0, supervised: 0 }), bySection.get(s)!);
    const flow = (p: string) => byFlow.get(p) ?? (byFlow.set(p, { open: 0, overdue: 0, done: 0, late: 0, started: 0, supervised: 0 }), byFlow.get(p)!);
    const steps = new Map<
      string,
      { processId: string; elementId: string; name: string; n: number; late: number; sumMs: number; hist: Record<string, number> }
    >();
    const people = new Map<string, { section: string; userId: string; name: string; done: number; late: number; supervised: number; openOverdue: number }>();
    const person = (section: string, userId: string, name?: string) => {
      const k = `${section}|${userId}`;
      const p = people.get(k) ?? { section, userId, name: name ?? userId, done: 0, late: 0, supervised: 0, openOverdue: 0 };
      if (name) p.name = name;
      people.set(k, p);
      return p;
    };
    const trend: Array<{ month: string; started: number; done: number; late: number; supervised: number }> = [];
    const anomalies: Array<{ month: string; counts: Record<string, number> }> = [];
    const volumes: Array<{ month: string; lending: number; assistance: number }> = [];

    for (const m of docs as MonthDoc[]) {
      const t = { month: m._id, started: 0, done: 0, late: 0, supervised: 0 };
      const a: Record<string, number> = {};
      const v = { month: m._id, lending: 0, assistance: 0 };
      for (const [key, c] of Object.entries(m.steps ?? {})) {
        const [section, processId, elementId] = cellParts(key) as [string, string, string];
        if (!inScope(section)) continue;
        const s = sec(section);
        s.done += c.n;
        s.late += c.late ?? 0;
        const f = flow(processId);
        f.done += c.n;
        f.late += c.late ?? 0;
        t.done += c.n;
        t.late += c.late ?? 0;
        const sk = `${processId}|${elementId}`;
        const st = steps.get(sk) ?? { processId, elementId, name: c.name ?? elementId, n: 0, late: 0, sumMs: 0, hist: {} };
        st.n += c.n;
        st.late += c.late ?? 0;
        st.sumMs += c.sumMs;
        for (const [b, n] of Object.entries(c.hist ?? {})) st.hist[b] = (st.hist[b] ?? 0) + n;
        steps.set(sk, st);
      }
      for (const [key, c] of Object.entries(m.people ?? {})) {
        const [section, userId] = cellParts(key) as [string, string];
        if (!inScope(section)) continue;
        const p = person(section, userId, c.name);
        p.done += c.done ?? 0;
        p.late += c.late ?? 0;
        p.supervised += c.supervised ?? 0;
      }
      for (const [key, n] of Object.entries(m.started ?? {})) {
        const [section, processId] = cellParts(key) as [string, string];
        if (!inScope(section)) continue;
        flow(processId).started += n;
        t.started += n;
        if (processId === LENDING) v.lending += n;
        if (processId === ASSISTANCE) v.assistance += n;
      }
      for (const [key, n] of Object.entries(m.supervised ?? {})) {
        const [section, processId] = cellParts(key) as [string, string];
        if (!inScope(section)) continue;
        sec(section).supervised += n;
        flow(processId).supervised += n;
        t.supervised += n;
      }
      for (const [key, n] of Object.entries(m.anomalies ?? {})) {
        const [section, category] = cellParts(key) as [string, string];
        if (inScope(section)) a[category] = (a[category] ?? 0) + n;
      }
      trend.push(t);
      anomalies.push({ month: m._id, counts: a });
      volumes.push(v);
    }

    // What is open now (live steps, not history), in the section it waits in.
    const staff = await this.stats.staff();
    const open = await this.inbox.store.find({ status: 'open', kind: 'engine' });
    for (const t of open) {
      const section = t.assignee ? sectionOfPerson(staff.get(t.assignee)) : sectionOfGroups(t.candidateGroups);
      if (!inScope(section)) continue;
      const overdue = !!t.dueDate && new Date(t.dueDate).getTime() < now.getTime() ? 1 : 0;
      const s = sec(section);
      s.open++;
      s.overdue += overdue;
      const f = flow(t.processId);
      f.open++;
      f.overdue += overdue;
      if (overdue && t.assignee) person(section, t.assignee, staff.get(t.assignee)?.name).openOverdue++;
    }

    return {
      from,
      to,
      section: q.section ?? null,
      sections: scope,
      bySection: [...bySection].map(([section, c]) => ({ section, ...c })).sort((x, y) => y.done + y.open - (x.done + x.open)),
      byFlow: [...byFlow].map(([processId, c]) => ({ processId, name: flowName(processId), ...c })).sort((x, y) => y.done + y.open - (x.done + x.open)),
      steps: [...steps.values()]
        .map((s) => ({
          processId: s.processId,
          processName: flowName(s.processId),
          elementId: s.elementId,
          name: s.name,
          n: s.n,
          late: s.late,
          avgMs: Math.round(s.sumMs / s.n),
          p90Ms: p90(s.hist, s.n),
        }))
        .sort((x, y) => y.n - x.n),
      trend,
      anomalies,
      volumes,
      efficiency: [...people.values()]
        .map((p) => ({ ...p, onTimeRate: p.done ? Math.round(((p.done - p.late) / p.done) * 1000) / 10 : null }))
        .sort((x, y) => y.late + y.openOverdue + y.supervised - (x.late + x.openOverdue + x.supervised) || y.done - x.done),
    };
  }
}

export type DashboardSummary = Awaited<ReturnType<DashboardService['summary']>>;
