import { TranslatePipe } from '../core/i18n';
import { Component, computed, inject, signal, viewChild, input } from '@angular/core';
import { Router } from '@angular/router';
import { NzCardModule } from 'ng-zorro-antd/card';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzListModule } from 'ng-zorro-antd/list';
import { ApiService, apiError } from '../core/api.service';
import type { ApiError, FlowEntry, FormSchema } from '../core/api.types';
import { FormViewComponent } from '../task/form-view.component';
import { FilePickerComponent, type PickedFile } from '../core/file-picker.component';

/** 发起: the flows this user may start, each with its start form and attachments. */
@Component({
  selector: 'app-start',
  imports: [
    TranslatePipe,
    NzCardModule,
    NzButtonModule,
    NzAlertModule,
    NzListModule,
    FormViewComponent,
    FilePickerComponent,
  ],
  template: `
    @if (!flow()) {
      <nz-card [nzTitle]="'发起流程' | t">
        @for (f of startable(); track f.processId) {
          <button
            nz-button
            class="flow"
            (click)="choose(f)"
            [attr.data-testid]="'start-' + f.processId"
          >
            {{ f.name }}
          </button>
        } @empty {
          <p>{{ '您没有可发起的流程。' | t }}</p>
        }
      </nz-card>
    } @else {
      <nz-card [nzTitle]="flow()!.name">
        @if (schema(); as s) {
          <app-form-view [schema]="s" [data]="options()" />
        }
        <h4>{{ '附件' | t }}</h4>
        <app-file-picker name="start" (picked)="upload($event)" />
        <nz-list nzSize="small">
          @for (a of uploaded(); track a.id) {
            <nz-list-item>{{ a.label }}：{{ a.filename }}</nz-list-item>
          }
        </nz-list>
        @if (error(); as e) {
          <nz-alert nzType="error" nzShowIcon [nzMessage]="e.message" class="gap"></nz-alert>
        }
        <button nz-button nzType="primary" (click)="submit()" data-testid="submit-start">
          {{ '提交' | t }}
        </button>
        <button nz-button (click)="flow.set(null)">{{ '返回' | t }}</button>
      </nz-card>
    }
  `,
  styles: `
    .flow {
      margin: 0 8px 8px 0;
    }
    .upload {
      display: flex;
      gap: 8px;
      align-items: center;
      margin-bottom: 8px;
    }
    .category {
      width: 200px;
    }
    .gap {
      margin: 12px 0;
    }
  `,
})
export class StartPage {
  private readonly api = inject(ApiService);
  private readonly router = inject(Router);
  readonly flows = signal<FlowEntry[]>([]);
  readonly startable = computed(() => this.flows().filter((f) => f.startable));
  readonly flow = signal<FlowEntry | null>(null);
  readonly schema = signal<FormSchema | null>(null);
  readonly options = signal<Record<string, unknown>>({});
  readonly uploaded = signal<{ id: string; filename: string; label: string }[]>([]);
  readonly error = signal<ApiError | null>(null);
  private readonly formView = viewChild(FormViewComponent);

  /** `?process=<id>&prefill=<JSON>`: open that flow's form with fields filled in (上报异常 from a witness record). */
  readonly process = input<string>();
  readonly prefill = input<string>();
  /** `&witnessRecord=<id>`: the witness record the report comes from, linked to it once started. */
  readonly witnessRecord = input<string>();

  constructor() {
    void this.api.flows().then(async (r) => {
      this.flows.set(r.items);
      const wanted = r.items.find((f) => f.processId === this.process() && f.startable);
      if (wanted) await this.choose(wanted);
    });
  }

  /** The fields a link fills in (only plain values; the form checks them like typed ones). */
  private filled(): Record<string, unknown> {
    try {
      const v = JSON.parse(this.prefill() ?? '{}') as unknown;
      return v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(
            Object.entries(v).filter(([, x]) => ['string', 'number', 'boolean'].includes(typeof x)),
          )
        : {};
    } catch {
      return {};
    }
  }

  async choose(f: FlowEntry): Promise<void> {
    this.flow.set(f);
    this.uploaded.set([]);
    this.error.set(null);
    if (f.startFormId) {
      const r = await this.api.form(f.startFormId);
      this.options.set({ ...r.options, ...(f.processId === this.process() ? this.filled() : {}) });
      this.schema.set(r.form);
    }
  }

  async upload(p: PickedFile): Promise<void> {
    try {
      const r = await this.api.upload(p.file, p.category);
      this.uploaded.update((u) => [...u, { ...r, label: p.categoryLabel }]);
    } catch (err) {
      this.error.set(apiError(err));
    }
  }

  async submit(): Promise<void> {
    const f = this.flow();
    if (!f) return;
    const values = this.formView()?.values();
    if (f.startFormId && !values) return;
    const known = new Set(
      ((this.schema()?.components ?? []) as { key?: string }[]).map((c) => c.key).filter(Boolean),
    );
    const variables = Object.fromEntries(
      Object.entries(values ?? {}).filter(([k]) => known.has(k)),
    );
    try {
      const started = await this.api.start(
        f.processId,
        variables,
        this.uploaded().map((u) => u.id),
      );
      const from = this.witnessRecord();
      if (from && f.processId === 'anomaly-escalation')
        await this.api.linkWitnessReport(from, started.id).catch(() => undefined);
      await this.router.navigate(['/inbox'], { queryParams: { view: 'started' } });
    } catch (err) {
      const e = apiError(err);
      this.error.set(e);
      if (e.code === 'FORM_INVALID')
        this.formView()?.showErrors(
          (e.details ?? []).map((d) => ({ field: d.field, message: d.message })),
        );
    }
  }
}
