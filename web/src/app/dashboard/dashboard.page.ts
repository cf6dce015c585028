import { Component, computed, inject, signal } from '@angular/core';
import { DecimalPipe } from '@angular/common';
import { FormsModule } from '@angular/forms';
import { HttpClient, HttpParams } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { NgxEchartsDirective } from 'ngx-echarts';
import type { ECharts } from 'echarts/core';
import { SECTIONS, workSectionName } from '@ggzy/shared';
import type { DashboardDto } from '@ggzy/shared/api';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzCardModule } from 'ng-zorro-antd/card';
import { NzDatePickerModule } from 'ng-zorro-antd/date-picker';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzStatisticModule } from 'ng-zorro-antd/statistic';
import { I18nService, TranslatePipe } from '../core/i18n';
import { apiError } from '../core/api.service';
import { downloadFile } from '../core/download';
import { CHART_TITLES, chartOptions, type ChartCode } from './dashboard-charts';
import { centerToday } from '../core/dates';

const ym = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;

/** The last twelve months up to this one at the center, as the month picker's dates. */
function lastTwelveMonths(): Date[] {
  const [y, m] = centerToday().split('-').map(Number);
  return [new Date(y, m - 12, 1), new Date(y, m - 1, 1)];
}

/**
 * 领导看板: how the center is doing over a period — work open and finished per section and flow,
 * time per step, 督办, anomalies by category, archive lending and case assistance, trends by month,
 * and the efficiency table (效能) by person. Each chart saves as a picture or its numbers as Excel.
 */
@Component({
  selector: 'app-dashboard',
  imports: [
    TranslatePipe,
    DecimalPipe,
    FormsModule,
    NgxEchartsDirective,
    NzButtonModule,
    NzCardModule,
    NzDatePickerModule,
    NzSelectModule,
    NzTableModule,
    NzAlertModule,
    NzStatisticModule,
  ],
  templateUrl: './dashboard.page.html',
  styleUrl: './dashboard.page.scss',
})
export class DashboardPage {
  private readonly http = inject(HttpClient);
  private readonly i18n = inject(I18nService);
  readonly d = signal<DashboardDto | null>(null);
  readonly error = signal<string | null>(null);
  readonly charts: ChartCode[] = ['trend', 'sections', 'flows', 'steps', 'anomalies', 'volumes'];
  readonly titles = CHART_TITLES;
  /** The page's font stack, for the charts' text (read once: the global stylesheet is loaded). */
  private readonly font = getComputedStyle(document.body).fontFamily;
  readonly options = computed(() => {
    const d = this.d();
    return d ? chartOptions(d, (s) => this.i18n.t(s), this.font) : null;
  });
  readonly totals = computed(() => {
    const d = this.d();
    if (!d) return null;
    const sum = (f: (x: DashboardDto['bySection'][number]) => number) =>
      d.bySection.reduce((a, x) => a + f(x), 0);
    const done = sum((x) => x.done);
    return {
      open: sum((x) => x.open),
      overdue: sum((x) => x.overdue),
      done,
      late: sum((x) => x.late),
      supervised: sum((x) => x.supervised),
      onTime: done ? ((done - sum((x) => x.late)) / done) * 100 : null,
    };
  });
  /** The sections to pick from: all for those who see the whole center, else their own. */
  readonly sectionChoices = computed(() => {
    const own = this.d()?.sections;
    return (own ?? SECTIONS.map((s) => s.code)).map((code) => ({
      code,
      name: workSectionName(code),
    }));
  });
  readonly sectionName = workSectionName;
  period: Date[] = lastTwelveMonths();
  section: string | null = null;
  private readonly instances = new Map<ChartCode, ECharts>();

  constructor() {
    // The chart library loads while the numbers are asked for (the charts draw once both are in).
    void import('./echarts-setup');
    void this.load();
  }

  private query(): HttpParams {
    let p = new HttpParams();
    if (this.period?.length === 2)
      p = p.set('from', ym(this.period[0]!)).set('to', ym(this.period[1]!));
    if (this.section) p = p.set('section', this.section);
    return p;
  }

  async load(): Promise<void> {
    try {
      this.d.set(
        await firstValueFrom(
          this.http.get<DashboardDto>('/api/dashboard', { params: this.query() }),
        ),
      );
      this.error.set(null);
    } catch (err) {
      this.error.set(this.i18n.message(apiError(err)));
    }
  }

  ready(code: ChartCode, chart: ECharts): void {
    this.instances.set(code, chart);
  }

  /** The chart as a picture. */
  png(code: ChartCode): void {
    const chart = this.instances.get(code);
    if (!chart) return;
    const a = document.createElement('a');
    a.href = chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' });
    a.download = `${this.i18n.t(CHART_TITLES[code])}_${this.d()?.from}_${this.d()?.to}.png`;
    a.click();
  }

  /** One chart's numbers (or all of them) as Excel. */
  async xlsx(chart?: ChartCode | 'efficiency'): Promise<void> {
    const p = chart ? this.query().set('chart', chart) : this.query();
    try {
      await downloadFile(
        this.http,
        `/api/dashboard/export?${p.toString()}`,
        `${chart ? this.i18n.t(chart === 'efficiency' ? '效能统计' : CHART_TITLES[chart]) : this.i18n.t('领导看板')}_${this.d()?.from}_${this.d()?.to}.xlsx`,
      );
    } catch (err) {
      this.error.set(this.i18n.message(apiError(err)));
    }
  }

  /** Whether the whole center is the caller's to pick from (else their own sections). */
  readonly mayPickAll = computed(() => this.d()?.sections === null);
}
