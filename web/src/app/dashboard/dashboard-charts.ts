/** The dashboard's numbers as ECharts options: one builder per chart. */
import type { EChartsCoreOption } from 'echarts/core';
import { ANOMALY_CATEGORY_NAMES, workSectionName } from '@ggzy/shared';
import type { DashboardDto } from '@ggzy/shared/api';

export type ChartCode = 'sections' | 'flows' | 'steps' | 'trend' | 'anomalies' | 'volumes';

export const CHART_TITLES: Record<ChartCode, string> = {
  sections: '各科室办件',
  flows: '各流程办件',
  steps: '环节用时',
  trend: '月度趋势',
  anomalies: '要情专报按类别',
  volumes: '档案借阅与案件协查',
};

/** One series: its name, its value of a row, and the stack it joins (bars only). */
type Series<R> = [name: string, value: (row: R) => number, stack?: string];

/**
 * The charts' options. `font` is the page's font stack: the charts' text matches the page's, and a
 * stack that names a Chinese font is measured several times faster than ECharts' default
 * `sans-serif`, which falls back character by character to a font that has the glyphs.
 */
export function chartOptions(
  d: DashboardDto,
  t: (s: string) => string,
  font: string,
): Record<ChartCode, EChartsCoreOption> {
  /** A chart of `rows`, one category each (labelled by `label`), and a series per entry of `series`. */
  const chart = <R>(
    type: 'bar' | 'line',
    rows: R[],
    label: (row: R) => string,
    series: Series<R>[],
    extra: { slanted?: boolean; unit?: string } = {},
  ): EChartsCoreOption => ({
    animationDuration: 300,
    textStyle: { fontFamily: font },
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: 56 },
    xAxis: {
      type: 'category',
      data: rows.map(label),
      ...(extra.slanted && { axisLabel: { interval: 0, rotate: 30 } }),
    },
    yAxis: extra.unit ? { type: 'value', name: t(extra.unit) } : { type: 'value', minInterval: 1 },
    series: series.map(([name, value, stack]) => ({
      type,
      name: t(name),
      data: rows.map(value),
      ...(stack && { stack }),
      ...(type === 'line' && { smooth: true }),
    })),
  });
  type Section = DashboardDto['bySection'][number];
  type Flow = DashboardDto['byFlow'][number];
  type Month = DashboardDto['trend'][number];
  type Volume = DashboardDto['volumes'][number];
  const steps = d.steps.slice(0, 12);
  // Hours, or minutes while every step takes less than two hours.
  const inMinutes = steps.every((s) => s.p90Ms < 2 * 3_600_000);
  const unit = inMinutes ? 60_000 : 3_600_000;
  const time = (ms: number) => Math.round((ms / unit) * 10) / 10;
  const categories = [...new Set(d.anomalies.flatMap((m) => Object.keys(m.counts)))].sort();
  return {
    sections: chart<Section>(
      'bar',
      d.bySection,
      (s) => t(workSectionName(s.section)),
      [
        ['在办', (s) => s.open - s.overdue, 'open'],
        ['在办超期', (s) => s.overdue, 'open'],
        ['办结', (s) => s.done - s.late, 'done'],
        ['超期办结', (s) => s.late, 'done'],
        ['督办', (s) => s.supervised],
      ],
      { slanted: true },
    ),
    flows: chart<Flow>(
      'bar',
      d.byFlow,
      (f) => f.name,
      [
        ['发起', (f) => f.started],
        ['在办', (f) => f.open],
        ['办结', (f) => f.done],
        ['督办', (f) => f.supervised],
      ],
      { slanted: true },
    ),
    steps: chart(
      'bar',
      steps,
      (s) => s.name,
      [
        ['平均用时', (s) => time(s.avgMs)],
        ['P90 用时', (s) => time(s.p90Ms)],
      ],
      { slanted: true, unit: inMinutes ? '分钟' : '小时' },
    ),
    trend: chart<Month>('line', d.trend, (m) => m.month, [
      ['发起', (m) => m.started],
      ['办结', (m) => m.done],
      ['超期办结', (m) => m.late],
      ['督办', (m) => m.supervised],
    ]),
    anomalies: chart(
      'bar',
      d.anomalies,
      (m) => m.month,
      categories.map((c): Series<DashboardDto['anomalies'][number]> => [
        ANOMALY_CATEGORY_NAMES[c] ?? c,
        (m) => m.counts[c] ?? 0,
        'all',
      ]),
    ),
    volumes: chart<Volume>('line', d.volumes, (v) => v.month, [
      ['档案借阅', (v) => v.lending],
      ['案件协查', (v) => v.assistance],
    ]),
  };
}
