import { TranslatePipe } from '../core/i18n';
import { Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { HttpClient } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { NzCardModule } from 'ng-zorro-antd/card';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { apiError } from '../core/api.service';
import type { Reply } from '../core/api.types';
import { centerYear } from '../core/dates';

type Day = Reply<'calendar'>['days'][number];

/** 工作日历: the year's holidays and make-up workdays; admins add the next year's or a local closure. */
@Component({
  selector: 'app-calendar',
  imports: [
    TranslatePipe,
    FormsModule,
    NzTableModule,
    NzTagModule,
    NzButtonModule,
    NzInputModule,
    NzSelectModule,
    NzCardModule,
    NzAlertModule,
  ],
  template: `
    <h2>{{ '工作日历' | t }}</h2>
    <p class="muted">
      办理时限按工作日计算：法定节假日与调休来自国务院办公厅安排，管理员可在此补充或调整。
    </p>
    <div class="row">
      <button nz-button (click)="go(-1)" [attr.aria-label]="'上一年' | t">‹</button>
      <strong data-testid="year">{{ year() }} 年</strong>
      <button nz-button (click)="go(1)" [attr.aria-label]="'下一年' | t">›</button>
    </div>
    <nz-card nzSize="small" [nzTitle]="'调整某日' | t" class="gap">
      <div class="row">
        <input
          nz-input
          type="date"
          [(ngModel)]="date"
          [attr.aria-label]="'日期' | t"
          data-testid="cal-date"
        />
        <label class="sr-only" for="calendar-type">{{ '安排' | t }}</label>
        <nz-select nzId="calendar-type" [(ngModel)]="type" class="type">
          <nz-option nzValue="holiday" nzLabel="放假"></nz-option>
          <nz-option nzValue="workday" nzLabel="上班"></nz-option>
          <nz-option nzValue="official" nzLabel="恢复法定安排"></nz-option>
        </nz-select>
        <input nz-input [(ngModel)]="name" placeholder="名称，如：春节" data-testid="cal-name" />
        <button
          nz-button
          nzType="primary"
          (click)="save()"
          [disabled]="!date"
          data-testid="cal-save"
        >
          {{ '保存' | t }}
        </button>
      </div>
    </nz-card>
    @if (error()) {
      <nz-alert nzType="error" [nzMessage]="error()!" class="gap"></nz-alert>
    }
    <nz-table [nzData]="days()" nzSize="small" [nzPageSize]="100" #t>
      <thead>
        <tr>
          <th>{{ '日期' | t }}</th>
          <th>{{ '安排' | t }}</th>
          <th>{{ '名称' | t }}</th>
          <th>{{ '来源' | t }}</th>
        </tr>
      </thead>
      <tbody>
        @for (d of t.data; track d.date) {
          <tr [attr.data-testid]="'day-' + d.date">
            <td>{{ d.date }}</td>
            <td>
              <nz-tag [nzColor]="d.workday ? 'blue' : 'red'">{{
                d.workday ? '上班' : '放假'
              }}</nz-tag>
            </td>
            <td>{{ d.name }}</td>
            <td>{{ d.source === 'override' ? '管理员调整' : '法定安排' }}</td>
          </tr>
        }
      </tbody>
    </nz-table>
  `,
  styles: `
    .muted {
      color: #595959;
    }
    .row {
      display: flex;
      gap: 8px;
      align-items: center;
      flex-wrap: wrap;
    }
    .row input {
      width: 180px;
    }
    .type {
      width: 160px;
    }
    .gap {
      margin: 12px 0;
    }
  `,
})
export class CalendarPage {
  private readonly http = inject(HttpClient);
  readonly year = signal(centerYear());
  readonly days = signal<Day[]>([]);
  readonly error = signal<string | null>(null);
  date = '';
  type: 'holiday' | 'workday' | 'official' = 'holiday';
  name = '';

  constructor() {
    void this.load();
  }

  go(delta: number): void {
    this.year.update((y) => y + delta);
    void this.load();
  }

  async load(): Promise<void> {
    this.days.set(
      (await firstValueFrom(this.http.get<{ days: Day[] }>(`/api/calendar?year=${this.year()}`)))
        .days,
    );
  }

  async save(): Promise<void> {
    this.error.set(null);
    try {
      await firstValueFrom(
        this.http.put(`/api/calendar/${this.date}`, { type: this.type, name: this.name }),
      );
      this.year.set(Number(this.date.slice(0, 4)));
      await this.load();
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }
}
