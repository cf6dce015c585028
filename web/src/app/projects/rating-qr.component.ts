import { Component, inject, input, signal } from '@angular/core';
import { HttpClient } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzModalModule } from 'ng-zorro-antd/modal';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { TranslatePipe } from '../core/i18n';
import { apiError } from '../core/api.service';
import type { Reply } from '../core/api.types';

/**
 * 服务“好差评” (4.3.2.1): the QR code of a project's rating page, printed on the session sheet the
 * parties get in the hall — the project, the code, and a line telling them how.
 */
@Component({
  selector: 'app-rating-qr',
  imports: [TranslatePipe, NzButtonModule, NzModalModule, NzAlertModule],
  template: `
    <button nz-button (click)="open()" data-testid="rating-qr">{{ '评价二维码' | t }}</button>
    <nz-modal
      [nzVisible]="!!link() || !!error()"
      [nzTitle]="'服务评价二维码（印在场次单上）' | t"
      [nzFooter]="footer"
      (nzOnCancel)="close()"
    >
      <ng-container *nzModalContent>
        @if (error()) {
          <nz-alert nzType="error" [nzMessage]="error()!"></nz-alert>
        }
        @if (link(); as l) {
          <div class="sheet" data-testid="rating-sheet">
            <h3>{{ projectName() }}</h3>
            <p>{{ projectId() }}</p>
            <img [src]="l.image" width="240" height="240" [alt]="'服务评价二维码' | t" />
            <p>请用手机扫码，对本次交易服务进行评价（不记名，每个单位一次）。</p>
            <p class="url">{{ l.url }}</p>
          </div>
        }
      </ng-container>
      <ng-template #footer>
        <button nz-button (click)="close()">{{ '关闭' | t }}</button>
        <button nz-button nzType="primary" (click)="print()" [disabled]="!link()">
          {{ '打印' | t }}
        </button>
      </ng-template>
    </nz-modal>
  `,
  styles: `
    .sheet {
      text-align: center;
    }
    .url {
      color: #595959;
      word-break: break-all;
      font-size: 12px;
    }
  `,
})
export class RatingQrComponent {
  private readonly http = inject(HttpClient);
  readonly projectId = input.required<string>();
  readonly projectName = input.required<string>();
  readonly link = signal<Reply<'ratingLink'> | null>(null);
  readonly error = signal<string | null>(null);

  async open(): Promise<void> {
    try {
      this.link.set(
        await firstValueFrom(
          this.http.get<Reply<'ratingLink'>>(
            `/api/projects/${encodeURIComponent(this.projectId())}/rating-link`,
          ),
        ),
      );
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }

  close(): void {
    this.link.set(null);
    this.error.set(null);
  }

  print(): void {
    window.print();
  }
}
