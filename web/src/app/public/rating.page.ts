import { Component, inject, input, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { HttpClient } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { NzCardModule } from 'ng-zorro-antd/card';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzRadioModule } from 'ng-zorro-antd/radio';
import { NzResultModule } from 'ng-zorro-antd/result';
import { apiError } from '../core/api.service';
import type { Reply } from '../core/api.types';

type Page = Reply<'ratingPage'>;

/**
 * 服务“好差评” (public, no account, a phone's screen): reached by the QR code on the session sheet;
 * the party says who they are (kept only as a fingerprint: one rating per party, anonymous to the
 * rated), picks a grade and may leave a word.
 */
@Component({
  selector: 'app-rating',
  imports: [
    FormsModule,
    NzCardModule,
    NzInputModule,
    NzButtonModule,
    NzAlertModule,
    NzRadioModule,
    NzResultModule,
  ],
  template: `
    <main class="page">
      <h1>湘西州公共资源交易中心 · 服务评价</h1>
      @if (done()) {
        <nz-result
          nzStatus="success"
          nzTitle="感谢您的评价"
          nzSubTitle="您的意见将由监督科汇总，每月公布评价结果。"
          data-testid="rate-done"
        ></nz-result>
      } @else if (page(); as p) {
        <nz-card [nzTitle]="p.projectName" data-testid="rate-card">
          <p class="muted">
            项目编号
            {{ p.projectId }}。评价不记名：单位名称只用于核对每个单位评价一次，不会告知被评价人。
          </p>
          <form (ngSubmit)="send()">
            <fieldset>
              <legend>您是</legend>
              <nz-radio-group
                name="party"
                [(ngModel)]="party"
                class="options"
                data-testid="rate-party"
              >
                @for (x of p.parties; track x) {
                  <label nz-radio [nzValue]="x">{{ x }}</label>
                }
              </nz-radio-group>
            </fieldset>
            <label for="rate-name" class="block">单位名称</label>
            <input
              nz-input
              id="rate-name"
              name="partyName"
              [(ngModel)]="partyName"
              maxlength="100"
              data-testid="rate-name"
            />
            <fieldset>
              <legend>对本次服务的评价</legend>
              <nz-radio-group
                name="grade"
                [(ngModel)]="grade"
                class="options"
                data-testid="rate-grade"
              >
                @for (g of p.grades; track g) {
                  <label nz-radio-button [nzValue]="g">{{ g }}</label>
                }
              </nz-radio-group>
            </fieldset>
            <label for="rate-comment" class="block">意见建议（可不填）</label>
            <textarea
              nz-input
              id="rate-comment"
              name="comment"
              rows="3"
              maxlength="1000"
              [(ngModel)]="comment"
              data-testid="rate-comment"
            ></textarea>
            @if (error()) {
              <nz-alert
                nzType="error"
                [nzMessage]="error()!"
                class="gap"
                data-testid="rate-error"
              ></nz-alert>
            }
            <button
              nz-button
              nzType="primary"
              nzBlock
              type="submit"
              class="gap"
              [disabled]="!party || !grade || partyName.trim().length < 2"
              data-testid="rate-send"
            >
              提交评价
            </button>
          </form>
        </nz-card>
      } @else if (error()) {
        <nz-alert nzType="error" [nzMessage]="error()!" data-testid="rate-error"></nz-alert>
      }
    </main>
  `,
  styles: `
    .page {
      max-width: 560px;
      margin: 0 auto;
      padding: 12px;
    }
    h1 {
      font-size: 18px;
    }
    .muted {
      color: #595959;
    }
    fieldset {
      border: 0;
      padding: 0;
      margin: 12px 0;
    }
    legend,
    .block {
      display: block;
      font-weight: 600;
      margin: 12px 0 6px;
      font-size: 14px;
    }
    .options {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
    }
    .gap {
      margin-top: 12px;
    }
  `,
})
export class RatingPage {
  private readonly http = inject(HttpClient);
  readonly token = input.required<string>();
  readonly page = signal<Page | null>(null);
  readonly error = signal<string | null>(null);
  readonly done = signal(false);
  party = '';
  partyName = '';
  grade = '';
  comment = '';

  constructor() {
    queueMicrotask(() => void this.load());
  }

  async load(): Promise<void> {
    try {
      this.page.set(
        await firstValueFrom(
          this.http.get<Page>(`/api/public/ratings/${encodeURIComponent(this.token())}`),
        ),
      );
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }

  async send(): Promise<void> {
    this.error.set(null);
    try {
      const body = {
        party: this.party,
        partyName: this.partyName,
        grade: this.grade,
        ...(this.comment.trim() && { comment: this.comment.trim() }),
      };
      await firstValueFrom(
        this.http.post(`/api/public/ratings/${encodeURIComponent(this.token())}`, body),
      );
      this.done.set(true);
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }
}
