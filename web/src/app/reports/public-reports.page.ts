import { Component, effect, inject, input, signal } from '@angular/core';
import { DatePipe } from '@angular/common';
import { HttpClient } from '@angular/common/http';
import { RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { NzListModule } from 'ng-zorro-antd/list';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzEmptyModule } from 'ng-zorro-antd/empty';
import { apiError } from '../core/api.service';
import type { Reply } from '../core/api.types';

type Item = Reply<'publicReports'>['items'][number];
interface Content {
  background?: string;
  development?: string;
  handling?: string;
}

/**
 * 要情专报公开 (public, no account): the reports the leaders published, newest first, and each one's
 * full text at its own address (`/reports/:id`), which the center's portal links to.
 */
@Component({
  selector: 'app-public-reports',
  imports: [DatePipe, RouterLink, NzListModule, NzAlertModule, NzEmptyModule],
  template: `
    <main class="page">
      <h1>湘西州公共资源交易中心 · 要情专报公开</h1>
      @if (error()) {
        <nz-alert nzType="error" [nzMessage]="error()!"></nz-alert>
      }
      @if (id()) {
        @if (report(); as r) {
          <article data-testid="report-detail">
            <p><a routerLink="/reports">← 全部专报</a></p>
            <h2>{{ r.title }}</h2>
            <p class="muted">公开于 {{ r.publishedAt | date: 'yyyy-MM-dd HH:mm' : '+0800' }}</p>
            @for (part of parts(r); track part[0]) {
              <h3>{{ part[0] }}</h3>
              <p class="text">{{ part[1] }}</p>
            }
          </article>
        }
      } @else if (items().length) {
        <nz-list nzBordered data-testid="report-list">
          @for (i of items(); track i.id) {
            <nz-list-item>
              <a [routerLink]="['/reports', i.id]">{{ i.title }}</a>
              <span class="muted">{{ i.publishedAt | date: 'yyyy-MM-dd' : '+0800' }}</span>
            </nz-list-item>
          }
        </nz-list>
      } @else {
        <nz-empty nzNotFoundContent="尚无公开的要情专报"></nz-empty>
      }
    </main>
  `,
  styles: `
    .page {
      max-width: 880px;
      margin: 0 auto;
      padding: 16px;
    }
    h1 {
      font-size: 20px;
    }
    .muted {
      color: #595959;
    }
    .text {
      white-space: pre-wrap;
    }
  `,
})
export class PublicReportsPage {
  private readonly http = inject(HttpClient);
  readonly id = input<string>();
  readonly items = signal<Item[]>([]);
  readonly report = signal<Item | null>(null);
  readonly error = signal<string | null>(null);

  constructor() {
    effect(() => {
      const id = this.id();
      this.error.set(null);
      if (id)
        void firstValueFrom(
          this.http.get<Item>(`/api/public/special-reports/${encodeURIComponent(id)}`),
        )
          .then((r) => this.report.set(r))
          .catch((err: unknown) => this.error.set(apiError(err).message));
      else
        void firstValueFrom(this.http.get<Reply<'publicReports'>>('/api/public/special-reports'))
          .then((r) => this.items.set(r.items))
          .catch((err: unknown) => this.error.set(apiError(err).message));
    });
  }

  parts(r: Item): [string, string][] {
    const c = (r.content ?? {}) as Content;
    return (
      [
        ['基本情况', c.background],
        ['事态发展', c.development],
        ['处置情况', c.handling],
      ] as [string, string | undefined][]
    ).filter((p): p is [string, string] => !!p[1]);
  }
}
