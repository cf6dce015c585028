import { Component, computed, effect, inject, input, signal } from '@angular/core';
import { HttpClient } from '@angular/common/http';
import { RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzDescriptionsModule } from 'ng-zorro-antd/descriptions';
import { NzDrawerModule } from 'ng-zorro-antd/drawer';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { LEDGERS, printLedgerValue, type LedgerKind } from '@ggzy/shared';
import { TranslatePipe } from '../core/i18n';
import { apiError } from '../core/api.service';
import { downloadFile } from '../core/download';
import { AuthService } from '../core/auth.service';
import type { Reply } from '../core/api.types';
import { LedgerEntryComponent, type LedgerValues } from './ledger-entry.component';

type Item = Reply<'ledgerItem'>;

/**
 * One item of a register, every column as the paper form has it, with where it came from (the flow
 * whose step wrote it, the project); its writers add what comes later — 督办, feedback, the result.
 */
@Component({
  selector: 'app-ledger-item',
  imports: [
    TranslatePipe,
    RouterLink,
    NzButtonModule,
    NzDescriptionsModule,
    NzDrawerModule,
    NzAlertModule,
    NzTagModule,
    LedgerEntryComponent,
  ],
  template: `
    <a [routerLink]="['/ledgers', kind()]">← {{ def()?.zh }}</a>
    @if (error()) {
      <nz-alert nzType="error" [nzMessage]="error()!" class="gap"></nz-alert>
    }
    @if (item(); as i) {
      <h2>
        {{ def()?.table ? def()!.table + ' ' : '' }}{{ def()?.zh }} · {{ i.no }}
        @if (i.publishedAt) {
          <nz-tag nzColor="green">{{ '已公开' | t }}</nz-tag>
        }
      </h2>
      <nz-descriptions nzBordered [nzColumn]="1" nzSize="small" data-testid="li-values">
        @for (f of def()?.fields ?? []; track f.key) {
          <nz-descriptions-item [nzTitle]="f.zh">
            <span class="text">{{ show(f.key) }}</span>
          </nz-descriptions-item>
        }
        <nz-descriptions-item [nzTitle]="'登记' | t"
          >{{ i.recordedByName }} · {{ when(i.recordedAt) }}</nz-descriptions-item
        >
        @if (i.updatedAt !== i.recordedAt) {
          <nz-descriptions-item [nzTitle]="'最后补记' | t">{{
            when(i.updatedAt)
          }}</nz-descriptions-item>
        }
        @if (i.instanceId) {
          <nz-descriptions-item [nzTitle]="'流程' | t">
            @if (isAdmin()) {
              <a [routerLink]="['/admin/instances', i.instanceId]">{{
                '查看流程、附件与轨迹' | t
              }}</a>
            } @else {
              {{ i.instanceId }}
            }
          </nz-descriptions-item>
        }
        @if (i.attachments?.length) {
          <nz-descriptions-item [nzTitle]="'附件' | t">
            @for (f of i.attachments; track f.id) {
              <a
                class="file"
                (click)="download(f.id, f.filename)"
                (keyup.enter)="download(f.id, f.filename)"
                tabindex="0"
                >{{ f.filename }}</a
              >
            }
          </nz-descriptions-item>
        }
        @if (i.projectId) {
          <nz-descriptions-item [nzTitle]="'项目' | t">
            <a [routerLink]="['/projects', i.projectId]">{{ i.projectId }}</a>
          </nz-descriptions-item>
        }
      </nz-descriptions>
      @if (mayWrite()) {
        <button
          nz-button
          nzType="primary"
          class="gap"
          (click)="editing.set(true)"
          data-testid="li-add"
        >
          {{ '补记' | t }}
        </button>
      }
      <nz-drawer
        [nzVisible]="editing()"
        [nzWidth]="560"
        [nzTitle]="('补记' | t) + ' · ' + i.no"
        (nzOnClose)="editing.set(false)"
      >
        <ng-container *nzDrawerContent>
          <app-ledger-entry
            [fields]="def()!.fields"
            [initial]="i.values"
            [error]="saveError()"
            [busy]="saving()"
            (save)="add($event)"
          ></app-ledger-entry>
        </ng-container>
      </nz-drawer>
    }
  `,
  styles: `
    .gap {
      margin-top: 12px;
    }
    .text {
      white-space: pre-wrap;
    }
    .file {
      display: block;
      cursor: pointer;
    }
  `,
})
export class LedgerItemPage {
  private readonly http = inject(HttpClient);
  private readonly auth = inject(AuthService);
  readonly isAdmin = computed(() => !!this.auth.user()?.roles.includes('admin'));
  readonly kind = input.required<string>();
  readonly id = input.required<string>();
  readonly item = signal<Item | null>(null);
  readonly mayWrite = signal(false);
  readonly error = signal<string | null>(null);
  readonly editing = signal(false);
  readonly saving = signal(false);
  readonly saveError = signal<string | null>(null);
  readonly def = computed(() =>
    this.kind() in LEDGERS ? LEDGERS[this.kind() as LedgerKind] : null,
  );

  constructor() {
    effect(() => {
      if (this.id()) void this.load();
    });
  }

  async load(): Promise<void> {
    try {
      this.item.set(
        await firstValueFrom(
          this.http.get<Item>(`/api/ledgers/${this.kind()}/items/${encodeURIComponent(this.id())}`),
        ),
      );
      const list = await firstValueFrom(this.http.get<Reply<'ledgers'>>('/api/ledgers'));
      this.mayWrite.set(!!list.items.find((l) => l.kind === this.kind())?.mayWrite);
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }

  async download(id: string, filename: string): Promise<void> {
    try {
      await downloadFile(this.http, `/api/attachments/${encodeURIComponent(id)}`, filename);
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }

  show(key: string): string {
    const f = this.def()?.fields.find((x) => x.key === key);
    return f ? printLedgerValue(f, this.item()?.values[key]) || '—' : '';
  }

  when(iso: string): string {
    return new Date(iso).toLocaleString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });
  }

  async add(values: LedgerValues): Promise<void> {
    this.saving.set(true);
    this.saveError.set(null);
    try {
      this.item.set(
        await firstValueFrom(
          this.http.patch<Item>(
            `/api/ledgers/${this.kind()}/items/${encodeURIComponent(this.id())}`,
            { values },
          ),
        ),
      );
      this.editing.set(false);
    } catch (err) {
      this.saveError.set(apiError(err).message);
    } finally {
      this.saving.set(false);
    }
  }
}
