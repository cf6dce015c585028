import { Component, inject, signal } from '@angular/core';
import { DatePipe } from '@angular/common';
import { FormsModule } from '@angular/forms';
import { HttpClient, HttpParams } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzInputNumberModule } from 'ng-zorro-antd/input-number';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzTabsModule } from 'ng-zorro-antd/tabs';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { TranslatePipe } from '../core/i18n';
import { apiError } from '../core/api.service';
import { downloadFile } from '../core/download';
import type { Reply } from '../core/api.types';
import { centerYear } from '../core/dates';

type Data = Reply<'dispatches'>;
type Dispatch = Data['items'][number];

/**
 * 要情专报印发记录 (3.2.5): the year's issued reports with their 文号, 主送 and 抄送, each downloadable as
 * the official document (Word, PDF); and the monthly compilations. A classified report outside the
 * reader's circle shows its number and date only.
 */
@Component({
  selector: 'app-dispatches',
  imports: [
    TranslatePipe,
    DatePipe,
    FormsModule,
    NzButtonModule,
    NzInputNumberModule,
    NzTableModule,
    NzTabsModule,
    NzAlertModule,
    NzTagModule,
  ],
  template: `
    <h2>{{ '要情专报印发记录' | t }}</h2>
    <div class="bar">
      <label for="d-year">{{ '年度' | t }}</label>
      <nz-input-number
        nzId="d-year"
        [(ngModel)]="year"
        [nzMin]="2020"
        [nzMax]="2100"
        (ngModelChange)="load()"
      ></nz-input-number>
    </div>
    @if (error()) {
      <nz-alert nzType="error" [nzMessage]="error()!" class="gap"></nz-alert>
    }
    <nz-tabs>
      <nz-tab [nzTitle]="'印发记录' | t">
        <nz-table
          [nzData]="data()?.items ?? []"
          nzSize="small"
          [nzPageSize]="50"
          data-testid="dispatch-table"
        >
          <thead>
            <tr>
              <th>{{ '文号' | t }}</th>
              <th>{{ '标题' | t }}</th>
              <th>{{ '主送' | t }}</th>
              <th>{{ '抄送' | t }}</th>
              <th>{{ '印发时间' | t }}</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            @for (d of data()?.items ?? []; track d.id) {
              <tr [attr.data-testid]="'dispatch-' + d.id">
                <td>{{ d.dispatchNo }}</td>
                <td>
                  {{ d.title }}
                  @if (d.hidden) {
                    <nz-tag>{{ '保密' | t }}</nz-tag>
                  }
                </td>
                <td>{{ d.recipients.join('、') }}</td>
                <td>{{ d.copyTo.join('、') }}</td>
                <td>{{ d.dispatchedAt | date: 'yyyy-MM-dd HH:mm' : '+0800' }}</td>
                <td class="acts">
                  @if (!d.hidden) {
                    <button
                      nz-button
                      nzSize="small"
                      (click)="download(d, 'docx')"
                      data-testid="dispatch-docx"
                    >
                      Word
                    </button>
                    <button nz-button nzSize="small" (click)="download(d, 'pdf')">PDF</button>
                  }
                </td>
              </tr>
            }
          </tbody>
        </nz-table>
      </nz-tab>
      <nz-tab [nzTitle]="'月度汇总' | t">
        <nz-table
          [nzData]="data()?.compilations ?? []"
          nzSize="small"
          [nzShowPagination]="false"
          data-testid="compilation-table"
        >
          <thead>
            <tr>
              <th>{{ '月份' | t }}</th>
              <th>{{ '件数' | t }}</th>
              <th>{{ '标题' | t }}</th>
              <th>{{ '汇总时间' | t }}</th>
            </tr>
          </thead>
          <tbody>
            @for (c of data()?.compilations ?? []; track c.month) {
              <tr>
                <td>{{ c.month }}</td>
                <td>{{ c.count }}</td>
                <td>{{ c.titles.join('；') }}</td>
                <td>{{ c.compiledAt | date: 'yyyy-MM-dd HH:mm' : '+0800' }}</td>
              </tr>
            }
          </tbody>
        </nz-table>
      </nz-tab>
    </nz-tabs>
  `,
  styles: `
    .bar {
      display: flex;
      gap: 8px;
      align-items: center;
      margin-bottom: 12px;
    }
    .acts button + button {
      margin-left: 4px;
    }
    .gap {
      margin-bottom: 12px;
    }
  `,
})
export class DispatchesPage {
  private readonly http = inject(HttpClient);
  readonly data = signal<Data | null>(null);
  readonly error = signal<string | null>(null);
  year = centerYear();

  constructor() {
    void this.load();
  }

  async load(): Promise<void> {
    this.error.set(null);
    try {
      this.data.set(
        await firstValueFrom(
          this.http.get<Data>('/api/dispatches', {
            params: new HttpParams().set('year', this.year),
          }),
        ),
      );
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }

  async download(d: Dispatch, format: 'docx' | 'pdf'): Promise<void> {
    try {
      await downloadFile(
        this.http,
        `/api/dispatches/${encodeURIComponent(d.id)}/document?format=${format}`,
        `${d.dispatchNo}${d.title}.${format}`,
      );
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }
}
