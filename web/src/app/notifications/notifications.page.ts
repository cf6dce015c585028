import { Component, computed, inject, signal } from '@angular/core';
import { DatePipe } from '@angular/common';
import { FormsModule } from '@angular/forms';
import { HttpClient, HttpParams } from '@angular/common/http';
import { Router, RouterLink } from '@angular/router';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { firstValueFrom } from 'rxjs';
import { NOTIFICATION_CATEGORIES } from '@ggzy/shared';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzBadgeModule } from 'ng-zorro-antd/badge';
import { NzSwitchModule } from 'ng-zorro-antd/switch';
import { NzPaginationModule } from 'ng-zorro-antd/pagination';
import { NzEmptyModule } from 'ng-zorro-antd/empty';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { NzRadioModule } from 'ng-zorro-antd/radio';
import { I18nService, TranslatePipe } from '../core/i18n';
import { apiError } from '../core/api.service';
import { LiveEvents } from '../core/live-events.service';
import { NotificationCounts } from './notification-counts.service';
import type { NotificationDto, Reply } from '../core/api.types';

const PAGE = 20;

/**
 * 通知中心: every notice of the signed-in person, newest first; by category (催办, 督办, 待办 …)
 * with the unread count of each, unread only, pages; opening one marks it read and goes to its
 * step; new ones arrive live.
 */
@Component({
  selector: 'app-notifications',
  imports: [
    TranslatePipe,
    DatePipe,
    FormsModule,
    RouterLink,
    NzButtonModule,
    NzBadgeModule,
    NzSwitchModule,
    NzPaginationModule,
    NzEmptyModule,
    NzAlertModule,
    NzTagModule,
    NzRadioModule,
  ],
  template: `
    <div class="bar">
      <h2>{{ '通知中心' | t }}</h2>
      <span class="grow"></span>
      <label class="only">
        <nz-switch
          [(ngModel)]="unreadOnly"
          (ngModelChange)="go(1)"
          data-testid="unread-only"
        ></nz-switch>
        {{ '只看未读' | t }}
      </label>
      <button
        nz-button
        (click)="readAll()"
        [disabled]="counts.unread() === 0"
        data-testid="centre-read-all"
      >
        {{ '全部标为已读' | t }}
      </button>
      <a nz-button nzType="link" routerLink="/settings/notifications" data-testid="to-settings">{{
        '通知方式' | t
      }}</a>
    </div>
    <nz-radio-group
      [(ngModel)]="category"
      (ngModelChange)="go(1)"
      nzButtonStyle="solid"
      class="cats"
      data-testid="categories"
    >
      <label nz-radio-button nzValue="">
        {{ '全部' | t }}
        @if (counts.unread()) {
          <nz-badge nzStandalone nzSize="small" [nzCount]="counts.unread()"></nz-badge>
        }
      </label>
      @for (c of categories; track c.code) {
        <label nz-radio-button [nzValue]="c.code" [attr.data-category]="c.code">
          {{ c.name | t }}
          @if (unreadBy()[c.code]) {
            <nz-badge nzStandalone nzSize="small" [nzCount]="unreadBy()[c.code]"></nz-badge>
          }
        </label>
      }
    </nz-radio-group>
    @if (error()) {
      <nz-alert nzType="error" [nzMessage]="error()!" nzShowIcon></nz-alert>
    }
    <ul class="list" data-testid="centre-list">
      @for (n of items(); track n.id) {
        <li [class.unread]="!n.readAt" [attr.data-kind]="n.kind">
          <div class="head">
            <nz-tag [nzColor]="colorOf(n.category)">{{ nameOf(n.category) | t }}</nz-tag>
            <strong>{{ n.title }}</strong>
            <span class="grow"></span>
            <time>{{ n.createdAt | date: 'yyyy-MM-dd HH:mm' }}</time>
          </div>
          <p>{{ n.body }}</p>
          <div class="acts">
            @if (n.taskId) {
              <button nz-button nzType="link" nzSize="small" (click)="open(n)">
                {{ '打开办理' | t }}
              </button>
            }
            @if (!n.readAt) {
              <button
                nz-button
                nzType="link"
                nzSize="small"
                (click)="markRead(n)"
                data-testid="mark-read"
              >
                {{ '标为已读' | t }}
              </button>
            }
          </div>
        </li>
      } @empty {
        <nz-empty [nzNotFoundContent]="'暂无通知' | t"></nz-empty>
      }
    </ul>
    @if (total() > pageSize) {
      <nz-pagination
        [nzPageIndex]="page()"
        [nzTotal]="total()"
        [nzPageSize]="pageSize"
        (nzPageIndexChange)="go($event)"
      ></nz-pagination>
    }
  `,
  styles: `
    .bar {
      display: flex;
      align-items: center;
      gap: 12px;
      flex-wrap: wrap;
    }
    .bar h2 {
      margin: 0;
    }
    .grow {
      flex: 1;
    }
    .only {
      display: flex;
      align-items: center;
      gap: 6px;
    }
    .cats {
      margin: 12px 0;
      display: flex;
      flex-wrap: wrap;
    }
    .list {
      list-style: none;
      margin: 0 0 12px;
      padding: 0;
      background: #fff;
    }
    .list li {
      padding: 10px 12px;
      border-bottom: 1px solid #f0f0f0;
    }
    .list li.unread {
      background: #e6f4ff;
    }
    .head {
      display: flex;
      align-items: center;
      gap: 8px;
    }
    .list p {
      margin: 6px 0 0;
      white-space: pre-wrap;
      color: #262626;
    }
    time {
      color: #595959;
      font-size: 12px;
    }
    .acts {
      margin-top: 4px;
    }
  `,
})
export class NotificationsPage {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);
  private readonly i18n = inject(I18nService);
  readonly counts = inject(NotificationCounts);
  readonly categories = NOTIFICATION_CATEGORIES;
  readonly pageSize = PAGE;
  readonly items = signal<NotificationDto[]>([]);
  readonly total = signal(0);
  readonly page = signal(1);
  readonly unreadBy = signal<Record<string, number>>({});
  readonly error = signal<string | null>(null);
  readonly names = computed(() => new Map(this.categories.map((c) => [c.code, c.name])));
  category = '';
  unreadOnly = false;

  constructor() {
    void this.go(1);
    inject(LiveEvents)
      .notified.pipe(takeUntilDestroyed())
      .subscribe(() => void this.go(this.page()));
  }

  async go(page: number): Promise<void> {
    this.page.set(page);
    let params = new HttpParams().set('page', page).set('limit', PAGE);
    if (this.category) params = params.set('category', this.category);
    if (this.unreadOnly) params = params.set('unread', 'true');
    try {
      const r = await firstValueFrom(
        this.http.get<Reply<'notifications'>>('/api/notifications', { params }),
      );
      this.items.set(r.items);
      this.total.set(r.total);
      this.unreadBy.set(r.unreadBy);
      this.counts.unread.set(r.unreadCount);
      this.error.set(null);
    } catch (err) {
      this.error.set(this.i18n.message(apiError(err)));
    }
  }

  nameOf(code: string): string {
    return this.names().get(code) ?? code;
  }

  colorOf(code: string): string {
    return code === 'urge'
      ? 'orange'
      : code === 'supervise'
        ? 'red'
        : code === 'alert'
          ? 'volcano'
          : 'blue';
  }

  async markRead(n: NotificationDto): Promise<void> {
    const r = await firstValueFrom(
      this.http.post<Reply<'readOne'>>(`/api/notifications/${encodeURIComponent(n.id)}/read`, {}),
    ).catch(() => null);
    if (!r) return;
    this.counts.unread.set(r.unreadCount);
    await this.go(this.page());
  }

  async readAll(): Promise<void> {
    await firstValueFrom(this.http.post('/api/notifications/read-all', {})).catch(() => null);
    await this.go(1);
  }

  async open(n: NotificationDto): Promise<void> {
    if (!n.readAt) await this.markRead(n);
    await this.router.navigateByUrl(`/tasks/${encodeURIComponent(n.taskId!)}`);
  }
}
