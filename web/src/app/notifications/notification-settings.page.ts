import { Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { HttpClient } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { CHANNEL_NAMES, NOTIFICATION_CHANNELS, type NotificationChannel } from '@ggzy/shared';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzCheckboxModule } from 'ng-zorro-antd/checkbox';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzFormModule } from 'ng-zorro-antd/form';
import { I18nService, TranslatePipe } from '../core/i18n';
import { apiError } from '../core/api.service';
import type { Reply } from '../core/api.types';

type Settings = Reply<'notificationSettings'>;

/**
 * 通知方式: the person's e-mail and mobile, and for each category of notice which channels beyond
 * the app it takes (the app always has it). A channel the center has not configured cannot be chosen.
 */
@Component({
  selector: 'app-notification-settings',
  imports: [
    TranslatePipe,
    FormsModule,
    NzButtonModule,
    NzInputModule,
    NzTableModule,
    NzCheckboxModule,
    NzAlertModule,
    NzFormModule,
  ],
  template: `
    <h2>{{ '通知方式' | t }}</h2>
    <p class="hint">
      {{
        '每条通知都会出现在系统的通知中心；下面选择哪些通知还要发到邮箱、手机短信或科室工作群。' | t
      }}
    </p>
    @if (s(); as st) {
      <form nz-form nzLayout="inline" class="contact" (ngSubmit)="save()">
        <nz-form-item>
          <nz-form-label nzFor="email">{{ '电子邮箱' | t }}</nz-form-label>
          <nz-form-control>
            <input
              nz-input
              id="email"
              name="email"
              type="email"
              [(ngModel)]="email"
              data-testid="email"
            />
          </nz-form-control>
        </nz-form-item>
        <nz-form-item>
          <nz-form-label nzFor="mobile">{{ '手机号码' | t }}</nz-form-label>
          <nz-form-control>
            <input
              nz-input
              id="mobile"
              name="mobile"
              [(ngModel)]="mobile"
              maxlength="11"
              data-testid="mobile"
            />
          </nz-form-control>
        </nz-form-item>
      </form>
      <nz-table
        [nzData]="st.categories"
        [nzShowPagination]="false"
        nzSize="small"
        data-testid="routes"
      >
        <thead>
          <tr>
            <th>{{ '通知类别' | t }}</th>
            <th>{{ '系统内' | t }}</th>
            @for (c of channels; track c) {
              <th>
                {{ channelName(c) | t }}
                @if (!st.available[c]) {
                  <span class="off">（{{ '未配置' | t }}）</span>
                }
              </th>
            }
          </tr>
        </thead>
        <tbody>
          @for (cat of st.categories; track cat.code) {
            <tr [attr.data-category]="cat.code">
              <td>{{ cat.name | t }}</td>
              <td>
                <label
                  nz-checkbox
                  [ngModel]="true"
                  nzDisabled
                  [attr.aria-label]="cat.name + ' 系统内'"
                ></label>
              </td>
              @for (c of channels; track c) {
                <td>
                  <label
                    nz-checkbox
                    [ngModel]="st.available[c] && chosen(cat.code, c)"
                    (ngModelChange)="toggle(cat.code, c, $event)"
                    [nzDisabled]="!st.available[c]"
                    [attr.data-channel]="c"
                    [attr.aria-label]="cat.name + ' ' + channelName(c)"
                  ></label>
                </td>
              }
            </tr>
          }
        </tbody>
      </nz-table>
      @if (error()) {
        <nz-alert nzType="error" [nzMessage]="error()!" nzShowIcon class="msg"></nz-alert>
      }
      @if (saved()) {
        <nz-alert
          nzType="success"
          [nzMessage]="'已保存' | t"
          nzShowIcon
          class="msg"
          data-testid="saved"
        ></nz-alert>
      }
      <button nz-button nzType="primary" (click)="save()" class="save" data-testid="save-settings">
        {{ '保存' | t }}
      </button>
    }
  `,
  styles: `
    .hint {
      color: #595959;
    }
    .contact {
      margin-bottom: 16px;
    }
    .off {
      color: #595959;
      font-weight: normal;
    }
    .msg,
    .save {
      margin-top: 12px;
    }
  `,
})
export class NotificationSettingsPage {
  private readonly http = inject(HttpClient);
  private readonly i18n = inject(I18nService);
  readonly channels = NOTIFICATION_CHANNELS;
  readonly s = signal<Settings | null>(null);
  readonly error = signal<string | null>(null);
  readonly saved = signal(false);
  email = '';
  mobile = '';
  /** The choices as they stand on the page: every category, its default filled in. */
  private routes: Record<string, NotificationChannel[]> = {};

  constructor() {
    void this.load();
  }

  private apply(st: Settings): void {
    this.s.set(st);
    this.email = st.email ?? '';
    this.mobile = st.mobile ?? '';
    this.routes = Object.fromEntries(
      st.categories.map((c) => [
        c.code,
        [...(st.routes[c.code as keyof typeof st.routes] ?? c.defaults)],
      ]),
    );
  }

  async load(): Promise<void> {
    try {
      this.apply(await firstValueFrom(this.http.get<Settings>('/api/me/notification-settings')));
    } catch (err) {
      this.error.set(this.i18n.message(apiError(err)));
    }
  }

  channelName(c: NotificationChannel): string {
    return CHANNEL_NAMES[c];
  }

  chosen(category: string, c: NotificationChannel): boolean {
    return this.routes[category]?.includes(c) ?? false;
  }

  toggle(category: string, c: NotificationChannel, on: boolean): void {
    const now = (this.routes[category] ?? []).filter((x) => x !== c);
    this.routes[category] = on ? [...now, c] : now;
    this.saved.set(false);
  }

  async save(): Promise<void> {
    this.error.set(null);
    this.saved.set(false);
    try {
      const st = await firstValueFrom(
        this.http.put<Settings>('/api/me/notification-settings', {
          email: this.email.trim(),
          mobile: this.mobile.trim(),
          routes: this.routes,
        }),
      );
      this.apply(st);
      this.saved.set(true);
    } catch (err) {
      this.error.set(this.i18n.message(apiError(err)));
    }
  }
}
