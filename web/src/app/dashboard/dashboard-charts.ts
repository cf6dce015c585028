/** The dashboard's numbers as ECharts options: one builder per chart. */
import type { EChartsCoreOption } from 'echarts/core';
import { ANOMALY_CATEGORY_NAMES, workSectionName } from '@ggzy/shared';
import type { DashboardDto } from '@ggzy/shared/api';

const base = {
  animationDuration: 300,
  tooltip: { trigger: 'axis' },
  legend: { top: 0 },
  grid: { left: 48, right: 16, top: 36, bottom: 56 },
};
const slanted = { axisLabel: { interval: 0, rotate: 30 } };

export type ChartCode = 'sections' | 'flows' | 'steps' | 'trend' | 'anomalies' | 'volumes';

export const CHART_TITLES: Record<ChartCode, string> = {
  sections: '各科室办件',
  flows: '各流程办件',
  steps: '环节用时',
  trend: '月度趋势',
  anomalies: '要情专报按类别',
  volumes: '档案借阅与案件协查',
};

export function chartOptions(
  d: DashboardDto,
  t: (s: string) => string,
): Record<ChartCode, EChartsCoreOption> {
  const bar = (name: string, data: number[], stack?: string) => ({
    type: 'bar',
    name: t(name),
    data,
    ...(stack && { stack }),
  });
  const line = (name: string, data: number[]) => ({
    type: 'line',
    name: t(name),
    data,
    smooth: true,
  });
  const months = d.trend.map((m) => m.month);
  const categories = [...new Set(d.anomalies.flatMap((m) => Object.keys(m.counts)))].sort();
  const steps = d.steps.slice(0, 12);
  // Hours, or minutes while every step takes less than two hours.
  const inMinutes = steps.every((s) => s.p90Ms < 2 * 3_600_000);
  const unit = inMinutes ? 60_000 : 3_600_000;
  const time = (ms: number) => Math.round((ms / unit) * 10) / 10;
  return {
    sections: {
      ...base,
      xAxis: {
        type: 'category',
        data: d.bySection.map((s) => t(workSectionName(s.section))),
        ...slanted,
      },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        bar(
          '在办',
          d.bySection.map((s) => s.open - s.overdue),
          'open',
        ),
        bar(
          '在办超期',
          d.bySection.map((s) => s.overdue),
          'open',
        ),
        bar(
          '办结',
          d.bySection.map((s) => s.done - s.late),
          'done',
        ),
        bar(
          '超期办结',
          d.bySection.map((s) => s.late),
          'done',
        ),
        bar(
          '督办',
          d.bySection.map((s) => s.supervised),
        ),
      ],
    },
    flows: {
      ...base,
      xAxis: { type: 'category', data: d.byFlow.map((f) => f.name), ...slanted },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        bar(
          '发起',
          d.byFlow.map((f) => f.started),
        ),
        bar(
          '在办',
          d.byFlow.map((f) => f.open),
        ),
        bar(
          '办结',
          d.byFlow.map((f) => f.done),
        ),
        bar(
          '督办',
          d.byFlow.map((f) => f.supervised),
        ),
      ],
    },
    steps: {
      ...base,
      xAxis: { type: 'category', data: steps.map((s) => `${s.name}`), ...slanted },
      yAxis: { type: 'value', name: t(inMinutes ? '分钟' : '小时') },
      series: [
        bar(
          '平均用时',
          steps.map((s) => time(s.avgMs)),
        ),
        bar(
          'P90 用时',
          steps.map((s) => time(s.p90Ms)),
        ),
      ],
    },
    trend: {
      ...base,
      xAxis: { type: 'category', data: months },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        line(
          '发起',
          d.trend.map((m) => m.started),
        ),
        line(
          '办结',
          d.trend.map((m) => m.done),
        ),
        line(
          '超期办结',
          d.trend.map((m) => m.late),
        ),
        line(
          '督办',
          d.trend.map((m) => m.supervised),
        ),
      ],
    },
    anomalies: {
      ...base,
      xAxis: { type: 'category', data: d.anomalies.map((m) => m.month) },
      yAxis: { type: 'value', minInterval: 1 },
      series: categories.map((c) =>
        bar(
          ANOMALY_CATEGORY_NAMES[c] ?? c,
          d.anomalies.map((m) => m.counts[c] ?? 0),
          'all',
        ),
      ),
    },
    volumes: {
      ...base,
      xAxis: { type: 'category', data: d.volumes.map((v) => v.month) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        line(
          '档案借阅',
          d.volumes.map((v) => v.lending),
        ),
        line(
          '案件协查',
          d.volumes.map((v) => v.assistance),
        ),
      ],
    },
  };
}
