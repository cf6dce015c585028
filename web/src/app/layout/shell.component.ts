import { I18nService, TranslatePipe } from '../core/i18n';
import { Component, DestroyRef, computed, inject } from '@angular/core';
import { LEDGER_KINDS, LEDGERS, ledgerAccess } from '@ggzy/shared';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { NzLayoutModule } from 'ng-zorro-antd/layout';
import { NzMenuModule } from 'ng-zorro-antd/menu';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { AuthService } from '../core/auth.service';
import {
  mayAudit,
  mayReadAreaLog,
  mayReadDashboard,
  mayReadDispatches,
  mayReadRegister,
  mayReadViewLog,
} from '../core/route-guards';
import { ROLE_NAMES, SECTION_NAMES } from '../core/labels';
import { LiveEvents } from '../core/live-events.service';
import { NotificationBellComponent } from './notification-bell.component';

/** Whether any register (台账) is open to them: every section's staff may at least report to the credit register. */
function mayReadLedgers(u: { sections: string[]; roles: string[] } | null): boolean {
  return !!u && LEDGER_KINDS.some((k) => ledgerAccess(LEDGERS[k], u).read);
}

@Component({
  selector: 'app-shell',
  imports: [
    TranslatePipe,
    RouterOutlet,
    RouterLink,
    RouterLinkActive,
    NzLayoutModule,
    NzMenuModule,
    NzTagModule,
    NzButtonModule,
    NotificationBellComponent,
  ],
  template: `
    <nz-layout class="shell">
      <nz-header class="header" role="banner">
        <span class="brand" [title]="product()" data-testid="product-name">{{ product() }}</span>
        <nav class="nav" [attr.aria-label]="'主菜单' | t">
          <ul nz-menu nzMode="horizontal" nzTheme="dark">
            @for (item of menu(); track item.path) {
              <li
                nz-menu-item
                [routerLink]="item.path"
                routerLinkActive
                #active="routerLinkActive"
                [nzSelected]="active.isActive"
              >
                {{ item.label | t }}
              </li>
            }
            @if (adminMenu().length) {
              <li nz-submenu [nzTitle]="'系统管理' | t" data-testid="admin-menu">
                <ul>
                  @for (item of adminMenu(); track item.path) {
                    <li
                      nz-menu-item
                      [routerLink]="item.path"
                      routerLinkActive
                      #active="routerLinkActive"
                      [nzSelected]="active.isActive"
                    >
                      {{ item.label | t }}
                    </li>
                  }
                </ul>
              </li>
            }
          </ul>
        </nav>
        <app-notification-bell />
        <span class="who" data-testid="current-user">
          <strong>{{ auth.user()?.name }}</strong>
          @for (s of sections(); track s) {
            <nz-tag nzColor="blue">{{ s }}</nz-tag>
          }
          @for (r of roles(); track r) {
            <nz-tag>{{ r }}</nz-tag>
          }
          <button
            nz-button
            nzType="link"
            class="logout"
            (click)="i18n.toggle()"
            [attr.lang]="i18n.lang() === 'zh' ? 'en' : 'zh-CN'"
            data-testid="lang"
          >
            {{ i18n.lang() === 'zh' ? 'English' : '中文' }}
          </button>
          <a nz-button nzType="link" class="logout" routerLink="/password">{{ '修改密码' | t }}</a>
          <button nz-button nzType="link" class="logout" (click)="auth.logout()">
            {{ '退出' | t }}
          </button>
        </span>
      </nz-header>
      <nz-content class="content" role="main"><router-outlet /></nz-content>
    </nz-layout>
  `,
  styles: `
    .shell {
      min-height: 100vh;
    }
    .header {
      display: flex;
      align-items: center;
      gap: 16px;
      padding: 0 16px;
    }
    .brand {
      color: #fff;
      font-size: 16px;
      font-weight: 600;
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
      flex: 0 1 auto;
      min-width: 0;
    }
    .nav {
      flex: 1 0 auto;
    }
    @media (max-width: 1500px) {
      .who nz-tag {
        display: none;
      }
    }
    @media (max-width: 900px) {
      .brand {
        display: none;
      }
    }
    .who {
      color: #fff;
      display: flex;
      align-items: center;
      gap: 4px;
      white-space: nowrap;
    }
    .who strong {
      margin-right: 6px;
    }
    .logout {
      color: #fff;
    }
    .content {
      padding: 16px;
    }
  `,
})
export class ShellComponent {
  readonly auth = inject(AuthService);
  /** One live stream per tab while signed in: the inbox and the notifications listen to it. */
  private readonly live = inject(LiveEvents);
  readonly i18n = inject(I18nService);
  constructor() {
    this.live.start();
    inject(DestroyRef).onDestroy(() => this.live.stop());
  }

  /** Shown whole where there is room, cut short with its full text on hover where there is not. */
  readonly product = computed(() => this.i18n.t('湘西州公共资源交易中心 · 流程系统'));
  readonly sections = computed(() =>
    (this.auth.user()?.sections ?? []).map((s) => SECTION_NAMES[s] ?? s),
  );
  readonly isAdmin = computed(() => !!this.auth.user()?.roles.includes('admin'));
  /** Everyone's pages. */
  readonly menu = computed(() => [
    { path: '/inbox', label: '工作台' },
    { path: '/start', label: '发起' },
    ...(mayReadDashboard(this.auth.user()) ? [{ path: '/dashboard', label: '看板' }] : []),
    ...(mayReadRegister(this.auth.user())
      ? [
          { path: '/projects', label: '项目' },
          { path: '/venues', label: '场地' },
          { path: '/witness', label: '见证' },
          { path: '/agents', label: '代理机构' },
          ...(mayReadAreaLog(this.auth.user()) ? [{ path: '/area-log', label: '开评标区' }] : []),
        ]
      : []),
    ...(mayReadLedgers(this.auth.user()) ? [{ path: '/ledgers', label: '台账' }] : []),
    { path: '/archives', label: '档案调阅' },
    ...(mayReadViewLog(this.auth.user())
      ? [
          { path: '/archive-views', label: '调阅记录' },
          { path: '/supervision-records', label: '监督记录' },
        ]
      : []),
    ...(mayReadDispatches(this.auth.user()) ? [{ path: '/dispatches', label: '印发记录' }] : []),
    ...(mayAudit(this.auth.user()) ? [{ path: '/audit', label: '审计' }] : []),
  ]);
  /** The admins' pages, under one heading. */
  readonly adminMenu = computed(() =>
    this.isAdmin()
      ? [
          { path: '/admin/processes', label: '流程设计' },
          { path: '/admin/forms', label: '表单设计' },
          { path: '/admin/instances', label: '流程监控' },
          { path: '/admin/users', label: '人员管理' },
          { path: '/admin/calendar', label: '工作日历' },
          { path: '/admin/deliveries', label: '通知发送' },
        ]
      : [],
  );
  readonly roles = computed(() =>
    (this.auth.user()?.roles ?? []).filter((r) => r !== 'staff').map((r) => ROLE_NAMES[r] ?? r),
  );
}
