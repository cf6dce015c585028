import { TranslatePipe } from '../core/i18n';
import { Component, inject, signal } from '@angular/core';
import { DatePipe } from '@angular/common';
import { HttpClient } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzDescriptionsModule } from 'ng-zorro-antd/descriptions';
import { apiError } from '../core/api.service';
import type { Reply } from '../core/api.types';

type Verify = Reply<'verifyAudit'>;
type Event = Reply<'audit'>['items'][number];

/**
 * 审计: the audit trail, newest first, and its verification: the hash chain walked whole and held
 * to the checkpoints signed outside the database (a cut end or a chain rewritten whole shows).
 */
@Component({
  selector: 'app-audit',
  imports: [
    TranslatePipe,
    DatePipe,
    NzTableModule,
    NzButtonModule,
    NzAlertModule,
    NzDescriptionsModule,
  ],
  template: `
    <h2>{{ '审计' | t }}</h2>
    <p class="muted">
      {{
        '每条记录都串在哈希链上，并定期由数据库之外保管的密钥签名存证；校验会走完整条链并与存证核对。'
          | t
      }}
    </p>
    <button
      nz-button
      nzType="primary"
      (click)="verify()"
      [nzLoading]="checking()"
      data-testid="audit-verify"
    >
      {{ '校验审计链' | t }}
    </button>
    @if (result(); as r) {
      <nz-alert
        class="gap"
        [nzType]="r.ok ? 'success' : 'error'"
        [nzMessage]="(r.ok ? '审计链完整' : '审计链被破坏') | t"
        [nzDescription]="
          r.ok ? null : (r.reason ?? '') + (r.brokenAt ? ' (#' + r.brokenAt + ')' : '')
        "
        nzShowIcon
        data-testid="audit-result"
      ></nz-alert>
      <nz-descriptions nzBordered nzSize="small" [nzColumn]="2" class="gap">
        <nz-descriptions-item [nzTitle]="'记录数' | t">{{ r.count }}</nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'哈希算法' | t">{{
          r.algorithm === 'sm3' ? 'SM3 (GB/T 32905)' : 'SHA-256'
        }}</nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'签名存证' | t">
          {{ r.anchored ? r.checkpoints + ' ' + ('条' | t) : ('未启用' | t) }}
        </nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'最近吻合的存证' | t">
          @if (r.lastCheckpoint; as c) {
            #{{ c.seq }} · {{ c.at | date: 'yyyy-MM-dd HH:mm:ss' }}
          } @else {
            —
          }
        </nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'链头哈希' | t" [nzSpan]="2"
          ><code>{{ r.headHash }}</code></nz-descriptions-item
        >
      </nz-descriptions>
    }
    @if (error()) {
      <nz-alert class="gap" nzType="error" [nzMessage]="error()" nzShowIcon></nz-alert>
    }
    <nz-table
      class="gap"
      [nzData]="events()"
      nzSize="small"
      [nzFrontPagination]="false"
      [nzTotal]="total()"
      [nzPageIndex]="page()"
      [nzPageSize]="20"
      (nzPageIndexChange)="load($event)"
      #t
    >
      <thead>
        <tr>
          <th>#</th>
          <th>{{ '时间' | t }}</th>
          <th>{{ '操作人' | t }}</th>
          <th>{{ '动作' | t }}</th>
          <th>{{ '流程实例' | t }}</th>
          <th>{{ '哈希' | t }}</th>
        </tr>
      </thead>
      <tbody>
        @for (e of t.data; track e.seq) {
          <tr>
            <td>{{ e.seq }}</td>
            <td>{{ e.at | date: 'yyyy-MM-dd HH:mm:ss' }}</td>
            <td>{{ e.actor }}</td>
            <td>
              <code>{{ e.action }}</code>
            </td>
            <td>{{ e.instanceId ?? '—' }}</td>
            <td>
              <code [title]="e.hash">{{ e.hash.slice(0, 12) }}…</code>
            </td>
          </tr>
        }
      </tbody>
    </nz-table>
  `,
})
export class AuditPage {
  private readonly http = inject(HttpClient);
  readonly result = signal<Verify | null>(null);
  readonly checking = signal(false);
  readonly error = signal('');
  readonly events = signal<Event[]>([]);
  readonly total = signal(0);
  readonly page = signal(1);

  constructor() {
    void this.load(1);
  }

  async load(page: number): Promise<void> {
    try {
      const r = await firstValueFrom(
        this.http.get<Reply<'audit'>>(`/api/audit?page=${page}&pageSize=20`),
      );
      this.events.set(r.items);
      this.total.set(r.total);
      this.page.set(page);
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }

  async verify(): Promise<void> {
    this.checking.set(true);
    this.error.set('');
    try {
      this.result.set(await firstValueFrom(this.http.get<Verify>('/api/audit/verify')));
    } catch (err) {
      this.error.set(apiError(err).message);
    } finally {
      this.checking.set(false);
    }
  }
}
