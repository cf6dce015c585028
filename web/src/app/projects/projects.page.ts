import { Component, computed, inject, signal } from '@angular/core';
import { DatePipe, DecimalPipe } from '@angular/common';
import { FormsModule } from '@angular/forms';
import { HttpClient, HttpParams } from '@angular/common/http';
import { Router, RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { NzTableModule, type NzTableQueryParams } from 'ng-zorro-antd/table';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { NzDrawerModule } from 'ng-zorro-antd/drawer';
import {
  PROJECT_KINDS,
  PROJECT_STAGES,
  PROJECT_STAGE_NAMES,
  BUSINESS_SECTIONS,
} from '@ggzy/shared';
import { TranslatePipe } from '../core/i18n';
import { AuthService } from '../core/auth.service';
import { SECTION_NAMES } from '../core/labels';
import type { Reply } from '../core/api.types';
import { ProjectFormComponent } from './project-form.component';
import { ProjectImportComponent } from './project-import.component';

type Project = Reply<'projects'>['items'][number];

/**
 * 项目登记簿: every trading project, searched by words (number, name, tenderer, agent) and filtered
 * by kind, section and stage, a page at a time; registering one by hand or many from a sheet.
 */
@Component({
  selector: 'app-projects',
  imports: [
    TranslatePipe,
    DatePipe,
    DecimalPipe,
    FormsModule,
    RouterLink,
    NzTableModule,
    NzInputModule,
    NzSelectModule,
    NzButtonModule,
    NzTagModule,
    NzDrawerModule,
    ProjectFormComponent,
    ProjectImportComponent,
  ],
  template: `
    <h2>{{ '项目登记簿' | t }}</h2>
    <div class="bar">
      <label class="sr-only" for="project-q">{{ '搜索项目' | t }}</label>
      <input
        nz-input
        id="project-q"
        class="q"
        [(ngModel)]="q"
        (keyup.enter)="search()"
        [placeholder]="'编号、名称、招标人、代理机构' | t"
        data-testid="project-q"
      />
      <label class="sr-only" for="project-kind">{{ '项目类型' | t }}</label>
      <nz-select
        nzId="project-kind"
        nzAllowClear
        [nzPlaceHolder]="'项目类型' | t"
        [(ngModel)]="kind"
        (ngModelChange)="search()"
        class="pick"
        data-testid="project-kind"
      >
        @for (k of kinds; track k) {
          <nz-option [nzValue]="k" [nzLabel]="k"></nz-option>
        }
      </nz-select>
      <label class="sr-only" for="project-section">{{ '业务科室' | t }}</label>
      <nz-select
        nzId="project-section"
        nzAllowClear
        [nzPlaceHolder]="'业务科室' | t"
        [(ngModel)]="section"
        (ngModelChange)="search()"
        class="pick"
      >
        @for (s of sections; track s) {
          <nz-option [nzValue]="s" [nzLabel]="sectionNames[s] ?? s"></nz-option>
        }
      </nz-select>
      <label class="sr-only" for="project-stage">{{ '阶段' | t }}</label>
      <nz-select
        nzId="project-stage"
        nzAllowClear
        [nzPlaceHolder]="'阶段' | t"
        [(ngModel)]="stage"
        (ngModelChange)="search()"
        class="pick"
        data-testid="project-stage"
      >
        @for (s of stages; track s) {
          <nz-option [nzValue]="s" [nzLabel]="stageNames[s]"></nz-option>
        }
      </nz-select>
      <button nz-button (click)="search()" data-testid="project-search">{{ '查询' | t }}</button>
      @if (mayRegister()) {
        <span class="grow"></span>
        <button nz-button nzType="primary" (click)="creating.set(true)" data-testid="project-new">
          {{ '登记项目' | t }}
        </button>
        <button nz-button (click)="importing.set(true)" data-testid="project-import">
          {{ 'Excel 导入' | t }}
        </button>
      }
    </div>
    <nz-table
      [nzData]="rows()"
      nzSize="small"
      [nzFrontPagination]="false"
      [nzTotal]="total()"
      [nzPageIndex]="page()"
      [nzPageSize]="pageSize"
      [nzLoading]="loading()"
      (nzQueryParams)="paged($event)"
      [nzShowTotal]="totalTpl"
      data-testid="projects-table"
    >
      <thead>
        <tr>
          <th>{{ '项目编号' | t }}</th>
          <th>{{ '项目名称' | t }}</th>
          <th>{{ '项目类型' | t }}</th>
          <th>{{ '业务科室' | t }}</th>
          <th>{{ '招标人/采购人' | t }}</th>
          <th>{{ '代理机构' | t }}</th>
          <th nzAlign="right">{{ '预算（万元）' | t }}</th>
          <th>{{ '登记日期' | t }}</th>
          <th>{{ '开标时间' | t }}</th>
          <th>{{ '阶段' | t }}</th>
        </tr>
      </thead>
      <tbody>
        @for (p of rows(); track p.id) {
          <tr [attr.data-testid]="'project-' + p.id">
            <td>
              <a [routerLink]="['/projects', p.id]">{{ p.id }}</a>
            </td>
            <td>{{ p.name }}</td>
            <td>{{ p.kind }}</td>
            <td>{{ sectionNames[p.section] ?? p.section }}</td>
            <td>{{ p.tenderer ?? '' }}</td>
            <td>{{ p.agent ?? '' }}</td>
            <td nzAlign="right">
              {{ p.budget != null ? (p.budget / 10000 | number: '1.0-2') : '' }}
            </td>
            <td>{{ p.registeredOn ?? '' }}</td>
            <td>{{ p.openingAt ? (p.openingAt | date: 'yyyy-MM-dd HH:mm' : '+0800') : '' }}</td>
            <td>
              <nz-tag
                [nzColor]="
                  p.stage === 'archived' ? 'default' : p.stage === 'terminated' ? 'red' : 'blue'
                "
              >
                {{ stageNames[p.stage ?? 'registered'] }}
              </nz-tag>
              @if (p.status === 'paused') {
                <nz-tag nzColor="orange">{{ '暂停' | t }}</nz-tag>
              }
            </td>
          </tr>
        }
      </tbody>
    </nz-table>
    <ng-template #totalTpl let-total>{{ '共' | t }} {{ total }}</ng-template>

    <nz-drawer
      [nzVisible]="creating()"
      [nzWidth]="760"
      [nzTitle]="'登记项目' | t"
      (nzOnClose)="creating.set(false)"
    >
      <ng-container *nzDrawerContent>
        <app-project-form (saved)="created($event)" (cancelled)="creating.set(false)" />
      </ng-container>
    </nz-drawer>
    <nz-drawer
      [nzVisible]="importing()"
      [nzWidth]="760"
      [nzTitle]="'从 Excel 导入项目' | t"
      (nzOnClose)="importing.set(false)"
    >
      <ng-container *nzDrawerContent>
        <app-project-import (imported)="afterImport()" />
      </ng-container>
    </nz-drawer>
  `,
  styles: `
    .bar {
      display: flex;
      gap: 8px;
      align-items: center;
      flex-wrap: wrap;
      margin-bottom: 12px;
    }
    .q {
      width: 260px;
    }
    .pick {
      width: 150px;
    }
    .grow {
      flex: 1;
    }
  `,
})
export class ProjectsPage {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);
  private readonly auth = inject(AuthService);
  readonly kinds = PROJECT_KINDS;
  readonly stages = PROJECT_STAGES;
  readonly stageNames = PROJECT_STAGE_NAMES;
  readonly sectionNames: Partial<Record<string, string>> = SECTION_NAMES;
  readonly sections = BUSINESS_SECTIONS;
  readonly pageSize = 20;

  q = '';
  kind: string | null = null;
  section: string | null = null;
  stage: string | null = null;
  readonly rows = signal<Project[]>([]);
  readonly total = signal(0);
  readonly page = signal(1);
  readonly loading = signal(false);
  readonly creating = signal(false);
  readonly importing = signal(false);
  /** The register's writers: admins, 综合科 and the business sections (the server decides per project). */
  readonly mayRegister = computed(() => {
    const u = this.auth.user();
    return (
      !!u &&
      (u.roles.includes('admin') ||
        u.sections.some(
          (s) => s === 'general' || (BUSINESS_SECTIONS as readonly string[]).includes(s),
        ))
    );
  });

  constructor() {
    void this.load();
  }

  search(): void {
    this.page.set(1);
    void this.load();
  }

  paged(p: NzTableQueryParams): void {
    if (p.pageIndex === this.page()) return;
    this.page.set(p.pageIndex);
    void this.load();
  }

  async load(): Promise<void> {
    let params = new HttpParams().set('page', this.page()).set('pageSize', this.pageSize);
    if (this.q.trim()) params = params.set('q', this.q.trim());
    if (this.kind) params = params.set('kind', this.kind);
    if (this.section) params = params.set('section', this.section);
    if (this.stage) params = params.set('stage', this.stage);
    this.loading.set(true);
    try {
      const r = await firstValueFrom(this.http.get<Reply<'projects'>>('/api/projects', { params }));
      this.rows.set(r.items);
      this.total.set(r.total);
    } finally {
      this.loading.set(false);
    }
  }

  created(p: { id: string }): void {
    this.creating.set(false);
    void this.router.navigate(['/projects', p.id]);
  }

  afterImport(): void {
    this.search();
  }
}
