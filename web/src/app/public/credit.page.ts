import { Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { HttpClient, HttpParams } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { NzTabsModule } from 'ng-zorro-antd/tabs';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzCollapseModule } from 'ng-zorro-antd/collapse';
import { NzEmptyModule } from 'ng-zorro-antd/empty';
import { apiError } from '../core/api.service';
import type { Reply } from '../core/api.types';

type Credit = Reply<'creditDisclosure'>;
type Bulletins = Reply<'publicBulletins'>;

/**
 * 信用信息公开 (6.4, public): the irregular acts of market entities, agents and experts in the
 * months whose bulletin the leaders approved — nothing else — and the monthly bulletins published.
 */
@Component({
  selector: 'app-credit',
  imports: [
    FormsModule,
    NzTableModule,
    NzSelectModule,
    NzTabsModule,
    NzAlertModule,
    NzCollapseModule,
    NzEmptyModule,
  ],
  template: `
    <main class="page">
      <h1>湘西州公共资源交易中心 · 信用信息与月度通报</h1>
      @if (error()) {
        <nz-alert nzType="error" [nzMessage]="error()!"></nz-alert>
      }
      <nz-tabs>
        <nz-tab nzTitle="不良行为公开">
          @if (credit(); as c) {
            @if (c.months.length) {
              <label for="credit-month" class="lbl">月份</label>
              <nz-select
                nzId="credit-month"
                [ngModel]="c.month"
                (ngModelChange)="load($event)"
                class="month"
                data-testid="credit-month"
              >
                @for (m of c.months; track m.month) {
                  <nz-option
                    [nzValue]="m.month"
                    [nzLabel]="m.month + '（' + m.count + ' 条）'"
                  ></nz-option>
                }
              </nz-select>
              <nz-table
                [nzData]="c.items"
                nzSize="small"
                [nzShowPagination]="false"
                [nzScroll]="{ x: '720px' }"
                data-testid="credit-table"
              >
                <thead>
                  <tr>
                    <th>主体类别</th>
                    <th>主体名称</th>
                    <th>项目编号</th>
                    <th>不良行为</th>
                    <th>处理结果</th>
                    <th>认定日期</th>
                  </tr>
                </thead>
                <tbody>
                  @for (i of c.items; track $index) {
                    <tr>
                      <td>{{ i.subjectKind }}</td>
                      <td>{{ i.subject }}</td>
                      <td>{{ i.projectId }}</td>
                      <td>{{ i.act }}</td>
                      <td>{{ i.penalty }}</td>
                      <td>{{ i.decidedOn }}</td>
                    </tr>
                  }
                </tbody>
              </nz-table>
            } @else {
              <nz-empty
                nzNotFoundContent="尚无已公开的不良行为记录"
                data-testid="credit-empty"
              ></nz-empty>
            }
          }
        </nz-tab>
        <nz-tab nzTitle="月度通报">
          @if (bulletins()?.items?.length) {
            <nz-collapse data-testid="bulletins">
              @for (b of bulletins()!.items; track b.kind + b.month) {
                <nz-collapse-panel [nzHeader]="b.title">
                  <pre class="text">{{ b.text }}</pre>
                </nz-collapse-panel>
              }
            </nz-collapse>
          } @else {
            <nz-empty nzNotFoundContent="尚无已公开的月度通报"></nz-empty>
          }
        </nz-tab>
      </nz-tabs>
    </main>
  `,
  styles: `
    .page {
      max-width: 1100px;
      margin: 0 auto;
      padding: 16px;
    }
    h1 {
      font-size: 20px;
    }
    .lbl {
      margin-right: 8px;
    }
    .month {
      width: 200px;
      margin-bottom: 12px;
    }
    .text {
      white-space: pre-wrap;
      font-family: inherit;
    }
  `,
})
export class CreditPage {
  private readonly http = inject(HttpClient);
  readonly credit = signal<Credit | null>(null);
  readonly bulletins = signal<Bulletins | null>(null);
  readonly error = signal<string | null>(null);

  constructor() {
    void this.load();
    void firstValueFrom(this.http.get<Bulletins>('/api/public/bulletins'))
      .then((b) => this.bulletins.set(b))
      .catch((err: unknown) => this.error.set(apiError(err).message));
  }

  async load(month?: string): Promise<void> {
    try {
      const params = month ? new HttpParams().set('month', month) : undefined;
      this.credit.set(
        await firstValueFrom(this.http.get<Credit>('/api/public/credit', { params })),
      );
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }
}
