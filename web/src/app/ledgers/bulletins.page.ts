import { Component, inject, signal } from '@angular/core';
import { HttpClient } from '@angular/common/http';
import { RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzCollapseModule } from 'ng-zorro-antd/collapse';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzEmptyModule } from 'ng-zorro-antd/empty';
import { TranslatePipe } from '../core/i18n';
import { apiError } from '../core/api.service';
import { downloadFile } from '../core/download';
import type { Reply } from '../core/api.types';

type Bulletin = Reply<'publicBulletins'>['items'][number];

/**
 * 月度通报: the bulletins and monthly reports the director signed, newest first, each with its 文号
 * and as the official document to download (Word, PDF).
 */
@Component({
  selector: 'app-bulletins',
  imports: [
    TranslatePipe,
    RouterLink,
    NzButtonModule,
    NzCollapseModule,
    NzAlertModule,
    NzEmptyModule,
  ],
  template: `
    <a routerLink="/ledgers">← {{ '台账' | t }}</a>
    <h2>{{ '已签发的月度通报' | t }}</h2>
    @if (error()) {
      <nz-alert nzType="error" [nzMessage]="error()!" class="gap"></nz-alert>
    }
    @if (items().length) {
      <nz-collapse data-testid="bulletin-list">
        @for (b of items(); track b.kind + b.month) {
          <nz-collapse-panel [nzHeader]="(b.no ? b.no + ' ' : '') + b.title">
            <pre class="text">{{ b.text }}</pre>
            <button
              nz-button
              (click)="download(b, 'docx')"
              [attr.data-testid]="'bulletin-docx-' + b.kind"
            >
              {{ '下载 Word' | t }}
            </button>
            <button nz-button class="next" (click)="download(b, 'pdf')">
              {{ '打印 PDF' | t }}
            </button>
          </nz-collapse-panel>
        }
      </nz-collapse>
    } @else {
      <nz-empty [nzNotFoundContent]="'尚无已签发的月度通报' | t"></nz-empty>
    }
  `,
  styles: `
    .text {
      white-space: pre-wrap;
      font-family: inherit;
    }
    .next {
      margin-left: 8px;
    }
    .gap {
      margin: 12px 0;
    }
  `,
})
export class BulletinsPage {
  private readonly http = inject(HttpClient);
  readonly items = signal<Bulletin[]>([]);
  readonly error = signal<string | null>(null);

  constructor() {
    void firstValueFrom(this.http.get<Reply<'publicBulletins'>>('/api/public/bulletins'))
      .then((r) => this.items.set(r.items))
      .catch((err: unknown) => this.error.set(apiError(err).message));
  }

  async download(b: Bulletin, format: 'docx' | 'pdf'): Promise<void> {
    try {
      await downloadFile(
        this.http,
        `/api/bulletins/${b.kind}/${b.month}/document?format=${format}`,
        `${b.title}.${format}`,
      );
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }
}
