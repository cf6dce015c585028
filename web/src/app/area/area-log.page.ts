import { Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { HttpClient, HttpParams } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzCardModule } from 'ng-zorro-antd/card';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { NzEmptyModule } from 'ng-zorro-antd/empty';
import { AREA_LOG_ITEMS } from '@ggzy/shared';
import { TranslatePipe } from '../core/i18n';
import { centerToday } from '../core/dates';
import { AuthService } from '../core/auth.service';
import { apiError } from '../core/api.service';
import { downloadFile } from '../core/download';
import type { Reply } from '../core/api.types';

type Day = Reply<'areaLogs'>;
type Item = Day['items'][number];

/** The items 5.1.1 lists, with their headings on 表四. */
const ITEMS: readonly (readonly [string, string])[] = AREA_LOG_ITEMS;

/**
 * 开评标区管理记录 (表四): the day's sessions in the area, each with its log as 5.1.1 lists the items;
 * 综合科 writes them, supervision and the leaders read; a month exports as .xlsx or PDF.
 */
@Component({
  selector: 'app-area-log',
  imports: [
    TranslatePipe,
    FormsModule,
    NzButtonModule,
    NzCardModule,
    NzInputModule,
    NzAlertModule,
    NzTagModule,
    NzEmptyModule,
  ],
  template: `
    <h2>{{ '开评标区管理记录（表四）' | t }}</h2>
    <div class="bar">
      <label for="a-day">{{ '日期' | t }}</label>
      <input
        nz-input
        id="a-day"
        type="date"
        class="pick"
        [(ngModel)]="day"
        (ngModelChange)="load()"
        data-testid="a-day"
      />
      <span class="grow"></span>
      <label for="a-month">{{ '导出月份' | t }}</label>
      <input nz-input id="a-month" type="month" class="pick" [(ngModel)]="month" />
      <button nz-button (click)="export('xlsx')" data-testid="a-export-xlsx">
        {{ '导出 Excel' | t }}
      </button>
      <button nz-button (click)="export('pdf')" data-testid="a-export-pdf">
        {{ '打印 PDF' | t }}
      </button>
    </div>
    @if (error()) {
      <nz-alert nzType="error" [nzMessage]="error()!" class="gap"></nz-alert>
    }
    @for (i of items(); track i.session.id) {
      <nz-card
        nzSize="small"
        class="gap"
        [nzTitle]="title"
        [attr.data-testid]="'area-' + i.session.id"
      >
        <ng-template #title>
          {{ i.session.start }}–{{ i.session.end }} {{ i.session.roomName }} ·
          {{ i.session.purpose }} · {{ i.session.projectId }} {{ i.session.projectName }}
          @if (i.log) {
            <nz-tag nzColor="green">{{ '已记录' | t }} · {{ i.log.loggedByName }}</nz-tag>
          } @else {
            <nz-tag nzColor="orange">{{ '未记录' | t }}</nz-tag>
          }
        </ng-template>
        <div class="items">
          @for (it of itemsOf; track it[0]) {
            <label [for]="i.session.id + '-' + it[0]">{{ it[1] | t }}</label>
            <textarea
              nz-input
              rows="1"
              [id]="i.session.id + '-' + it[0]"
              [(ngModel)]="drafts[i.session.id]![it[0]]"
              [readonly]="!mayWrite()"
              [attr.data-testid]="'a-' + it[0]"
            ></textarea>
          }
        </div>
        @if (mayWrite()) {
          <button nz-button nzType="primary" class="gap" (click)="save(i)" data-testid="a-save">
            {{ '保存' | t }}
          </button>
        }
      </nz-card>
    } @empty {
      <nz-empty [nzNotFoundContent]="'当天没有开评标场次' | t"></nz-empty>
    }
  `,
  styles: `
    .bar {
      display: flex;
      gap: 8px;
      align-items: center;
      margin-bottom: 12px;
    }
    .grow {
      flex: 1;
    }
    .pick {
      width: 170px;
    }
    .gap {
      margin-top: 12px;
    }
    .items {
      display: grid;
      grid-template-columns: 240px 1fr;
      gap: 6px 12px;
      align-items: center;
    }
  `,
})
export class AreaLogPage {
  private readonly http = inject(HttpClient);
  private readonly auth = inject(AuthService);
  readonly itemsOf = ITEMS;
  day = centerToday();
  month = centerToday().slice(0, 7);
  readonly items = signal<Item[]>([]);
  readonly error = signal<string | null>(null);
  drafts: Record<string, Record<string, string>> = {};
  readonly mayWrite = computed(() => {
    const u = this.auth.user();
    return !!u && (u.roles.includes('admin') || u.sections.includes('general'));
  });

  constructor() {
    void this.load();
  }

  async load(): Promise<void> {
    this.error.set(null);
    try {
      const r = await firstValueFrom(
        this.http.get<Day>('/api/area-logs', { params: new HttpParams().set('day', this.day) }),
      );
      this.drafts = Object.fromEntries(
        r.items.map((i) => [
          i.session.id,
          Object.fromEntries(
            ITEMS.map(([k]) => [k, (i.log as Record<string, string | null> | null)?.[k] ?? '']),
          ),
        ]),
      );
      this.items.set(r.items);
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }

  async save(i: Item): Promise<void> {
    this.error.set(null);
    try {
      const body = Object.fromEntries(
        ITEMS.map(([k]) => [k, this.drafts[i.session.id]![k]!.trim() || null]),
      );
      await firstValueFrom(this.http.put(`/api/area-logs/${i.session.id}`, body));
      await this.load();
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }

  async export(format: 'xlsx' | 'pdf'): Promise<void> {
    this.error.set(null);
    try {
      await downloadFile(
        this.http,
        `/api/area-logs/export?month=${this.month}&format=${format}`,
        `表四-开评标区管理记录-${this.month}.${format}`,
      );
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }
}
