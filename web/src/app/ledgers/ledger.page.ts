import { Component, computed, effect, inject, input, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { HttpClient, HttpParams } from '@angular/common/http';
import { Router, RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzDrawerModule } from 'ng-zorro-antd/drawer';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { LEDGERS, printLedgerValue, type LedgerField, type LedgerKind } from '@ggzy/shared';
import { TranslatePipe } from '../core/i18n';
import { centerToday } from '../core/dates';
import { apiError } from '../core/api.service';
import { downloadFile } from '../core/download';
import type { Reply } from '../core/api.types';
import { LedgerEntryComponent, type LedgerValues } from './ledger-entry.component';

type Month = Reply<'ledger'>;
type Summary = Reply<'ledgers'>['items'][number];

/**
 * 台账: the registers of supervision and evaluation (表一、二、三、五、六、八, complaints, the mailbox,
 * credit) — the one chosen, month by month, as the paper table lays it out; an item opens its page;
 * its writers enter paper forms and arrivals by hand; a month exports as .xlsx or PDF.
 */
@Component({
  selector: 'app-ledger',
  imports: [
    TranslatePipe,
    FormsModule,
    RouterLink,
    NzButtonModule,
    NzInputModule,
    NzSelectModule,
    NzTableModule,
    NzDrawerModule,
    NzAlertModule,
    NzTagModule,
    LedgerEntryComponent,
  ],
  templateUrl: './ledger.page.html',
  styleUrl: './ledger.page.scss',
})
export class LedgerPage {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);
  /** The register, from the route (`/ledgers/:kind`). */
  readonly kind = input<string>();
  readonly registers = signal<Summary[]>([]);
  readonly data = signal<Month | null>(null);
  readonly error = signal<string | null>(null);
  readonly entering = signal(false);
  readonly entryError = signal<string | null>(null);
  readonly saving = signal(false);
  month = centerToday().slice(0, 7);
  readonly def = computed(() => {
    const k = this.kind();
    return k && k in LEDGERS ? LEDGERS[k as LedgerKind] : null;
  });
  /** The columns the screen shows (long texts last, cut short). */
  readonly columns = computed(() => this.def()?.fields ?? []);

  constructor() {
    void this.loadRegisters();
    effect(() => {
      if (this.kind()) void this.load();
    });
  }

  async loadRegisters(): Promise<void> {
    try {
      const r = await firstValueFrom(this.http.get<Reply<'ledgers'>>('/api/ledgers'));
      this.registers.set(r.items);
      if (!this.kind() && r.items[0])
        void this.router.navigate(['/ledgers', r.items[0].kind], { replaceUrl: true });
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }

  choose(kind: string): void {
    void this.router.navigate(['/ledgers', kind]);
  }

  async load(): Promise<void> {
    this.error.set(null);
    try {
      const params = new HttpParams().set('month', this.month);
      this.data.set(
        await firstValueFrom(this.http.get<Month>(`/api/ledgers/${this.kind()}`, { params })),
      );
    } catch (err) {
      this.data.set(null);
      this.error.set(apiError(err).message);
    }
  }

  cell(f: LedgerField, values: Record<string, unknown>): string {
    const text = printLedgerValue(f, values[f.key]);
    return f.type === 'long' && text.length > 40 ? `${text.slice(0, 40)}…` : text;
  }

  async enter(values: LedgerValues): Promise<void> {
    this.saving.set(true);
    this.entryError.set(null);
    try {
      await firstValueFrom(this.http.post(`/api/ledgers/${this.kind()}`, { values }));
      this.entering.set(false);
      await this.load();
    } catch (err) {
      this.entryError.set(apiError(err).message);
    } finally {
      this.saving.set(false);
    }
  }

  async export(format: 'xlsx' | 'pdf'): Promise<void> {
    this.error.set(null);
    const def = this.def();
    try {
      await downloadFile(
        this.http,
        `/api/ledgers/${this.kind()}/export?month=${this.month}&format=${format}`,
        `${def?.table ?? ''}${def?.zh ?? ''}-${this.month}.${format}`,
      );
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }
}
