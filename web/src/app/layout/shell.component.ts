import { I18nService, TranslatePipe } from '../core/i18n';
import { Component, computed, inject } from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { NzLayoutModule } from 'ng-zorro-antd/layout';
import { NzMenuModule } from 'ng-zorro-antd/menu';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { AuthService } from '../core/auth.service';
import { ROLE_NAMES, SECTION_NAMES } from '../core/labels';

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
  ],
  template: `
    <nz-layout class="shell">
      <nz-header class="header">
        <span class="brand">{{ '湘西州公共资源交易中心 · 12345' | t }}</span>
        <ul nz-menu nzMode="horizontal" nzTheme="dark" class="nav">
          <li
            nz-menu-item
            routerLink="/inbox"
            routerLinkActive
            #a="routerLinkActive"
            [nzSelected]="a.isActive"
          >
            {{ '工作台' | t }}
          </li>
          <li
            nz-menu-item
            routerLink="/start"
            routerLinkActive
            #b="routerLinkActive"
            [nzSelected]="b.isActive"
          >
            {{ '发起' | t }}
          </li>
          <li
            nz-menu-item
            routerLink="/archives"
            routerLinkActive
            #d="routerLinkActive"
            [nzSelected]="d.isActive"
          >
            {{ '档案调阅' | t }}
          </li>
          @if (isAdmin()) {
            <li
              nz-menu-item
              routerLink="/admin/processes"
              routerLinkActive
              #c="routerLinkActive"
              [nzSelected]="c.isActive"
            >
              {{ '流程设计' | t }}
            </li>
            <li
              nz-menu-item
              routerLink="/admin/calendar"
              routerLinkActive
              #h="routerLinkActive"
              [nzSelected]="h.isActive"
            >
              工作日历
            </li>
            <li
              nz-menu-item
              routerLink="/admin/users"
              routerLinkActive
              #g="routerLinkActive"
              [nzSelected]="g.isActive"
            >
              人员管理
            </li>
            <li
              nz-menu-item
              routerLink="/admin/forms"
              routerLinkActive
              #f="routerLinkActive"
              [nzSelected]="f.isActive"
            >
              {{ '表单设计' | t }}
            </li>
            <li
              nz-menu-item
              routerLink="/admin/instances"
              routerLinkActive
              #e="routerLinkActive"
              [nzSelected]="e.isActive"
            >
              {{ '流程监控' | t }}
            </li>
          }
        </ul>
        <span class="who" data-testid="current-user">
          <strong>{{ auth.user()?.name }}</strong>
          @for (s of sections(); track s) {
            <nz-tag nzColor="blue">{{ s }}</nz-tag>
          }
          @for (r of roles(); track r) {
            <nz-tag>{{ r }}</nz-tag>
          }
          <button nz-button nzType="link" class="logout" (click)="i18n.toggle()" data-testid="lang">
            {{ i18n.lang() === 'zh' ? 'English' : '中文' }}
          </button>
          <button nz-button nzType="link" class="logout" (click)="auth.logout()">
            {{ '退出' | t }}
          </button>
        </span>
      </nz-header>
      <nz-content class="content"><router-outlet /></nz-content>
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
      font-weight: 600;
      white-space: nowrap;
    }
    .nav {
      flex: 1;
      min-width: 840px;
    }
    @media (max-width: 1500px) {
      .nav {
        min-width: 0;
      }
      .brand,
      .who nz-tag {
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
    @media (max-width: 900px) {
      .who nz-tag {
        display: none;
      }
    }
  `,
})
export class ShellComponent {
  readonly auth = inject(AuthService);
  readonly i18n = inject(I18nService);
  readonly sections = computed(() =>
    (this.auth.user()?.sections ?? []).map((s) => SECTION_NAMES[s] ?? s),
  );
  readonly isAdmin = computed(() => !!this.auth.user()?.roles.includes('admin'));
  readonly roles = computed(() =>
    (this.auth.user()?.roles ?? []).filter((r) => r !== 'staff').map((r) => ROLE_NAMES[r] ?? r),
  );
}
