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
import { centerToday } from '../core/dates';
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
  templateUrl: './witness.page.html',
  styleUrl: './witness.page.scss',
})
export class WitnessPage {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);
  private readonly auth = inject(AuthService);
  readonly sectionNames: Partial<Record<string, string>> = SECTION_NAMES;
  readonly sections = BUSINESS_SECTIONS;
  readonly today = centerToday();
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
