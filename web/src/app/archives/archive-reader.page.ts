import { TranslatePipe } from '../core/i18n';
import { Component, inject, input, signal, effect } from '@angular/core';
import { RouterLink } from '@angular/router';
import { DatePipe } from '@angular/common';
import { HttpClient } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzCardModule } from 'ng-zorro-antd/card';
import { apiError } from '../core/api.service';
import type { Reply } from '../core/api.types';

type ArchiveView = Reply<'archiveView'>;

/** The read-only archive, watermarked with the reader's name and the time; every opening is logged. */
@Component({
  selector: 'app-archive-reader',
  imports: [TranslatePipe, RouterLink, DatePipe, NzAlertModule, NzCardModule],
  template: `
    <a routerLink="/archives">{{ '← 我的档案调阅' | t }}</a>
    @if (view(); as v) {
      <nz-card [nzTitle]="v.title" class="reader" data-testid="archive-reader">
        <p class="meta">
          只读调阅，有效期至 {{ v.expiresAt | date: 'yyyy-MM-dd HH:mm' }}；SHA-256
          {{ v.sha256.slice(0, 16) }}…
        </p>
        <div class="sheet" (copy)="$event.preventDefault()" (contextmenu)="$event.preventDefault()">
          <div class="marks" aria-hidden="true">
            @for (i of marks; track i) {
              <span>{{ v.watermark }}</span>
            }
          </div>
          <pre>{{ v.content }}</pre>
        </div>
      </nz-card>
    } @else if (error()) {
      <nz-alert nzType="error" [nzMessage]="error()!" data-testid="archive-error"></nz-alert>
    }
  `,
  styles: `
    .reader {
      margin-top: 12px;
    }
    .meta {
      color: #595959;
    }
    .sheet {
      position: relative;
      overflow: hidden;
      user-select: none;
      min-height: 300px;
    }
    .sheet pre {
      position: relative;
      white-space: pre-wrap;
      font-size: 15px;
      line-height: 1.8;
      margin: 0;
    }
    .marks {
      position: absolute;
      inset: -50%;
      display: flex;
      flex-wrap: wrap;
      gap: 60px 80px;
      transform: rotate(-20deg);
      pointer-events: none;
    }
    .marks span {
      color: rgba(200, 0, 0, 0.14);
      font-size: 16px;
      white-space: nowrap;
    }
  `,
})
export class ArchiveReaderPage {
  private readonly http = inject(HttpClient);
  readonly id = input.required<string>();
  readonly view = signal<ArchiveView | null>(null);
  readonly error = signal<string | null>(null);
  readonly marks = Array.from({ length: 60 }, (_, i) => i);

  constructor() {
    effect(() => {
      const id = this.id();
      void firstValueFrom(
        this.http.get<ArchiveView>(`/api/archives/${encodeURIComponent(id)}/view`),
      )
        .then((v) => this.view.set(v))
        .catch((err: unknown) => this.error.set(apiError(err).message));
    });
  }
}
