import { TranslatePipe } from '../core/i18n';
import { Component, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { DatePipe } from '@angular/common';
import { HttpClient } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzButtonModule } from 'ng-zorro-antd/button';
import type { Reply } from '../core/api.types';

type FormRow = Reply<'forms'>['items'][number];

/** 表单设计: every form the diagrams use, with its version. */
@Component({
  selector: 'app-forms',
  imports: [TranslatePipe, RouterLink, DatePipe, NzTableModule, NzButtonModule],
  template: `
    <h2>{{ '表单设计' | t }}</h2>
    <nz-table [nzData]="rows()" nzSize="small" [nzShowPagination]="false" #t>
      <thead>
        <tr>
          <th>{{ '表单' | t }}</th>
          <th>{{ '标识' | t }}</th>
          <th>{{ '版本' | t }}</th>
          <th>{{ '更新时间' | t }}</th>
          <th>{{ '更新人' | t }}</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        @for (f of t.data; track f.id) {
          <tr>
            <td>{{ f.name ?? f.id }}</td>
            <td>
              <code>{{ f.id }}</code>
            </td>
            <td>v{{ f.version }}</td>
            <td>{{ f.updatedAt | date: 'yyyy-MM-dd HH:mm' }}</td>
            <td>{{ f.updatedBy === 'system' ? ('流程文件' | t) : f.updatedBy }}</td>
            <td>
              <a
                nz-button
                nzType="link"
                [routerLink]="['/admin/forms', f.id]"
                [attr.data-testid]="'edit-form-' + f.id"
                >{{ '编辑' | t }}</a
              >
            </td>
          </tr>
        }
      </tbody>
    </nz-table>
  `,
})
export class FormsPage {
  private readonly http = inject(HttpClient);
  readonly rows = signal<FormRow[]>([]);

  constructor() {
    void firstValueFrom(this.http.get<{ items: FormRow[] }>('/api/forms')).then((r) =>
      this.rows.set(r.items.sort((a, b) => a.id.localeCompare(b.id))),
    );
  }
}
