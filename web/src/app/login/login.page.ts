import { TranslatePipe } from '../core/i18n';
import { Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Router } from '@angular/router';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzCardModule } from 'ng-zorro-antd/card';
import { NzFormModule } from 'ng-zorro-antd/form';
import { AuthService } from '../core/auth.service';
import { apiError } from '../core/api.service';

@Component({
  selector: 'app-login',
  imports: [
    TranslatePipe,
    FormsModule,
    NzButtonModule,
    NzInputModule,
    NzAlertModule,
    NzCardModule,
    NzFormModule,
  ],
  template: `
    <main class="login">
      @if (setupNeeded()) {
        <nz-card [nzTitle]="'创建首个管理员' | t" data-testid="setup">
          <nz-alert
            nzType="info"
            nzShowIcon
            class="gap"
            [nzMessage]="
              '系统中还没有用户。请输入服务器启动日志中的一次性设置码，创建第一个管理员账号。' | t
            "
          ></nz-alert>
          <form nz-form nzLayout="vertical" (ngSubmit)="createAdmin()">
            <nz-form-item>
              <nz-form-label nzFor="code">{{ '设置码' | t }}</nz-form-label>
              <nz-form-control
                ><input
                  nz-input
                  id="code"
                  name="code"
                  [(ngModel)]="setup.code"
                  autocomplete="off"
                  required
              /></nz-form-control>
            </nz-form-item>
            <nz-form-item>
              <nz-form-label nzFor="setup-id">{{ '用户名' | t }}</nz-form-label>
              <nz-form-control
                ><input
                  nz-input
                  id="setup-id"
                  name="setup-id"
                  [(ngModel)]="setup.id"
                  autocomplete="username"
                  required
              /></nz-form-control>
            </nz-form-item>
            <nz-form-item>
              <nz-form-label nzFor="setup-name">{{ '姓名' | t }}</nz-form-label>
              <nz-form-control
                ><input
                  nz-input
                  id="setup-name"
                  name="setup-name"
                  [(ngModel)]="setup.name"
                  required
              /></nz-form-control>
            </nz-form-item>
            <nz-form-item>
              <nz-form-label nzFor="setup-password">{{ '密码' | t }}</nz-form-label>
              <nz-form-control
                [nzExtra]="
                  '至少 10 个字符，不含用户名或姓名；常用词、键盘连续键、日期不够安全。' | t
                "
              >
                <input
                  nz-input
                  id="setup-password"
                  name="setup-password"
                  type="password"
                  [(ngModel)]="setup.password"
                  autocomplete="new-password"
                  required
                />
              </nz-form-control>
            </nz-form-item>
            @if (error()) {
              <nz-alert nzType="error" [nzMessage]="error()!" nzShowIcon class="gap"></nz-alert>
            }
            <button nz-button nzType="primary" nzBlock [nzLoading]="busy()" type="submit">
              {{ '创建并登录' | t }}
            </button>
          </form>
        </nz-card>
      } @else {
        <nz-card [nzTitle]="'湘西州公共资源交易中心 · “12345” 流程系统' | t">
          <form nz-form nzLayout="vertical" (ngSubmit)="submit()">
            <nz-form-item>
              <nz-form-label nzFor="username">{{ '用户名' | t }}</nz-form-label>
              <nz-form-control
                ><input
                  nz-input
                  id="username"
                  name="username"
                  [(ngModel)]="username"
                  autocomplete="username"
                  required
              /></nz-form-control>
            </nz-form-item>
            <nz-form-item>
              <nz-form-label nzFor="password">{{ '密码' | t }}</nz-form-label>
              <nz-form-control
                ><input
                  nz-input
                  id="password"
                  name="password"
                  type="password"
                  [(ngModel)]="password"
                  autocomplete="current-password"
                  required
              /></nz-form-control>
            </nz-form-item>
            @if (error()) {
              <nz-alert nzType="error" [nzMessage]="error()!" nzShowIcon class="gap"></nz-alert>
            }
            <button nz-button nzType="primary" nzBlock [nzLoading]="busy()" type="submit">
              {{ '登录' | t }}
            </button>
          </form>
        </nz-card>
      }
    </main>
  `,
  styles: `
    .login {
      min-height: 100vh;
      display: grid;
      place-items: center;
      background: #f0f2f5;
    }
    nz-card {
      width: min(420px, 92vw);
    }
    .gap {
      margin-bottom: 16px;
    }
  `,
})
export class LoginPage {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  username = '';
  password = '';
  readonly error = signal<string | null>(null);
  readonly busy = signal(false);
  /** No users yet: the first admin is created here, with the code the server printed. */
  readonly setupNeeded = signal(false);
  readonly setup = { code: '', id: '', name: '', password: '' };

  constructor() {
    void this.auth.setupNeeded().then((needed) => this.setupNeeded.set(needed));
  }

  submit(): Promise<void> {
    return this.run(() => this.auth.login(this.username.trim(), this.password));
  }

  createAdmin(): Promise<void> {
    return this.run(() =>
      this.auth.setup({ ...this.setup, code: this.setup.code.trim(), id: this.setup.id.trim() }),
    );
  }

  private async run(signIn: () => Promise<void>): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      await signIn();
      await this.router.navigateByUrl(
        this.auth.user()?.mustChangePassword ? '/password' : '/inbox',
      );
    } catch (err) {
      this.error.set(apiError(err).message);
    } finally {
      this.busy.set(false);
    }
  }
}
