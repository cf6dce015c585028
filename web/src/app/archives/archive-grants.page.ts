import { TranslatePipe } from '../core/i18n';
import { Component, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { DatePipe } from '@angular/common';
import { HttpClient } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzTagModule } from 'ng-zorro-antd/tag';
import type { Reply } from '../core/api.types';

type Grant = Reply<'archiveGrants'>['items'][number];

/** 我的调阅: the archives granted to this user, with how long each stays readable. */
@Component({
  selector: 'app-archive-grants',
  imports: [TranslatePipe, RouterLink, DatePipe, NzTableModule, NzTagModule],
  template: `
    <h2>{{ '我的档案调阅' | t }}</h2>
    <nz-table [nzData]="grants()" nzSize="small" [nzShowPagination]="false" #t>
      <thead>
        <tr>
          <th>{{ '档案' | t }}</th>
          <th>{{ '开通时间' | t }}</th>
          <th>{{ '有效期至' | t }}</th>
          <th>{{ '状态' | t }}</th>
        </tr>
      </thead>
      <tbody>
        @for (g of t.data; track g.id) {
          <tr>
            <td>
              @if (g.active) {
                <a
                  [routerLink]="['/archives', g.archiveId]"
                  [attr.data-testid]="'read-' + g.archiveId"
                  >{{ g.archiveId }}</a
                >
              } @else {
                {{ g.archiveId }}
              }
            </td>
            <td>{{ g.grantedAt | date: 'yyyy-MM-dd HH:mm' }}</td>
            <td>{{ g.expiresAt | date: 'yyyy-MM-dd HH:mm' }}</td>
            <td>
              <nz-tag [nzColor]="g.active ? 'success' : 'default'">{{
                g.active ? '可调阅' : '已到期'
              }}</nz-tag>
            </td>
          </tr>
        }
      </tbody>
    </nz-table>
  `,
})
export class ArchiveGrantsPage {
  private readonly http = inject(HttpClient);
  readonly grants = signal<Grant[]>([]);

  constructor() {
    void firstValueFrom(this.http.get<{ items: Grant[] }>('/api/archive-grants')).then((r) =>
      this.grants.set(r.items),
    );
  }
}
