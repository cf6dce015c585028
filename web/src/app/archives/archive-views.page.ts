import { Component, computed, inject, signal } from '@angular/core';
import { DatePipe } from '@angular/common';
import { FormsModule } from '@angular/forms';
import { HttpClient } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { NzTableModule } from 'ng-zorro-antd/table';
import { chinaDateTime } from '@ggzy/shared';
import { TranslatePipe } from '../core/i18n';
import { downloadCsv } from '../core/csv';
import type { Reply } from '../core/api.types';

type View = Reply<'archiveViews'>['items'][number];

/**
 * 调阅记录 (6.5.3 调阅全程留痕): for supervision, the leaders and admins — who read an archive,
 * when, and from where; exported as a spreadsheet file (CSV, opens in Excel/WPS).
 */
@Component({
  selector: 'app-archive-views',
  imports: [TranslatePipe, DatePipe, FormsModule, NzButtonModule, NzSelectModule, NzTableModule],
  template: `
    <h2>{{ '档案调阅记录' | t }}</h2>
    <div class="bar">
      <label for="archive">{{ '档案' | t }}</label>
      <nz-select
        nzId="archive"
        class="pick"
        [ngModel]="archiveId()"
        (ngModelChange)="pick($event)"
        [nzPlaceHolder]="'选择档案' | t"
        nzShowSearch
        data-testid="views-archive"
      >
        @for (a of archives(); track a.id) {
          <nz-option [nzValue]="a.id" [nzLabel]="a.id + ' ' + a.title"></nz-option>
        }
      </nz-select>
      <button nz-button (click)="export()" [disabled]="!views().length" data-testid="views-export">
        {{ '导出' | t }}
      </button>
    </div>
    <nz-table
      [nzData]="views()"
      nzSize="small"
      [nzPageSize]="50"
      [nzLoading]="loading()"
      #t
      data-testid="views-table"
    >
      <thead>
        <tr>
          <th>{{ '调阅时间' | t }}</th>
          <th>{{ '调阅人' | t }}</th>
          <th>{{ '来源地址' | t }}</th>
          <th>{{ '授权' | t }}</th>
        </tr>
      </thead>
      <tbody>
        @for (v of t.data; track v.id) {
          <tr [attr.data-testid]="'view-' + v.borrower">
            <td>{{ v.at | date: 'yyyy-MM-dd HH:mm:ss' }}</td>
            <td>{{ who(v) }}</td>
            <td>{{ v.ip ?? '' }}</td>
            <td>{{ v.grantId }}</td>
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
    .pick {
      width: min(480px, 70vw);
    }
  `,
})
export class ArchiveViewsPage {
  private readonly http = inject(HttpClient);
  readonly archives = signal<Reply<'archives'>['items']>([]);
  readonly archiveId = signal<string | null>(null);
  readonly views = signal<View[]>([]);
  readonly loading = signal(false);
  readonly who = (v: View) =>
    `${v.borrowerName ? `${v.borrowerName}（${v.borrower}）` : v.borrower}${v.borrowerUnit ? ` ${v.borrowerUnit}` : ''}`;
  readonly title = computed(
    () => this.archives().find((a) => a.id === this.archiveId())?.title ?? '',
  );

  constructor() {
    void firstValueFrom(this.http.get<Reply<'archives'>>('/api/archives')).then((r) =>
      this.archives.set(r.items),
    );
  }

  async pick(id: string): Promise<void> {
    this.archiveId.set(id);
    this.loading.set(true);
    try {
      const r = await firstValueFrom(
        this.http.get<Reply<'archiveViews'>>(`/api/archives/${encodeURIComponent(id)}/views`),
      );
      this.views.set(r.items);
    } finally {
      this.loading.set(false);
    }
  }

  /** The list as a CSV file (UTF-8 with a byte-order mark, so Excel and WPS read the Chinese). */
  export(): void {
    const rows = [
      ['档案', '调阅时间（北京时间）', '调阅人', '来源地址', '授权'],
      ...this.views().map((v) => [
        this.archiveId() ?? '',
        chinaDateTime(new Date(v.at)),
        this.who(v),
        v.ip ?? '',
        v.grantId,
      ]),
    ];
    downloadCsv(`调阅记录-${this.archiveId()}.csv`, rows);
  }
}
