import type { DashboardDto } from '@ggzy/shared/api';
import { workSectionName } from '@ggzy/shared';
import { chartOptions } from './dashboard-charts';

/** The options of one chart, as the builder makes them (ECharts' option type is open). */
interface Built {
  textStyle: { fontFamily: string };
  xAxis: { data: string[] };
  yAxis: { name?: string };
  series: { name: string; type: string; data: number[]; stack?: string }[];
}

const counts = { open: 0, overdue: 0, done: 0, late: 0, supervised: 0 };
const d: DashboardDto = {
  from: '2026-01',
  to: '2026-02',
  section: null,
  sections: null,
  bySection: [
    { section: 'supervision', ...counts, open: 7, overdue: 2, done: 10, late: 3, supervised: 1 },
    { section: 'office', ...counts, open: 1 },
  ],
  byFlow: [{ processId: 'complaint', name: '投诉建议登记与答复', started: 4, ...counts, done: 3 }],
  steps: [
    {
      processId: 'complaint',
      processName: '投诉建议登记与答复',
      elementId: 'review',
      name: '审核',
      n: 2,
      late: 0,
      avgMs: 90 * 60_000,
      p90Ms: 100 * 60_000,
    },
  ],
  trend: [
    { month: '2026-01', started: 3, done: 2, late: 1, supervised: 0 },
    { month: '2026-02', started: 5, done: 4, late: 0, supervised: 2 },
  ],
  anomalies: [
    { month: '2026-01', counts: { trade: 2 } },
    { month: '2026-02', counts: { trade: 1, venue: 4 } },
  ],
  volumes: [{ month: '2026-01', lending: 6, assistance: 1 }],
  efficiency: [],
};
const FONT = "'Noto Sans CJK SC', sans-serif";
const built = chartOptions(d, (s) => s, FONT) as unknown as Record<string, Built>;

describe('the dashboard charts', () => {
  it('set their text in the font given (the page’s), every chart', () => {
    expect(Object.keys(built).sort()).toEqual(
      ['anomalies', 'flows', 'sections', 'steps', 'trend', 'volumes'].sort(),
    );
    for (const chart of Object.values(built)) expect(chart.textStyle.fontFamily).toBe(FONT);
  });

  it('split each section’s work into open, open overdue, finished and finished late', () => {
    const s = built['sections']!;
    expect(s.xAxis.data).toEqual([workSectionName('supervision'), workSectionName('office')]);
    const by = Object.fromEntries(s.series.map((x) => [x.name, x.data]));
    expect(by['在办']).toEqual([5, 1]);
    expect(by['在办超期']).toEqual([2, 0]);
    expect(by['办结']).toEqual([7, 0]);
    expect(by['超期办结']).toEqual([3, 0]);
    expect(by['督办']).toEqual([1, 0]);
  });

  it('give step times in minutes while every step takes under two hours', () => {
    const s = built['steps']!;
    expect(s.yAxis.name).toBe('分钟');
    expect(s.series.map((x) => x.data[0])).toEqual([90, 100]);
  });

  it('stack the anomalies of a month by category, a month without one at zero', () => {
    const a = built['anomalies']!;
    expect(a.series.map((x) => x.stack)).toEqual(['all', 'all']);
    expect(a.series.map((x) => x.data)).toEqual([
      [2, 1],
      [0, 4],
    ]);
  });
});
