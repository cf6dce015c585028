import { TranslatePipe } from '../core/i18n';
import { Component, inject, input, signal, effect } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { DatePipe, JsonPipe } from '@angular/common';
import { HttpClient, HttpParams } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzCardModule } from 'ng-zorro-antd/card';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzInputModule } from 'ng-zorro-antd/input';
import { apiError } from '../core/api.service';
import { ACTION_LABELS } from '../core/labels';
import { DiagramViewComponent } from '../task/diagram-view.component';

interface InstanceRow {
  id: string;
  title: string;
  processName: string;
  version: number;
  state: string;
  starterName: string;
  startedAt: string;
  currentSteps: string[];
}

export const STATE_NAMES: Record<string, { label: string; color: string }> = {
  active: { label: '进行中', color: 'processing' },
  incident: { label: '故障', color: 'error' },
  completed: { label: '已办结', color: 'success' },
  canceled: { label: '已终止', color: 'default' },
  withdrawn: { label: '已撤回', color: 'default' },
};

/** 流程监控 (like Operate): every instance with its state and where it is. */
@Component({
  selector: 'app-instances',
  imports: [TranslatePipe, FormsModule, DatePipe, NzTableModule, NzTagModule, NzSelectModule],
  template: `
    <h2>{{ '流程监控' | t }}</h2>
    <div class="filters">
      <nz-select
        nzAllowClear
        nzPlaceHolder="全部状态"
        [(ngModel)]="state"
        (ngModelChange)="load(1)"
        class="state"
      >
        @for (s of states; track s[0]) {
          <nz-option [nzValue]="s[0]" [nzLabel]="s[1].label"></nz-option>
        }
      </nz-select>
    </div>
    <nz-table
      [nzData]="rows()"
      nzSize="small"
      [nzFrontPagination]="false"
      [nzTotal]="total()"
      [nzPageIndex]="page()"
      (nzPageIndexChange)="load($event)"
      #t
    >
      <thead>
        <tr>
          <th>{{ '事项' | t }}</th>
          <th>{{ '流程' | t }}</th>
          <th>{{ '当前环节' | t }}</th>
          <th>{{ '状态' | t }}</th>
          <th>{{ '发起' | t }}</th>
        </tr>
      </thead>
      <tbody>
        @for (r of t.data; track r.id) {
          <tr
            class="row"
            (click)="open(r)"
            tabindex="0"
            (keydown.enter)="open(r)"
            [attr.data-testid]="'instance-' + r.id"
          >
            <td>{{ r.title }}</td>
            <td>{{ r.processName }} v{{ r.version }}</td>
            <td>{{ r.currentSteps.join('、') || '—' }}</td>
            <td>
              <nz-tag [nzColor]="stateOf(r.state).color">{{ stateOf(r.state).label }}</nz-tag>
            </td>
            <td>{{ r.starterName }} {{ r.startedAt | date: 'MM-dd HH:mm' }}</td>
          </tr>
        }
      </tbody>
    </nz-table>
  `,
  styles: `
    .filters {
      margin-bottom: 12px;
    }
    .state {
      width: 160px;
    }
    .row {
      cursor: pointer;
    }
  `,
})
export class InstancesPage {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);
  readonly rows = signal<InstanceRow[]>([]);
  readonly total = signal(0);
  readonly page = signal(1);
  readonly states = Object.entries(STATE_NAMES);
  state: string | null = null;

  constructor() {
    void this.load(1);
  }

  stateOf(s: string) {
    return STATE_NAMES[s] ?? { label: s, color: 'default' };
  }

  async load(page: number): Promise<void> {
    let params = new HttpParams().set('page', page).set('pageSize', 20);
    if (this.state) params = params.set('state', this.state);
    const r = await firstValueFrom(
      this.http.get<{ items: InstanceRow[]; total: number }>('/api/process-instances', { params }),
    );
    this.rows.set(r.items);
    this.total.set(r.total);
    this.page.set(page);
  }

  open(r: InstanceRow): void {
    void this.router.navigate(['/admin/instances', r.id]);
  }
}

interface Detail {
  instance: InstanceRow & { starter: string };
  engine: {
    status: string;
    activeElements: string[];
    incidents: { key: string; elementId: string; type: string; message: string; status: string }[];
  } | null;
  diagram: { xml: string } | null;
  completedElements: string[];
  tasks: { elementId: string; status: string; kind: string }[];
  timeline: {
    seq: number;
    at: string;
    actor: string;
    action: string;
    data: Record<string, unknown>;
  }[];
  variables: Record<string, unknown>;
}

/** One instance: the diagram with where it is, incidents to retry, cancel, the trail and the variables. */
@Component({
  selector: 'app-instance',
  imports: [
    TranslatePipe,
    FormsModule,
    RouterLink,
    DatePipe,
    JsonPipe,
    NzTagModule,
    NzButtonModule,
    NzCardModule,
    NzAlertModule,
    NzInputModule,
    DiagramViewComponent,
  ],
  template: `
    <a routerLink="/admin/instances">{{ '← 流程监控' | t }}</a>
    @if (d(); as d) {
      <h2>
        {{ d.instance.title }}
        <nz-tag [nzColor]="stateOf(d.instance.state).color">{{
          stateOf(d.instance.state).label
        }}</nz-tag>
      </h2>
      @if (notice()) {
        <nz-alert nzType="success" [nzMessage]="notice()!"></nz-alert>
      }
      @if (error()) {
        <nz-alert nzType="error" [nzMessage]="error()!"></nz-alert>
      }
      @for (i of openIncidents(); track i.key) {
        <nz-alert
          nzType="error"
          nzShowIcon
          [nzMessage]="'故障：' + i.elementId + '（' + i.type + '）'"
          [nzDescription]="i.message"
          class="gap"
          data-testid="incident"
        ></nz-alert>
        <button nz-button nzType="primary" (click)="retry(i.key)" data-testid="retry">
          {{ '修复后重试' | t }}
        </button>
      }
      @if (d.instance.state === 'active' || d.instance.state === 'incident') {
        <div class="cancel">
          <input nz-input [(ngModel)]="reason" placeholder="终止原因" class="reason" />
          <button nz-button nzDanger (click)="cancel()" [disabled]="!reason.trim()">
            {{ '终止流程' | t }}
          </button>
        </div>
      }
      @if (d.diagram) {
        <nz-card [nzTitle]="'流程图' | t" nzSize="small" class="gap">
          <app-diagram-view
            [xml]="d.diagram.xml"
            [current]="d.engine?.activeElements ?? []"
            [done]="d.completedElements"
            [counts]="tokens()"
          />
        </nz-card>
      }
      <nz-card [nzTitle]="'办理过程' | t" nzSize="small" class="gap">
        @for (e of d.timeline; track e.seq) {
          <div>
            {{ e.at | date: 'MM-dd HH:mm:ss' }} {{ e.actor }} {{ label(e.action) }}
            {{ e.data['taskName'] ?? '' }}
          </div>
        }
      </nz-card>
      <nz-card [nzTitle]="'变量' | t" nzSize="small" class="gap">
        <pre>{{ d.variables | json }}</pre>
      </nz-card>
    }
  `,
  styles: `
    .gap {
      margin: 12px 0;
    }
    .cancel {
      display: flex;
      gap: 8px;
      margin: 12px 0;
    }
    .reason {
      width: 280px;
    }
    pre {
      max-height: 300px;
      overflow: auto;
    }
  `,
})
export class InstancePage {
  private readonly http = inject(HttpClient);
  readonly id = input.required<string>();
  readonly d = signal<Detail | null>(null);
  readonly notice = signal<string | null>(null);
  readonly error = signal<string | null>(null);
  reason = '';

  constructor() {
    effect(() => void this.load(this.id()));
  }

  stateOf(s: string) {
    return STATE_NAMES[s] ?? { label: s, color: 'default' };
  }

  label(a: string): string {
    return ACTION_LABELS[a] ?? a;
  }

  /** Where the tokens are: open tasks per step, one for any other waiting element. */
  tokens(): Record<string, number> {
    const d = this.d();
    const out: Record<string, number> = {};
    for (const id of d?.engine?.activeElements ?? []) out[id] = 0;
    for (const t of d?.tasks ?? [])
      if (t.status === 'open' && t.kind === 'engine')
        out[t.elementId] = (out[t.elementId] ?? 0) + 1;
    for (const id of Object.keys(out)) out[id] ||= 1;
    return out;
  }

  openIncidents() {
    return (this.d()?.engine?.incidents ?? []).filter((i) => i.status === 'open');
  }

  async load(id: string): Promise<void> {
    this.d.set(
      await firstValueFrom(
        this.http.get<Detail>(`/api/process-instances/${encodeURIComponent(id)}`),
      ),
    );
  }

  async retry(key: string): Promise<void> {
    this.error.set(null);
    try {
      await firstValueFrom(
        this.http.post(
          `/api/process-instances/${encodeURIComponent(this.id())}/incidents/${encodeURIComponent(key)}/resolve`,
          { retries: 1 },
        ),
      );
      this.notice.set('已重试');
      setTimeout(() => void this.load(this.id()), 500);
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }

  async cancel(): Promise<void> {
    this.error.set(null);
    try {
      await firstValueFrom(
        this.http.post(`/api/process-instances/${encodeURIComponent(this.id())}/cancel`, {
          reason: this.reason.trim(),
        }),
      );
      this.notice.set('已终止');
      await this.load(this.id());
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }
}
