import { Component, inject, signal } from '@angular/core';
import { DatePipe } from '@angular/common';
import { HttpClient } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { CHANNEL_NAMES, NOTIFICATION_CHANNELS, type NotificationChannel } from '@ggzy/shared';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzPopconfirmModule } from 'ng-zorro-antd/popconfirm';
import { I18nService, TranslatePipe } from '../core/i18n';
import { apiError } from '../core/api.service';
import type { Reply } from '../core/api.types';

type Deliveries = Reply<'deliveries'>;

/**
 * 通知发送 (admins): which channels beyond the app are configured, and every message waiting to go
 * out or failed — its tries, the next one, the last error — with sending a failed one again or
 * giving it up (the notice stays in the app).
 */
@Component({
  selector: 'app-deliveries',
  imports: [
    TranslatePipe,
    DatePipe,
    NzButtonModule,
    NzTableModule,
    NzTagModule,
    NzAlertModule,
    NzPopconfirmModule,
  ],
  template: `
    <div class="bar">
      <h2>{{ '通知发送' | t }}</h2>
      @for (c of channels; track c) {
        <nz-tag [nzColor]="d()?.available?.[c] ? 'green' : 'default'" [attr.data-channel]="c">
          {{ channelName(c) | t }}：{{ (d()?.available?.[c] ? '已配置' : '未配置') | t }}
        </nz-tag>
      }
      <span class="grow"></span>
      <button nz-button (click)="load()" data-testid="refresh">{{ '刷新' | t }}</button>
    </div>
    @if (error()) {
      <nz-alert nzType="error" [nzMessage]="error()!" nzShowIcon></nz-alert>
    }
    <nz-table
      [nzData]="d()?.items ?? []"
      nzSize="small"
      [nzPageSize]="50"
      [nzNoResult]="'没有待发送或失败的通知' | t"
      data-testid="deliveries"
    >
      <thead>
        <tr>
          <th>{{ '状态' | t }}</th>
          <th>{{ '渠道' | t }}</th>
          <th>{{ '发往' | t }}</th>
          <th>{{ '标题' | t }}</th>
          <th>{{ '已尝试' | t }}</th>
          <th>{{ '下次尝试' | t }}</th>
          <th>{{ '最近错误' | t }}</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        @for (x of d()?.items ?? []; track x.id) {
          <tr [attr.data-status]="x.status">
            <td>
              <nz-tag [nzColor]="x.status === 'failed' ? 'red' : 'orange'">{{
                (x.status === 'failed' ? '发送失败' : '等待发送') | t
              }}</nz-tag>
            </td>
            <td>{{ channelName(x.channel) | t }}</td>
            <td>
              {{ x.to }}<br /><small>{{ x.userIds.join('、') }}</small>
            </td>
            <td>{{ x.title }}</td>
            <td>{{ x.attempts }} / {{ d()!.maxAttempts }}</td>
            <td>{{ x.status === 'failed' ? '—' : (x.nextAt | date: 'MM-dd HH:mm:ss') }}</td>
            <td class="err">{{ x.lastError }}</td>
            <td>
              <button nz-button nzSize="small" (click)="retry(x.id)" data-testid="retry">
                {{ '重新发送' | t }}
              </button>
              <button
                nz-button
                nzSize="small"
                nzDanger
                nz-popconfirm
                [nzPopconfirmTitle]="'放弃发送这条通知？（系统内的通知仍在）' | t"
                (nzOnConfirm)="dismiss(x.id)"
                data-testid="dismiss"
              >
                {{ '放弃' | t }}
              </button>
            </td>
          </tr>
        }
      </tbody>
    </nz-table>
  `,
  styles: `
    .bar {
      display: flex;
      align-items: center;
      gap: 8px;
      margin-bottom: 12px;
      flex-wrap: wrap;
    }
    .bar h2 {
      margin: 0 12px 0 0;
    }
    .grow {
      flex: 1;
    }
    .err {
      max-width: 320px;
      color: #a8071a;
      word-break: break-all;
    }
  `,
})
export class DeliveriesPage {
  private readonly http = inject(HttpClient);
  private readonly i18n = inject(I18nService);
  readonly channels = NOTIFICATION_CHANNELS;
  readonly d = signal<Deliveries | null>(null);
  readonly error = signal<string | null>(null);

  constructor() {
    void this.load();
  }

  channelName(c: NotificationChannel): string {
    return CHANNEL_NAMES[c];
  }

  async load(): Promise<void> {
    try {
      this.d.set(await firstValueFrom(this.http.get<Deliveries>('/api/admin/deliveries')));
      this.error.set(null);
    } catch (err) {
      this.error.set(this.i18n.message(apiError(err)));
    }
  }

  async dismiss(id: string): Promise<void> {
    try {
      await firstValueFrom(
        this.http.post(`/api/admin/deliveries/${encodeURIComponent(id)}/dismiss`, {}),
      );
    } catch (err) {
      this.error.set(this.i18n.message(apiError(err)));
    }
    await this.load();
  }

  async retry(id: string): Promise<void> {
    try {
      await firstValueFrom(
        this.http.post(`/api/admin/deliveries/${encodeURIComponent(id)}/retry`, {}),
      );
    } catch (err) {
      this.error.set(this.i18n.message(apiError(err)));
    }
    await this.load();
  }
}
