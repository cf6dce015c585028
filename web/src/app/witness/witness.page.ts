import { Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { HttpClient, HttpParams } from '@angular/common/http';
import { Router, RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { NzTabsModule } from 'ng-zorro-antd/tabs';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { NzRadioModule } from 'ng-zorro-antd/radio';
import { NzCheckboxModule } from 'ng-zorro-antd/checkbox';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { BUSINESS_SECTIONS } from '@ggzy/shared';
import { TranslatePipe } from '../core/i18n';
import { localDay } from '../core/dates';
import { AuthService } from '../core/auth.service';
import { apiError } from '../core/api.service';
import { downloadFile } from '../core/download';
import { SECTION_NAMES } from '../core/labels';
import type { Reply } from '../core/api.types';

type WitnessRecord = Reply<'witnessRecord'>;
type Patrol = Reply<'witnessPatrol'>;
type Session = Reply<'venueWeek'>['sessions'][number];

/**
 * 项目交易见证记录 (表七): the witness writes the day's record of each project they witnessed (and
 * reports an anomaly as 要情专报 in one click); the section and supervision read a month; supervision
 * patrols the day's projects (日巡查).
 */
@Component({
  selector: 'app-witness',
  imports: [
    TranslatePipe,
    FormsModule,
    RouterLink,
    NzTabsModule,
    NzInputModule,
    NzSelectModule,
    NzRadioModule,
    NzCheckboxModule,
    NzButtonModule,
    NzAlertModule,
    NzTableModule,
    NzTagModule,
  ],
  template: `
    <h2>{{ '项目交易见证记录（表七）' | t }}</h2>
    <nz-tabs>
      @if (mayWrite()) {
        <nz-tab [nzTitle]="'填写当天记录' | t">
          <form class="form" (ngSubmit)="save()" data-testid="witness-form">
            <label for="w-session">{{ '今天见证的项目' | t }}</label>
            <nz-select
              nzId="w-session"
              name="project"
              [(ngModel)]="draft.projectId"
              (ngModelChange)="pick($event)"
              [nzPlaceHolder]="'选择项目' | t"
              data-testid="w-project"
            >
              @for (s of mySessions(); track s.id) {
                <nz-option
                  [nzValue]="s.projectId"
                  [nzLabel]="
                    s.start +
                    '–' +
                    s.end +
                    ' ' +
                    s.roomName +
                    ' ' +
                    s.projectId +
                    ' ' +
                    s.projectName
                  "
                ></nz-option>
              }
            </nz-select>
            <span id="w-mode-label">{{ '见证方式' | t }}</span>
            <nz-radio-group name="mode" [(ngModel)]="draft.mode" aria-labelledby="w-mode-label">
              <label nz-radio nzValue="offline">{{ '线下' | t }}</label>
              <label nz-radio nzValue="online">{{ '线上' | t }}</label>
            </nz-radio-group>
            <label for="w-course">{{ '见证过程' | t }}</label>
            <textarea
              nz-input
              id="w-course"
              name="course"
              rows="5"
              [(ngModel)]="draft.course"
              data-testid="w-course"
            ></textarea>
            <label nz-checkbox name="anomaly" [(ngModel)]="draft.anomaly" data-testid="w-anomaly">{{
              '发现异常情况' | t
            }}</label>
            @if (draft.anomaly) {
              <label for="w-anomaly-desc">{{ '异常情况' | t }}</label>
              <textarea
                nz-input
                id="w-anomaly-desc"
                name="anomalyDesc"
                rows="3"
                [(ngModel)]="draft.anomalyDesc"
                data-testid="w-anomaly-desc"
              ></textarea>
            }
            @if (error()) {
              <nz-alert nzType="error" [nzMessage]="error()!" data-testid="w-error"></nz-alert>
            }
            <div class="actions">
              <button
                nz-button
                nzType="primary"
                type="submit"
                [disabled]="!draft.projectId"
                data-testid="w-save"
              >
                {{ '保存记录' | t }}
              </button>
              @if (saved(); as r) {
                <span data-testid="w-saved"
                  >{{ '已保存' | t }} {{ r.id }}（{{ '第' | t }} {{ r.version }}
                  {{ '版' | t }}）</span
                >
                @if (r.anomaly && !r.reportInstanceId) {
                  <button
                    nz-button
                    nzDanger
                    type="button"
                    (click)="report(r)"
                    data-testid="w-report"
                  >
                    {{ '上报异常（要情专报）' | t }}
                  </button>
                }
              }
            </div>
          </form>
        </nz-tab>
      }
      <nz-tab [nzTitle]="'月度记录' | t">
        <div class="bar">
          <label class="sr-only" for="w-section">{{ '业务科室' | t }}</label>
          <nz-select
            nzId="w-section"
            [(ngModel)]="section"
            (ngModelChange)="loadMonth()"
            class="pick"
          >
            @for (s of sections; track s) {
              <nz-option [nzValue]="s" [nzLabel]="sectionNames[s] ?? s"></nz-option>
            }
          </nz-select>
          <label class="sr-only" for="w-month">{{ '月份' | t }}</label>
          <input
            nz-input
            id="w-month"
            type="month"
            class="pick"
            [(ngModel)]="month"
            (ngModelChange)="loadMonth()"
          />
          <button nz-button (click)="export('xlsx')" data-testid="w-export-xlsx">
            {{ '导出 Excel' | t }}
          </button>
          <button nz-button (click)="export('pdf')" data-testid="w-export-pdf">
            {{ '打印 PDF' | t }}
          </button>
          @for (b of books(); track b.id) {
            <button
              nz-button
              nzType="link"
              (click)="book(b)"
              [attr.data-testid]="'w-book-' + b.section"
            >
              {{ '记录册' | t }} · {{ sectionNames[b.section] ?? b.section }}（{{ b.count }}）
            </button>
          }
        </div>
        @if (exportError()) {
          <nz-alert nzType="error" [nzMessage]="exportError()!"></nz-alert>
        }
        <nz-table
          [nzData]="monthRows()"
          nzSize="small"
          [nzPageSize]="50"
          #mt
          data-testid="w-month-table"
        >
          <thead>
            <tr>
              <th>{{ '日期' | t }}</th>
              <th>{{ '项目' | t }}</th>
              <th>{{ '见证人' | t }}</th>
              <th>{{ '方式' | t }}</th>
              <th>{{ '见证过程' | t }}</th>
              <th>{{ '异常情况' | t }}</th>
            </tr>
          </thead>
          <tbody>
            @for (r of mt.data; track r.id) {
              <tr>
                <td>{{ r.day }}</td>
                <td>
                  <a [routerLink]="['/projects', r.projectId]">{{ r.projectId }}</a>
                  {{ r.projectName }}
                </td>
                <td>{{ r.witnessName }}</td>
                <td>{{ r.mode === 'online' ? '线上' : '线下' }}</td>
                <td>{{ r.course }}</td>
                <td>{{ r.anomaly ? r.anomalyDesc : '无' }}</td>
              </tr>
            }
          </tbody>
        </nz-table>
      </nz-tab>
      @if (mayPatrol()) {
        <nz-tab [nzTitle]="'日巡查' | t">
          <nz-table
            [nzData]="patrol()?.items ?? []"
            nzSize="small"
            [nzShowPagination]="false"
            #pt
            data-testid="w-patrol"
          >
            <thead>
              <tr>
                <th>{{ '项目' | t }}</th>
                <th>{{ '业务科室' | t }}</th>
                <th>{{ '场次' | t }}</th>
                <th>{{ '见证人' | t }}</th>
                <th>{{ '见证记录' | t }}</th>
              </tr>
            </thead>
            <tbody>
              @for (i of pt.data; track i.projectId) {
                <tr [attr.data-testid]="'patrol-' + i.projectId">
                  <td>{{ i.projectId }} {{ i.projectName }}</td>
                  <td>{{ sectionNames[i.section] ?? i.section }}</td>
                  <td>
                    @for (s of i.sessions; track s.id) {
                      <div>{{ s.start }}–{{ s.end }} {{ s.roomName }} {{ s.purpose }}</div>
                    }
                  </td>
                  <td>{{ i.witnessName ?? '' }}</td>
                  <td>
                    @if (i.recorded) {
                      <nz-tag nzColor="green">{{ '已记录' | t }}</nz-tag>
                      @if (i.anomaly) {
                        <nz-tag nzColor="red">{{ '有异常' | t }}</nz-tag>
                      }
                    } @else {
                      <nz-tag nzColor="orange">{{ '未记录' | t }}</nz-tag>
                    }
                  </td>
                </tr>
              }
            </tbody>
          </nz-table>
        </nz-tab>
      }
    </nz-tabs>
  `,
  styles: `
    .form {
      display: flex;
      flex-direction: column;
      gap: 8px;
      max-width: 720px;
    }
    .actions,
    .bar {
      display: flex;
      gap: 8px;
      align-items: center;
      margin-bottom: 12px;
    }
    .pick {
      width: 180px;
    }
  `,
})
export class WitnessPage {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);
  private readonly auth = inject(AuthService);
  readonly sectionNames: Partial<Record<string, string>> = SECTION_NAMES;
  readonly sections = BUSINESS_SECTIONS;
  readonly today = localDay();
  readonly sessions = signal<Session[]>([]);
  readonly monthRows = signal<WitnessRecord[]>([]);
  readonly patrol = signal<Patrol | null>(null);
  readonly saved = signal<WitnessRecord | null>(null);
  readonly error = signal<string | null>(null);
  readonly exportError = signal<string | null>(null);
  readonly books = signal<Reply<'witnessBooks'>['items']>([]);
  draft = {
    projectId: '',
    sessionId: '',
    mode: 'offline',
    course: '',
    anomaly: false,
    anomalyDesc: '',
  };
  section: string = this.myBusinessSection() ?? 'engineering';
  month = this.today.slice(0, 7);

  readonly mayWrite = computed(() => {
    const u = this.auth.user();
    return (
      !!u && (u.roles.includes('witness') || u.roles.includes('head')) && !!this.myBusinessSection()
    );
  });
  readonly mayPatrol = computed(() => {
    const u = this.auth.user();
    return (
      !!u &&
      (u.sections.includes('supervision') ||
        (['admin', 'deputy', 'principal'] as const).some((r) => u.roles.includes(r)))
    );
  });
  /** Today's sessions of the witness's section. */
  readonly mySessions = computed(() =>
    this.sessions().filter((s) => this.auth.user()?.sections.includes(s.section as never)),
  );

  constructor() {
    void this.loadMonth();
    void firstValueFrom(
      this.http.get<Reply<'venueWeek'>>('/api/venues/week', {
        params: new HttpParams().set('from', this.today).set('days', 1),
      }),
    ).then((w) => this.sessions.set(w.sessions));
    if (this.mayPatrol())
      void firstValueFrom(this.http.get<Patrol>('/api/witness-patrol')).then((p) =>
        this.patrol.set(p),
      );
  }

  private myBusinessSection(): string | undefined {
    return this.auth
      .user()
      ?.sections.find((s) => (BUSINESS_SECTIONS as readonly string[]).includes(s));
  }

  pick(projectId: string): void {
    this.draft.sessionId = this.mySessions().find((s) => s.projectId === projectId)?.id ?? '';
    this.saved.set(null);
  }

  async loadMonth(): Promise<void> {
    void firstValueFrom(
      this.http.get<Reply<'witnessBooks'>>('/api/witness-books', {
        params: new HttpParams().set('month', this.month),
      }),
    ).then(
      (r) => this.books.set(r.items),
      () => this.books.set([]),
    );
    try {
      const r = await firstValueFrom(
        this.http.get<Reply<'witnessRecords'>>('/api/witness-records', {
          params: new HttpParams().set('section', this.section).set('month', this.month),
        }),
      );
      this.monthRows.set(r.items);
    } catch {
      this.monthRows.set([]);
    }
  }

  async save(): Promise<void> {
    this.error.set(null);
    try {
      const r = await firstValueFrom(
        this.http.post<WitnessRecord>('/api/witness-records', {
          projectId: this.draft.projectId,
          day: this.today,
          mode: this.draft.mode,
          course: this.draft.course,
          anomaly: this.draft.anomaly,
          anomalyDesc: this.draft.anomaly ? this.draft.anomalyDesc : null,
          sessionId: this.draft.sessionId || null,
        }),
      );
      this.saved.set(r);
      await this.loadMonth();
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }

  async export(format: 'xlsx' | 'pdf'): Promise<void> {
    this.exportError.set(null);
    try {
      await downloadFile(
        this.http,
        `/api/witness-records/export?section=${this.section}&month=${this.month}&format=${format}`,
        `表七-项目交易见证记录-${this.sectionNames[this.section] ?? this.section}-${this.month}.${format}`,
      );
    } catch (err) {
      this.exportError.set(apiError(err).message);
    }
  }

  /** The month's bound book (PDF), as it was bound. */
  async book(b: { id: string; section: string; month: string }): Promise<void> {
    try {
      await downloadFile(
        this.http,
        `/api/witness-books/${b.id}`,
        `见证记录册-${this.sectionNames[b.section] ?? b.section}-${b.month}.pdf`,
      );
    } catch (err) {
      this.exportError.set(apiError(err).message);
    }
  }

  /** 上报异常: the report's start form, with the project and what was seen filled in. */
  report(r: WitnessRecord): void {
    void this.router.navigate(['/start'], {
      queryParams: {
        process: 'anomaly-escalation',
        prefill: JSON.stringify({
          projectId: r.projectId,
          title: `见证发现异常：${r.projectName}`,
          description: r.anomalyDesc ?? '',
        }),
        witnessRecord: r.id,
      },
    });
  }
}
