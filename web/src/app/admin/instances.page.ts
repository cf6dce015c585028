import { TranslatePipe } from '../core/i18n';
import { Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Router } from '@angular/router';
import { DatePipe } from '@angular/common';
import { HttpClient, HttpParams } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { type InstanceRow, STATE_NAMES, stateOf } from './instances.model';

/**
 * 流程监控 (like Operate): every instance with its state and where it is, newest first (filtered by
 * an end state: newest ended first).
 */
@Component({
  selector: 'app-instances',
  imports: [TranslatePipe, FormsModule, DatePipe, NzTableModule, NzTagModule, NzSelectModule],
  template: `
    <h2>{{ '流程监控' | t }}</h2>
    <div class="filters">
      <label class="sr-only" for="instances-state">{{ '状态' | t }}</label>
      <nz-select
        nzId="instances-state"
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
          <th>{{ '办结' | t }}</th>
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
            <td>{{ r.endedAt ? (r.endedAt | date: 'MM-dd HH:mm') : '—' }}</td>
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

  readonly stateOf = stateOf;

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
