import { TranslatePipe } from '../core/i18n';
import { Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Router } from '@angular/router';
import { DatePipe } from '@angular/common';
import { NzTabsModule } from 'ng-zorro-antd/tabs';
import { NzTableModule, type NzTableQueryParams } from 'ng-zorro-antd/table';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { NzBadgeModule } from 'ng-zorro-antd/badge';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { NzSwitchModule } from 'ng-zorro-antd/switch';
import { ApiService } from '../core/api.service';
import { LiveEvents } from '../core/live-events.service';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { FlowEntry, TaskDto, TaskView } from '../core/api.types';
import { candidates, dueSoon, statusName } from './task-labels';

const VIEWS: { view: TaskView; label: string }[] = [
  { view: 'mine', label: '我的待办' },
  { view: 'unclaimed', label: '科室待认领' },
  { view: 'done', label: '已办' },
  { view: 'started', label: '我发起的' },
  { view: 'cc', label: '抄送我的' },
];

@Component({
  selector: 'app-inbox',
  imports: [
    TranslatePipe,
    FormsModule,
    DatePipe,
    NzTabsModule,
    NzTableModule,
    NzTagModule,
    NzBadgeModule,
    NzSelectModule,
    NzSwitchModule,
  ],
  template: `
    <nz-tabs [nzSelectedIndex]="tabIndex()" (nzSelectedIndexChange)="selectTab($event)">
      @for (v of views; track v.view) {
        <nz-tab [nzTitle]="title">
          <ng-template #title
            ><span [attr.data-testid]="'tab-' + v.view"
              >{{ v.label | t }}
              <!-- the badge animates through every digit: read the count from the text beside it -->
              @if (counts()[v.view]; as n) {
                <nz-badge nzStandalone [nzCount]="n" nzSize="small" aria-hidden="true"></nz-badge>
                <span class="sr-only">（{{ n }}）</span>
              }
            </span></ng-template
          >
        </nz-tab>
      }
    </nz-tabs>
    <div class="filters">
      <label class="sr-only" for="inbox-process">{{ '流程' | t }}</label>
      <nz-select
        nzId="inbox-process"
        nzAllowClear
        [nzPlaceHolder]="'全部流程' | t"
        [(ngModel)]="processId"
        (ngModelChange)="reload(1)"
        class="process"
      >
        @for (f of flows(); track f.processId) {
          <nz-option [nzValue]="f.processId" [nzLabel]="f.name"></nz-option>
        }
      </nz-select>
      <label
        ><nz-switch [(ngModel)]="overdue" (ngModelChange)="reload(1)" nzSize="small"></nz-switch>
        {{ '只看超期' | t }}</label
      >
    </div>
    <nz-table
      #t
      nzSize="small"
      [nzData]="rows()"
      [nzFrontPagination]="false"
      [nzTotal]="total()"
      [nzPageIndex]="page()"
      [nzPageSize]="pageSize"
      [nzLoading]="loading()"
      (nzQueryParams)="onQuery($event)"
      data-testid="task-table"
    >
      <thead>
        <tr>
          <th>{{ '事项' | t }}</th>
          <th>{{ '当前环节' | t }}</th>
          <th>{{ '流程' | t }}</th>
          <th>{{ '项目' | t }}</th>
          <th>{{ '办理人 / 候选' | t }}</th>
          <th nzColumnKey="due" [nzSortFn]="true">{{ '期限' | t }}</th>
          <th>{{ '状态' | t }}</th>
        </tr>
      </thead>
      <tbody>
        @for (task of t.data; track task.id) {
          <tr
            class="row"
            (click)="open(task)"
            (keydown.enter)="open(task)"
            tabindex="0"
            [attr.data-testid]="'task-' + task.elementId"
          >
            <td>
              @if (task.processId === 'anomaly-escalation') {
                <nz-tag nzColor="red">{{ '要情' | t }}</nz-tag>
              }
              {{ task.title }}
            </td>
            <td>{{ task.name }}</td>
            <td>{{ task.processName }}</td>
            <td>{{ task.projectName ?? '—' }}</td>
            <td>{{ task.assignee ?? candidates(task) }}</td>
            <td>
              @if (task.dueDate) {
                {{ task.dueDate | date: 'MM-dd HH:mm' }}
                @if (task.overdue) {
                  <nz-tag nzColor="error">{{ '超期' | t }}</nz-tag>
                } @else if (dueSoon(task)) {
                  <nz-tag nzColor="warning">{{ '即将到期' | t }}</nz-tag>
                }
              }
            </td>
            <td>{{ statusName(task) | t }}</td>
          </tr>
        }
      </tbody>
    </nz-table>
  `,
  styles: `
    .filters {
      display: flex;
      gap: 16px;
      align-items: center;
      margin-bottom: 12px;
      flex-wrap: wrap;
    }
    .process {
      width: 220px;
    }
    .row {
      cursor: pointer;
    }
  `,
})
export class InboxPage {
  private readonly api = inject(ApiService);
  private readonly router = inject(Router);
  readonly views = VIEWS;
  readonly view = signal<TaskView>('mine');
  readonly tabIndex = signal(0);
  readonly rows = signal<TaskDto[]>([]);
  readonly total = signal(0);
  readonly page = signal(1);
  readonly loading = signal(false);
  readonly counts = signal<Partial<Record<TaskView, number>>>({});
  readonly flows = signal<FlowEntry[]>([]);
  readonly pageSize = 20;
  processId: string | null = null;
  overdue = false;
  private sort: string | undefined;

  constructor() {
    void this.api.flows().then((f) => this.flows.set(f.items));
    void this.reload(1);
    // New work appears without a reload (the shell keeps the live stream open).
    inject(LiveEvents)
      .taskChanged.pipe(takeUntilDestroyed())
      .subscribe(() => void this.reload(this.page()));
  }

  selectTab(i: number): void {
    this.tabIndex.set(i);
    this.view.set(VIEWS[i]!.view);
    void this.reload(1);
  }

  onQuery(p: NzTableQueryParams): void {
    const due = p.sort.find((s) => s.key === 'due')?.value;
    this.sort = due ? 'due' : undefined;
    if (p.pageIndex !== this.page() || due !== undefined) void this.reload(p.pageIndex);
  }

  async reload(page: number): Promise<void> {
    this.loading.set(true);
    try {
      const [r, c] = await Promise.all([
        this.api.tasks({
          view: this.view(),
          page,
          pageSize: this.pageSize,
          processId: this.processId ?? undefined,
          overdue: this.overdue,
          sort: this.sort,
        }),
        this.api.counts(),
      ]);
      this.rows.set(r.items);
      this.total.set(r.total);
      this.page.set(page);
      this.counts.set(c);
    } finally {
      this.loading.set(false);
    }
  }

  open(t: TaskDto): void {
    void this.router.navigate(['/tasks', t.id]);
  }

  readonly candidates = candidates;

  readonly dueSoon = (t: TaskDto) => dueSoon(t);

  readonly statusName = statusName;
}
