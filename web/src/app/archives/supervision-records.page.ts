import { Component, inject, signal } from '@angular/core';
import { DatePipe } from '@angular/common';
import { FormsModule } from '@angular/forms';
import { HttpClient } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzInputNumberModule } from 'ng-zorro-antd/input-number';
import { NzTableModule } from 'ng-zorro-antd/table';
import { chinaDateTime } from '@ggzy/shared';
import { TranslatePipe } from '../core/i18n';
import { downloadCsv } from '../core/csv';
import type { Reply } from '../core/api.types';
import { centerYear } from '../core/dates';

type Row = Reply<'supervisionRecords'>['items'][number];

/**
 * 表六 现场监督执法过程记录 (5.3.3 统一由监督科对接记录): a year's supervision records, numbered in
 * order — when and where, who was present, what was done, the outcome and the files — for
 * supervision, the leaders and admins; exported as a spreadsheet file (CSV, opens in Excel/WPS).
 */
@Component({
  selector: 'app-supervision-records',
  imports: [
    TranslatePipe,
    DatePipe,
    FormsModule,
    NzButtonModule,
    NzInputNumberModule,
    NzTableModule,
  ],
  template: `
    <h2>{{ '现场监督执法过程记录（表六）' | t }}</h2>
    <div class="bar">
      <label for="year">{{ '年度' | t }}</label>
      <nz-input-number
        nzId="year"
        [ngModel]="year()"
        (ngModelChange)="load($event)"
        [nzMin]="2020"
        [nzMax]="2100"
        data-testid="records-year"
      ></nz-input-number>
      <button nz-button (click)="export()" [disabled]="!rows().length" data-testid="records-export">
        {{ '导出' | t }}
      </button>
    </div>
    <nz-table
      [nzData]="rows()"
      nzSize="small"
      [nzPageSize]="50"
      [nzLoading]="loading()"
      #t
      data-testid="records-table"
    >
      <thead>
        <tr>
          <th>{{ '编号' | t }}</th>
          <th>{{ '类别' | t }}</th>
          <th>{{ '申请单位' | t }}</th>
          <th>{{ '监督时间' | t }}</th>
          <th>{{ '地点' | t }}</th>
          <th>{{ '在场人员' | t }}</th>
          <th>{{ '监督措施及过程' | t }}</th>
          <th>{{ '办理结果' | t }}</th>
          <th>{{ '附件' | t }}</th>
        </tr>
      </thead>
      <tbody>
        @for (r of t.data; track r.id) {
          <tr [attr.data-testid]="'record-' + r.recordNo">
            <td>{{ r.recordNo }}</td>
            <td>{{ r.kind }}</td>
            <td>{{ r.unit }}</td>
            <td>{{ r.at ? (r.at | date: 'yyyy-MM-dd HH:mm') : '' }}</td>
            <td>{{ r.place ?? '' }}</td>
            <td>{{ r.present ?? '' }}</td>
            <td>{{ r.measures ?? '' }}</td>
            <td>{{ r.outcome }}</td>
            <td>{{ r.attachments.length }}</td>
          </tr>
        }
      </tbody>
    </nz-table>
  `,
  styles: `
    .bar {
      display: flex;
      gap: 8px;
      align-items: center;
      margin-bottom: 12px;
    }
  `,
})
export class SupervisionRecordsPage {
  private readonly http = inject(HttpClient);
  readonly year = signal(centerYear());
  readonly rows = signal<Row[]>([]);
  readonly loading = signal(false);

  constructor() {
    void this.load(this.year());
  }

  async load(year: number): Promise<void> {
    this.year.set(year);
    this.loading.set(true);
    try {
      const r = await firstValueFrom(
        this.http.get<Reply<'supervisionRecords'>>('/api/records/supervision', {
          params: { year },
        }),
      );
      this.rows.set(r.items);
    } finally {
      this.loading.set(false);
    }
  }

  /** The year's records as a CSV file (UTF-8 with a byte-order mark, so Excel and WPS read the Chinese). */
  export(): void {
    const at = (x: string | null) => (x ? chinaDateTime(new Date(x)) : '');
    const rows = [
      [
        '编号',
        '类别',
        '申请单位',
        '申请事由',
        '监督时间（北京时间）',
        '地点',
        '在场人员',
        '监督措施及过程',
        '办理结果',
        '附件',
        '记录时间（北京时间）',
      ],
      ...this.rows().map((r) => [
        r.recordNo,
        r.kind,
        r.unit,
        r.summary,
        at(r.at),
        r.place ?? '',
        r.present ?? '',
        r.measures ?? '',
        r.outcome,
        r.attachments.map((a) => a.filename).join('；'),
        at(r.recordedAt),
      ]),
    ];
    downloadCsv(`表六-现场监督执法过程记录-${this.year()}.csv`, rows);
  }
}
