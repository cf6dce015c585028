import { Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzCardModule } from 'ng-zorro-antd/card';
import { NzFormModule } from 'ng-zorro-antd/form';
import { NzInputModule } from 'ng-zorro-antd/input';
import { apiError } from '../core/api.service';
import { AuthService } from '../core/auth.service';
import { TranslatePipe } from '../core/i18n';

/** Choosing one's own password: at first sign-in when an admin set it, or any time from the header. */
@Component({
  selector: 'app-password',
  imports: [
    TranslatePipe,
    FormsModule,
    RouterLink,
    NzAlertModule,
    NzButtonModule,
    NzCardModule,
    NzFormModule,
    NzInputModule,
  ],
  template: `
    <main class="page">
      <nz-card [nzTitle]="'修改密码' | t">
        @if (forced()) {
          <nz-alert
            nzType="warning"
            nzShowIcon
            class="gap"
            [nzMessage]="'您的密码由管理员设置，请先修改为只有您知道的密码。' | t"
          ></nz-alert>
        }
        <form nz-form nzLayout="vertical" (ngSubmit)="submit()">
          <nz-form-item>
            <nz-form-label nzFor="current">{{ '当前密码' | t }}</nz-form-label>
            <nz-form-control>
              <input
                nz-input
                id="current"
                name="current"
                type="password"
                [(ngModel)]="current"
                autocomplete="current-password"
                required
              />
            </nz-form-control>
          </nz-form-item>
          <nz-form-item>
            <nz-form-label nzFor="next">{{ '新密码' | t }}</nz-form-label>
            <nz-form-control
              [nzExtra]="'至少 10 个字符，不含用户名或姓名；常用词、键盘连续键、日期不够安全。' | t"
            >
              <input
                nz-input
                id="next"
                name="next"
                type="password"
                [(ngModel)]="next"
                autocomplete="new-password"
                required
              />
            </nz-form-control>
          </nz-form-item>
          <nz-form-item>
            <nz-form-label nzFor="again">{{ '再次输入新密码' | t }}</nz-form-label>
            <nz-form-control>
              <input
                nz-input
                id="again"
                name="again"
                type="password"
                [(ngModel)]="again"
                autocomplete="new-password"
                required
              />
            </nz-form-control>
          </nz-form-item>
          @if (error()) {
            <nz-alert
              nzType="error"
              [nzMessage]="error()!"
              nzShowIcon
              class="gap"
              data-testid="password-error"
            ></nz-alert>
          }
          <button nz-button nzType="primary" nzBlock [nzLoading]="busy()" type="submit">
            {{ '保存新密码' | t }}
          </button>
          @if (!forced()) {
            <a nz-button nzType="link" nzBlock routerLink="/inbox">{{ '返回' | t }}</a>
          } @else {
            <button nz-button nzType="link" nzBlock type="button" (click)="auth.logout()">
              {{ '退出' | t }}
            </button>
          }
        </form>
      </nz-card>
    </main>
  `,
  styles: `
    .page {
      min-height: 100vh;
      display: grid;
      place-items: center;
      background: #f0f2f5;
    }
    nz-card {
      width: min(440px, 92vw);
    }
    .gap {
      margin-bottom: 16px;
    }
  `,
})
export class PasswordPage {
  readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  readonly forced = computed(() => !!this.auth.user()?.mustChangePassword);
  current = '';
  next = '';
  again = '';
  readonly error = signal<string | null>(null);
  readonly busy = signal(false);

  async submit(): Promise<void> {
    this.error.set(null);
    if (this.next !== this.again) {
      this.error.set('两次输入的新密码不一致');
      return;
    }
    this.busy.set(true);
    try {
      await this.auth.changePassword(this.current, this.next);
      await this.router.navigateByUrl('/inbox');
    } catch (err) {
      this.error.set(apiError(err).message);
    } finally {
      this.busy.set(false);
    }
  }
}
