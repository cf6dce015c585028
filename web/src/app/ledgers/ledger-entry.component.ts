import { Component, input, output, type OnInit } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { NzCheckboxModule } from 'ng-zorro-antd/checkbox';
import { NzInputNumberModule } from 'ng-zorro-antd/input-number';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import type { LedgerField } from '@ggzy/shared';
import { TranslatePipe } from '../core/i18n';

export type LedgerValues = Record<string, string | number | boolean | null>;

/**
 * The form of a register's item, drawn from its columns: text, long text, a date, a moment, a
 * choice, yes/no, a number — the required ones marked. Entering (all columns) or adding to an item
 * (`fields` limited to what may still be written, its values given).
 */
@Component({
  selector: 'app-ledger-entry',
  imports: [
    TranslatePipe,
    FormsModule,
    NzButtonModule,
    NzInputModule,
    NzSelectModule,
    NzCheckboxModule,
    NzInputNumberModule,
    NzAlertModule,
  ],
  template: `
    <form class="form" (ngSubmit)="submit()">
      @for (f of fields(); track f.key) {
        <label [for]="'le-' + f.key" [class.req]="f.required">{{ f.zh }}</label>
        @switch (f.type) {
          @case ('long') {
            <textarea
              nz-input
              rows="3"
              [id]="'le-' + f.key"
              [name]="f.key"
              [(ngModel)]="values[f.key]"
              [attr.data-testid]="'le-' + f.key"
            ></textarea>
          }
          @case ('date') {
            <input
              nz-input
              type="date"
              [id]="'le-' + f.key"
              [name]="f.key"
              [(ngModel)]="values[f.key]"
              [attr.data-testid]="'le-' + f.key"
            />
          }
          @case ('datetime') {
            <input
              nz-input
              type="datetime-local"
              [id]="'le-' + f.key"
              [name]="f.key"
              [(ngModel)]="values[f.key]"
              [attr.data-testid]="'le-' + f.key"
            />
          }
          @case ('choice') {
            <nz-select
              [nzId]="'le-' + f.key"
              [name]="f.key"
              [(ngModel)]="values[f.key]"
              nzAllowClear
              [attr.data-testid]="'le-' + f.key"
            >
              @for (o of f.options ?? []; track o) {
                <nz-option [nzValue]="o" [nzLabel]="o"></nz-option>
              }
            </nz-select>
          }
          @case ('bool') {
            <label
              nz-checkbox
              [id]="'le-' + f.key"
              [name]="f.key"
              [(ngModel)]="values[f.key]"
              [attr.data-testid]="'le-' + f.key"
              >{{ '是' | t }}</label
            >
          }
          @case ('number') {
            <nz-input-number
              [nzId]="'le-' + f.key"
              [name]="f.key"
              [(ngModel)]="values[f.key]"
              [nzMin]="0"
              [attr.data-testid]="'le-' + f.key"
            ></nz-input-number>
          }
          @default {
            <input
              nz-input
              [id]="'le-' + f.key"
              [name]="f.key"
              [(ngModel)]="values[f.key]"
              [attr.data-testid]="'le-' + f.key"
            />
          }
        }
      }
      @if (error()) {
        <nz-alert
          class="span"
          nzType="error"
          [nzMessage]="error()!"
          data-testid="le-error"
        ></nz-alert>
      }
      <span></span>
      <button nz-button nzType="primary" type="submit" [nzLoading]="busy()" data-testid="le-submit">
        {{ '保存' | t }}
      </button>
    </form>
  `,
  styles: `
    .form {
      display: grid;
      grid-template-columns: 140px 1fr;
      gap: 8px 12px;
      align-items: center;
    }
    .req::before {
      content: '* ';
      color: #cf1322;
    }
    .span {
      grid-column: 1 / -1;
    }
    nz-select,
    nz-input-number {
      width: 100%;
    }
  `,
})
export class LedgerEntryComponent implements OnInit {
  readonly fields = input.required<readonly LedgerField[]>();
  /** The values it starts from (adding to an item). */
  readonly initial = input<LedgerValues>({});
  readonly error = input<string | null>(null);
  readonly busy = input(false);
  readonly save = output<LedgerValues>();
  values: LedgerValues = {};

  ngOnInit(): void {
    const v: LedgerValues = {};
    for (const f of this.fields()) {
      const x = this.initial()[f.key];
      v[f.key] = f.type === 'datetime' && typeof x === 'string' ? toLocalInput(x) : (x ?? null);
    }
    this.values = v;
  }

  /** Only what was filled in, as the API takes it (moments with their offset). */
  submit(): void {
    const out: LedgerValues = {};
    for (const f of this.fields()) {
      let v = this.values[f.key];
      if (v === '' || v === undefined) v = null;
      if (v === null && !this.initial()[f.key]) continue;
      if (f.type === 'datetime' && typeof v === 'string') v = new Date(v).toISOString();
      if (f.type === 'bool') v = v === true;
      out[f.key] = v;
    }
    this.save.emit(out);
  }
}

/** An ISO moment as the browser's datetime-local input shows it (local time, to the minute). */
function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
