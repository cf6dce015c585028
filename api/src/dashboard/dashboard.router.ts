/** GET /dashboard (the leaders' numbers of a period and section) and /dashboard/export (the same as .xlsx, a sheet per chart). */
import { Router } from 'express';
import { ANOMALY_CATEGORY_NAMES, chinaDateTime, workSectionName } from '@ggzy/shared';
import { API, type DASHBOARD_CHARTS } from '@ggzy/shared/api';
import { bind } from '../http/bind-route';
import { sendFile, toXlsx, type PaperTable } from '../records/paper-table';
import type { DashboardService, DashboardSummary } from './dashboard';

const hours = (ms: number) => Math.round((ms / 3_600_000) * 10) / 10;

/** The dashboard's numbers as tables: one per chart, and the efficiency table. */
export function dashboardTables(d: DashboardSummary): Array<PaperTable & { sheet: string; chart: (typeof DASHBOARD_CHARTS)[number] }> {
  const period = `统计期间：${d.from} 至 ${d.to}${d.section ? ` 科室：${workSectionName(d.section)}` : ''}`;
  const col = (header: string, width = 1) => ({ header, width });
  const categories = [...new Set(d.anomalies.flatMap((m) => Object.keys(m.counts)))].sort();
  return [
    {
      chart: 'sections',
      sheet: '各科室办件',
      title: '各科室办件情况',
      subtitle: period,
      columns: [col('科室', 2), col('在办'), col('在办超期'), col('办结'), col('超期办结'), col('督办')],
      rows: d.bySection.map((s) => [workSectionName(s.section), s.open, s.overdue, s.done, s.late, s.supervised]),
    },
    {
      chart: 'flows',
      sheet: '各流程办件',
      title: '各流程办件情况',
      subtitle: period,
      columns: [col('流程', 3), col('发起'), col('在办'), col('在办超期'), col('办结'), col('超期办结'), col('督办')],
      rows: d.byFlow.map((f) => [f.name, f.started, f.open, f.overdue, f.done, f.late, f.supervised]),
    },
    {
      chart: 'steps',
      sheet: '环节用时',
      title: '各环节办理用时',
      subtitle: `${period}；用时单位：小时；P90 取自用时分布，误差约 ±12%`,
      columns: [col('流程', 3), col('环节', 3), col('办结'), col('平均用时'), col('P90 用时'), col('超期')],
      rows: d.steps.map((s) => [s.processName, s.name, s.n, hours(s.avgMs), hours(s.p90Ms), s.late]),
    },
    {
      chart: 'trend',
      sheet: '月度趋势',
      title: '月度趋势',
      subtitle: period,
      columns: [col('月份'), col('发起'), col('办结'), col('超期办结'), col('督办')],
      rows: d.trend.map((t) => [t.month, t.started, t.done, t.late, t.supervised]),
    },
    {
      chart: 'anomalies',
      sheet: '要情分类',
      title: '要情专报按类别、月份',
      subtitle: period,
      columns: [col('月份'), ...categories.map((c) => col(ANOMALY_CATEGORY_NAMES[c] ?? c))],
      rows: d.anomalies.map((m) => [m.month, ...categories.map((c) => m.counts[c] ?? 0)]),
    },
    {
      chart: 'volumes',
      sheet: '借阅与协查',
      title: '档案借阅与案件协查数量',
      subtitle: period,
      columns: [col('月份'), col('档案借阅'), col('案件协查')],
      rows: d.volumes.map((v) => [v.month, v.lending, v.assistance]),
    },
    {
      chart: 'efficiency',
      sheet: '效能',
      title: '效能统计（超期环节按人员、科室）',
      subtitle: period,
      columns: [col('科室', 2), col('姓名', 2), col('办结'), col('超期办结'), col('在办超期'), col('督办'), col('按时办结率(%)')],
      rows: d.efficiency.map((p) => [workSectionName(p.section), p.name, p.done, p.late, p.openOverdue, p.supervised, p.onTimeRate ?? '—']),
      footer: `导出时间：${chinaDateTime(new Date())}`,
    },
  ];
}

export function dashboardRouter(dashboard: DashboardService): Router {
  const r = Router();
  bind(r, API.dashboard, ({ user, query }) => dashboard.summary(user, query));
  bind(r, API.exportDashboard, async ({ user, query, res }) => {
    const { chart, ...q } = query;
    const d = await dashboard.summary(user, q);
    const tables = dashboardTables(d).filter((t) => !chart || t.chart === chart);
    sendFile(res, `${chart ? tables[0]!.sheet : '领导看板'}_${d.from}_${d.to}.xlsx`, 'xlsx', await toXlsx(tables));
  });
  return r;
}
