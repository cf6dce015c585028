import { Component, inject, input, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { HttpClient } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { NzCardModule } from 'ng-zorro-antd/card';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { apiError } from '../core/api.service';
import type { Reply } from '../core/api.types';

type Status = Reply<'complaintStatus'>;

const KINDS: Record<string, string> = { complaint: '投诉', suggestion: '建议', report: '举报' };

/**
 * 投诉、建议查询 (public, no account): the complainant types the query code they were given and
 * reads what they wrote, whether it is answered, and the reply the leaders approved.
 */
@Component({
  selector: 'app-complaint-status',
  imports: [FormsModule, NzCardModule, NzInputModule, NzButtonModule, NzAlertModule, NzTagModule],
  template: `
    <main class="page">
      <h1>湘西州公共资源交易中心 · 投诉、建议查询</h1>
      <form class="bar" (ngSubmit)="look()">
        <label for="code">查询码</label>
        <input
          nz-input
          id="code"
          name="code"
          [(ngModel)]="typed"
          maxlength="10"
          autocomplete="off"
          data-testid="complaint-code"
        />
        <button nz-button nzType="primary" type="submit" data-testid="complaint-look">查询</button>
      </form>
      @if (error()) {
        <nz-alert nzType="error" [nzMessage]="error()!" data-testid="complaint-error"></nz-alert>
      }
      @if (status(); as s) {
        <nz-card [nzTitle]="s.title" data-testid="complaint-status">
          <p>
            <nz-tag>{{ kinds[s.kind] }}</nz-tag>
            @if (s.status === 'replied') {
              <nz-tag nzColor="green">已答复</nz-tag>
            } @else {
              <nz-tag nzColor="orange">办理中</nz-tag>
            }
            登记于 {{ beijing(s.submittedAt) }}
          </p>
          <h2>您反映的内容</h2>
          <p class="text">{{ s.content }}</p>
          @if (s.reply) {
            <h2>答复（{{ beijing(s.repliedAt!) }}）</h2>
            <p class="text" data-testid="complaint-reply">{{ s.reply }}</p>
          } @else {
            <p>答复经分管领导审阅、主要领导同意后在此公布，请稍后再查。</p>
          }
        </nz-card>
      }
    </main>
  `,
  styles: `
    .page {
      max-width: 720px;
      margin: 0 auto;
      padding: 16px;
    }
    h1 {
      font-size: 20px;
    }
    h2 {
      font-size: 16px;
      margin-top: 16px;
    }
    .bar {
      display: flex;
      gap: 8px;
      align-items: center;
      margin-bottom: 16px;
    }
    .bar input {
      max-width: 200px;
      text-transform: uppercase;
    }
    .text {
      white-space: pre-wrap;
    }
  `,
})
export class ComplaintStatusPage {
  private readonly http = inject(HttpClient);
  /** `?code=` from a link or the printed slip. */
  readonly code = input<string>();
  readonly kinds = KINDS;
  readonly status = signal<Status | null>(null);
  readonly error = signal<string | null>(null);
  typed = '';

  constructor() {
    queueMicrotask(() => {
      const c = this.code();
      if (c) {
        this.typed = c;
        void this.look();
      }
    });
  }

  beijing(iso: string): string {
    return new Date(iso).toLocaleString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });
  }

  async look(): Promise<void> {
    this.error.set(null);
    this.status.set(null);
    const code = this.typed.trim().toUpperCase();
    if (!/^[A-Z0-9]{10}$/.test(code)) {
      this.error.set('查询码是 10 位字母和数字');
      return;
    }
    try {
      this.status.set(
        await firstValueFrom(this.http.get<Status>(`/api/public/complaints/${code}`)),
      );
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }
}
