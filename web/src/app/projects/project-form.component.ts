import { Component, computed, effect, inject, input, output, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { HttpClient } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { NzFormModule } from 'ng-zorro-antd/form';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzInputNumberModule } from 'ng-zorro-antd/input-number';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { NzDatePickerModule } from 'ng-zorro-antd/date-picker';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { PROJECT_KINDS, PROJECT_STAGES, PROJECT_STAGE_NAMES, SECTIONS_OF_KIND } from '@ggzy/shared';
import { TranslatePipe } from '../core/i18n';
import { centerToday, localDay } from '../core/dates';
import { apiError } from '../core/api.service';
import { SECTION_NAMES } from '../core/labels';
import type { Reply } from '../core/api.types';

type Project = Reply<'project'>['project'];

/** A date picked (the browser's day) as the register writes it: YYYY-MM-DD. */
const dayOf = (d: Date | null): string | null => (d ? localDay(d) : null);
const dateOf = (day: string | null | undefined): Date | null =>
  day ? new Date(`${day}T00:00:00`) : null;

/**
 * Register a project or edit one (项目登记): number (new ones only), name, kind and the sections
 * that run it, tenderer and agent, budget, the dates in their order, the stage. The server checks
 * everything again; its problems are shown field by field.
 */
@Component({
  selector: 'app-project-form',
  imports: [
    TranslatePipe,
    FormsModule,
    NzFormModule,
    NzInputModule,
    NzInputNumberModule,
    NzSelectModule,
    NzDatePickerModule,
    NzButtonModule,
    NzAlertModule,
  ],
  template: `
    <form nz-form nzLayout="vertical" (ngSubmit)="save()" data-testid="project-form">
      <div class="grid">
        <nz-form-item>
          <nz-form-label nzRequired nzFor="p-id">{{ '项目编号' | t }}</nz-form-label>
          <nz-form-control [nzErrorTip]="problem('id')">
            <input
              nz-input
              id="p-id"
              name="id"
              [(ngModel)]="draft.id"
              [disabled]="!!project()"
              placeholder="XXGC-2027-001"
              data-testid="p-id"
            />
          </nz-form-control>
        </nz-form-item>
        <nz-form-item class="span2">
          <nz-form-label nzRequired nzFor="p-name">{{ '项目名称' | t }}</nz-form-label>
          <nz-form-control>
            <input nz-input id="p-name" name="name" [(ngModel)]="draft.name" data-testid="p-name" />
          </nz-form-control>
        </nz-form-item>
        <nz-form-item>
          <nz-form-label nzRequired nzFor="p-kind">{{ '项目类型' | t }}</nz-form-label>
          <nz-form-control>
            <nz-select
              nzId="p-kind"
              name="kind"
              [ngModel]="draft.kind"
              (ngModelChange)="setKind($event)"
              data-testid="p-kind"
            >
              @for (k of kinds; track k) {
                <nz-option [nzValue]="k" [nzLabel]="k"></nz-option>
              }
            </nz-select>
          </nz-form-control>
        </nz-form-item>
        <nz-form-item>
          <nz-form-label nzRequired nzFor="p-section">{{ '业务科室' | t }}</nz-form-label>
          <nz-form-control>
            <nz-select
              nzId="p-section"
              name="section"
              [(ngModel)]="draft.section"
              data-testid="p-section"
            >
              @for (s of sections(); track s) {
                <nz-option [nzValue]="s" [nzLabel]="sectionNames[s] ?? s"></nz-option>
              }
            </nz-select>
          </nz-form-control>
        </nz-form-item>
        <nz-form-item>
          <nz-form-label nzFor="p-stage">{{ '阶段' | t }}</nz-form-label>
          <nz-form-control>
            <nz-select nzId="p-stage" name="stage" [(ngModel)]="draft.stage" data-testid="p-stage">
              @for (s of stages; track s) {
                <nz-option [nzValue]="s" [nzLabel]="stageNames[s]"></nz-option>
              }
            </nz-select>
          </nz-form-control>
        </nz-form-item>
        <nz-form-item>
          <nz-form-label nzRequired nzFor="p-tenderer">{{ '招标人/采购人' | t }}</nz-form-label>
          <nz-form-control>
            <input
              nz-input
              id="p-tenderer"
              name="tenderer"
              [(ngModel)]="draft.tenderer"
              data-testid="p-tenderer"
            />
          </nz-form-control>
        </nz-form-item>
        <nz-form-item>
          <nz-form-label nzFor="p-agent">{{ '代理机构' | t }}</nz-form-label>
          <nz-form-control>
            <input
              nz-input
              id="p-agent"
              name="agent"
              [(ngModel)]="draft.agent"
              data-testid="p-agent"
            />
          </nz-form-control>
        </nz-form-item>
        <nz-form-item>
          <nz-form-label nzFor="p-budget">{{ '预算金额（元）' | t }}</nz-form-label>
          <nz-form-control>
            <nz-input-number
              nzId="p-budget"
              name="budget"
              [(ngModel)]="draft.budget"
              [nzMin]="0"
              [nzStep]="10000"
              class="full"
              data-testid="p-budget"
            ></nz-input-number>
          </nz-form-control>
        </nz-form-item>
        @for (f of dayFields; track f.key) {
          <nz-form-item>
            <nz-form-label [nzFor]="'p-' + f.key">{{ f.label | t }}</nz-form-label>
            <nz-form-control
              [nzValidateStatus]="problem(f.key) ? 'error' : ''"
              [nzErrorTip]="problem(f.key)"
            >
              <nz-date-picker
                [nzId]="'p-' + f.key"
                [name]="f.key"
                [(ngModel)]="dates[f.key]"
                class="full"
                [attr.data-testid]="'p-' + f.key"
              ></nz-date-picker>
            </nz-form-control>
          </nz-form-item>
        }
        <nz-form-item>
          <nz-form-label nzFor="p-openingAt">{{ '开标时间' | t }}</nz-form-label>
          <nz-form-control
            [nzValidateStatus]="problem('openingAt') ? 'error' : ''"
            [nzErrorTip]="problem('openingAt')"
          >
            <nz-date-picker
              nzId="p-openingAt"
              name="openingAt"
              nzShowTime
              nzFormat="yyyy-MM-dd HH:mm"
              [(ngModel)]="openingAt"
              class="full"
              data-testid="p-openingAt"
            ></nz-date-picker>
          </nz-form-control>
        </nz-form-item>
      </div>
      @if (error()) {
        <nz-alert nzType="error" [nzMessage]="error()!" data-testid="project-form-error"></nz-alert>
      }
      <div class="actions">
        <button
          nz-button
          nzType="primary"
          type="submit"
          [nzLoading]="saving()"
          data-testid="project-save"
        >
          {{ (project() ? '保存' : '登记') | t }}
        </button>
        <button nz-button type="button" (click)="cancelled.emit()">{{ '取消' | t }}</button>
      </div>
    </form>
  `,
  styles: `
    .grid {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(220px, 1fr));
      column-gap: 16px;
    }
    .span2 {
      grid-column: span 2;
    }
    .full {
      width: 100%;
    }
    .actions {
      display: flex;
      gap: 8px;
      margin-top: 12px;
    }
  `,
})
export class ProjectFormComponent {
  private readonly http = inject(HttpClient);
  /** The project edited; none: a new one. */
  readonly project = input<Project | null>(null);
  readonly saved = output<Project>();
  readonly cancelled = output<void>();

  readonly kinds = PROJECT_KINDS;
  readonly stages = PROJECT_STAGES;
  readonly stageNames = PROJECT_STAGE_NAMES;
  readonly sectionNames: Partial<Record<string, string>> = SECTION_NAMES;
  readonly dayFields = [
    { key: 'registeredOn', label: '登记日期' },
    { key: 'noticeOn', label: '公告日期' },
    { key: 'awardOn', label: '定标日期' },
    { key: 'contractOn', label: '合同签订日期' },
  ] as const;

  draft = this.blank();
  dates: Record<string, Date | null> = {};
  openingAt: Date | null = null;
  private readonly kind = signal<string>('工程建设');
  readonly sections = computed(
    () => SECTIONS_OF_KIND[this.kind() as keyof typeof SECTIONS_OF_KIND] ?? [],
  );
  readonly error = signal<string | null>(null);
  readonly problems = signal<Record<string, string>>({});
  readonly saving = signal(false);

  constructor() {
    effect(() => {
      const p = this.project();
      this.draft = p
        ? {
            id: p.id,
            name: p.name,
            kind: p.kind,
            section: p.section,
            stage: p.stage ?? 'registered',
            tenderer: p.tenderer ?? '',
            agent: p.agent ?? '',
            budget: p.budget ?? null,
          }
        : this.blank();
      this.kind.set(this.draft.kind);
      this.dates = {
        registeredOn: dateOf(p?.registeredOn),
        noticeOn: dateOf(p?.noticeOn),
        awardOn: dateOf(p?.awardOn),
        contractOn: dateOf(p?.contractOn),
      };
      if (!p) this.dates['registeredOn'] = new Date(`${centerToday()}T00:00:00`);
      this.openingAt = p?.openingAt ? new Date(p.openingAt) : null;
    });
  }

  private blank() {
    return {
      id: '',
      name: '',
      kind: '工程建设',
      section: 'engineering',
      stage: 'registered',
      tenderer: '',
      agent: '',
      budget: null as number | null,
    };
  }

  setKind(kind: string): void {
    this.draft.kind = kind;
    this.kind.set(kind);
    const allowed = this.sections();
    if (!allowed.includes(this.draft.section as never)) this.draft.section = allowed[0] ?? '';
  }

  problem(field: string): string {
    return this.problems()[field] ?? '';
  }

  async save(): Promise<void> {
    this.error.set(null);
    this.problems.set({});
    const p = this.project();
    const body = {
      name: this.draft.name,
      kind: this.draft.kind,
      section: this.draft.section,
      stage: this.draft.stage,
      tenderer: this.draft.tenderer,
      agent: this.draft.agent || null,
      budget: this.draft.budget ?? null,
      registeredOn: dayOf(this.dates['registeredOn'] ?? null),
      noticeOn: dayOf(this.dates['noticeOn'] ?? null),
      awardOn: dayOf(this.dates['awardOn'] ?? null),
      contractOn: dayOf(this.dates['contractOn'] ?? null),
      openingAt: this.openingAt ? this.openingAt.toISOString() : null,
    };
    this.saving.set(true);
    try {
      const r = p
        ? await firstValueFrom(
            this.http.put<Reply<'saveProject'>>(`/api/projects/${encodeURIComponent(p.id)}`, {
              ...body,
              version: p.version ?? 0,
            }),
          )
        : await firstValueFrom(
            this.http.post<Reply<'createProject'>>('/api/projects', { id: this.draft.id, ...body }),
          );
      this.saved.emit(r.project);
    } catch (err) {
      const e = apiError(err);
      this.error.set(e.message);
      this.problems.set(
        Object.fromEntries(
          (e.details ?? []).map((d) => [d.field ?? d.path ?? '', d.message] as [string, string]),
        ),
      );
    } finally {
      this.saving.set(false);
    }
  }
}
