import { Component, computed, inject, signal } from '@angular/core';
import { DatePipe } from '@angular/common';
import { HttpClient } from '@angular/common/http';
import { Router, RouterLink } from '@angular/router';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { firstValueFrom } from 'rxjs';
import { NzBadgeModule } from 'ng-zorro-antd/badge';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzPopoverModule } from 'ng-zorro-antd/popover';
import { NzEmptyModule } from 'ng-zorro-antd/empty';
import { AuthService } from '../core/auth.service';
import { TranslatePipe } from '../core/i18n';
import { LiveEvents } from '../core/live-events.service';
import type { NotificationDto, Reply } from '../core/api.types';
import { NotificationCounts } from '../notifications/notification-counts.service';

/**
 * 通知: what the flows told this person (a step assigned, a report to hear of, an answer to a
 * request, a pause) — unread ones counted on the header, new ones arriving live; a notice of a
 * step opens it.
 */
@Component({
  selector: 'app-notification-bell',
  imports: [
    TranslatePipe,
    DatePipe,
    RouterLink,
    NzBadgeModule,
    NzButtonModule,
    NzPopoverModule,
    NzEmptyModule,
  ],
  template: `
    <button
      nz-button
      nzType="link"
      class="bell"
      nz-popover
      nzPopoverTrigger="click"
      nzPopoverPlacement="bottomRight"
      [nzPopoverTitle]="title"
      [nzPopoverContent]="list"
      [(nzPopoverVisible)]="open"
      [attr.aria-label]="label()"
      data-testid="notifications"
    >
      {{ '通知' | t }}
      @if (unread() > 0) {
        <nz-badge
          nzStandalone
          [nzCount]="unread()"
          nzSize="small"
          aria-hidden="true"
          data-testid="unread-count"
        ></nz-badge>
      }
    </button>
    <ng-template #title>
      <div class="head">
        <span>{{ '通知' | t }}</span>
        @if (unread() > 0) {
          <button nz-button nzType="link" nzSize="small" (click)="readAll()" data-testid="read-all">
            {{ '全部标为已读' | t }}
          </button>
        }
      </div>
    </ng-template>
    <ng-template #list>
      <ul class="list" data-testid="notification-list">
        @for (n of items(); track n.id) {
          <li [class.unread]="!n.readAt" [attr.data-kind]="n.kind">
            @if (n.taskId) {
              <a href="" (click)="$event.preventDefault(); go(n)"
                ><strong>{{ n.title }}</strong></a
              >
            } @else {
              <strong>{{ n.title }}</strong>
            }
            <p>{{ n.body }}</p>
            <time>{{ n.createdAt | date: 'MM-dd HH:mm' }}</time>
          </li>
        } @empty {
          <nz-empty nzNotFoundImage="simple" [nzNotFoundContent]="'暂无通知' | t"></nz-empty>
        }
      </ul>
      <div class="foot">
        <a routerLink="/notifications" (click)="open = false" data-testid="all-notifications">{{
          '查看全部' | t
        }}</a>
        <a routerLink="/settings/notifications" (click)="open = false">{{ '通知方式' | t }}</a>
      </div>
    </ng-template>
  `,
  styles: `
    .bell {
      color: #fff;
    }
    .head {
      display: flex;
      justify-content: space-between;
      align-items: center;
      gap: 16px;
    }
    .list {
      list-style: none;
      margin: 0;
      padding: 0;
      width: min(380px, 90vw);
      max-height: 60vh;
      overflow: auto;
    }
    .list li {
      padding: 8px 4px;
      border-bottom: 1px solid #f0f0f0;
    }
    .list li.unread {
      background: #e6f4ff;
    }
    .list p {
      margin: 4px 0;
      color: #262626;
      white-space: pre-wrap;
    }
    .foot {
      display: flex;
      justify-content: space-between;
      padding-top: 8px;
    }
    .list time {
      color: #595959;
      font-size: 12px;
    }
  `,
})
export class NotificationBellComponent {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);
  private readonly auth = inject(AuthService);
  readonly items = signal<NotificationDto[]>([]);
  readonly unread = inject(NotificationCounts).unread;
  readonly label = computed(() => (this.unread() ? `通知（${this.unread()} 条未读）` : '通知'));
  open = false;

  constructor() {
    void this.load();
    inject(LiveEvents)
      .notified.pipe(takeUntilDestroyed())
      .subscribe((n) => {
        if (this.items().some((x) => x.id === n.id)) return;
        this.items.update((xs) =>
          [{ ...n, userId: this.auth.user()?.id ?? '', readAt: null }, ...xs].slice(0, 30),
        );
        this.unread.update((u) => u + 1);
      });
  }

  async load(): Promise<void> {
    const r = await firstValueFrom(
      this.http.get<Reply<'notifications'>>('/api/notifications', { params: { limit: 30 } }),
    ).catch(() => null);
    if (!r) return;
    this.items.set(r.items);
    this.unread.set(r.unreadCount);
  }

  async readAll(): Promise<void> {
    await firstValueFrom(this.http.post('/api/notifications/read-all', {}));
    const now = new Date().toISOString();
    this.items.update((xs) => xs.map((x) => ({ ...x, readAt: x.readAt ?? now })));
    this.unread.set(0);
  }

  async go(n: NotificationDto): Promise<void> {
    this.open = false;
    if (!n.readAt) {
      const r = await firstValueFrom(
        this.http.post<Reply<'readOne'>>(`/api/notifications/${encodeURIComponent(n.id)}/read`, {}),
      ).catch(() => null);
      if (r) this.unread.set(r.unreadCount);
      const now = new Date().toISOString();
      this.items.update((xs) => xs.map((x) => (x.id === n.id ? { ...x, readAt: now } : x)));
    }
    await this.router.navigateByUrl(`/tasks/${encodeURIComponent(n.taskId!)}`);
  }
}
