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

  async submit(): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      await this.auth.login(this.username.trim(), this.password);
      await this.router.navigateByUrl('/inbox');
    } catch (err) {
      this.error.set(apiError(err).message);
    } finally {
      this.busy.set(false);
    }
  }
}
