import { TranslatePipe } from '../core/i18n';
import { Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { DatePipe } from '@angular/common';
import { HttpClient } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import type { ProcessDefinitionDto } from '../core/api.types';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzTagModule } from 'ng-zorro-antd/tag';

type Version = ProcessDefinitionDto;

/** 流程设计: every process with its versions and where its latest came from (a file, or which admin); open the latest in the modeler. */
@Component({
  selector: 'app-processes',
  imports: [TranslatePipe, RouterLink, DatePipe, NzTableModule, NzButtonModule, NzTagModule],
  template: `
    <h2>{{ '流程设计' | t }}</h2>
    <nz-table [nzData]="latest()" nzSize="small" [nzShowPagination]="false" #t>
      <thead>
        <tr>
          <th>{{ '流程' | t }}</th>
          <th>{{ '标识' | t }}</th>
          <th>{{ '版本' | t }}</th>
          <th>{{ '部署时间' | t }}</th>
          <th>{{ '来源' | t }}</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        @for (v of t.data; track v.key) {
          <tr>
            <td>{{ v.name ?? v.processId }}</td>
            <td>
              <code>{{ v.processId }}</code>
            </td>
            <td>
              <nz-tag nzColor="blue">v{{ v.version }}</nz-tag>
              @for (o of older(v.processId); track o.key) {
                <nz-tag>v{{ o.version }}</nz-tag>
              }
            </td>
            <td>{{ v.deployedAt | date: 'yyyy-MM-dd HH:mm' }}</td>
            <td [attr.data-testid]="'origin-' + v.processId">
              @switch (v.origin?.source) {
                @case ('admin') {
                  <nz-tag nzColor="gold">{{ '管理员重绘' | t }}</nz-tag>{{ v.origin?.byName }}
                }
                @case ('file') {
                  <nz-tag>{{ '流程文件' | t }}</nz-tag><code>{{ v.origin?.file }}</code>
                }
                @default {
                  <span class="muted">—</span>
                }
              }
            </td>
            <td>
              <a
                nz-button
                nzType="link"
                [routerLink]="['/admin/processes', v.key]"
                [attr.data-testid]="'design-' + v.processId"
                >{{ '编辑' | t }}</a
              >
            </td>
          </tr>
        }
      </tbody>
    </nz-table>
  `,
})
export class ProcessesPage {
  private readonly http = inject(HttpClient);
  readonly versions = signal<Version[]>([]);
  readonly latest = computed(() => {
    const m = new Map<string, Version>();
    for (const v of this.versions())
      if (!m.has(v.processId) || m.get(v.processId)!.version < v.version) m.set(v.processId, v);
    return [...m.values()].sort((a, b) => a.processId.localeCompare(b.processId));
  });

  constructor() {
    void firstValueFrom(this.http.get<{ versions?: Version[] }>('/api/process-definitions')).then(
      (r) => this.versions.set(r.versions ?? []),
    );
  }

  older(processId: string): Version[] {
    return this.versions()
      .filter((v) => v.processId === processId)
      .sort((a, b) => b.version - a.version)
      .slice(1);
  }
}
