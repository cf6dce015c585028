import { TranslatePipe } from '../core/i18n';
import { Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { HttpClient } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzCardModule } from 'ng-zorro-antd/card';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzSwitchModule } from 'ng-zorro-antd/switch';
import { apiError } from '../core/api.service';
import { ROLE_NAMES, SECTION_NAMES } from '../core/labels';
import type { AdminUserDto } from '../core/api.types';

type Person = AdminUserDto;

/** 人员管理: people, their sections and roles; add, change, disable. */
@Component({
  selector: 'app-users',
  imports: [
    TranslatePipe,
    FormsModule,
    NzTableModule,
    NzTagModule,
    NzButtonModule,
    NzSelectModule,
    NzInputModule,
    NzCardModule,
    NzAlertModule,
    NzSwitchModule,
  ],
  template: `
    <h2>{{ '人员管理' | t }}</h2>
    <nz-card nzSize="small" [nzTitle]="'新增人员' | t" class="gap">
      <div class="row">
        <input
          nz-input
          [(ngModel)]="draft.id"
          placeholder="用户名（小写字母开头）"
          data-testid="new-id"
        />
        <input nz-input [(ngModel)]="draft.name" placeholder="姓名" data-testid="new-name" />
        <label class="sr-only" for="new-sections">{{ '科室' | t }}</label>
        <nz-select
          nzId="new-sections"
          nzMode="multiple"
          [(ngModel)]="draft.sections"
          [nzPlaceHolder]="'科室' | t"
          class="wide"
        >
          @for (s of sections; track s[0]) {
            <nz-option [nzValue]="s[0]" [nzLabel]="s[1]"></nz-option>
          }
        </nz-select>
        <label class="sr-only" for="new-roles">{{ '角色' | t }}</label>
        <nz-select
          nzId="new-roles"
          nzMode="multiple"
          [(ngModel)]="draft.roles"
          [nzPlaceHolder]="'角色' | t"
          class="wide"
        >
          @for (r of roles; track r[0]) {
            <nz-option [nzValue]="r[0]" [nzLabel]="r[1]"></nz-option>
          }
        </nz-select>
        <input
          nz-input
          type="password"
          [(ngModel)]="draft.password"
          [placeholder]="'初始密码（至少 10 位，首次登录须修改）' | t"
          data-testid="new-password"
        />
        <button nz-button nzType="primary" (click)="create()" data-testid="create-user">
          {{ '新增' | t }}
        </button>
      </div>
    </nz-card>
    @if (error()) {
      <nz-alert nzType="error" [nzMessage]="error()!" class="gap"></nz-alert>
    }
    <nz-table [nzData]="people()" nzSize="small" [nzPageSize]="50" #t>
      <thead>
        <tr>
          <th>{{ '用户名' | t }}</th>
          <th>{{ '姓名' | t }}</th>
          <th>{{ '科室' | t }}</th>
          <th>{{ '角色' | t }}</th>
          <th>{{ '启用' | t }}</th>
        </tr>
      </thead>
      <tbody>
        @for (p of t.data; track p.id) {
          <tr [attr.data-testid]="'user-' + p.id">
            <td>{{ p.id }}</td>
            <td>{{ p.name }}{{ p.unit ? '（' + p.unit + '）' : '' }}</td>
            <td>
              <label class="sr-only" [for]="'sections-' + p.id"
                >{{ p.name }} · {{ '科室' | t }}</label
              >
              <nz-select
                [nzId]="'sections-' + p.id"
                nzMode="multiple"
                [ngModel]="p.sections"
                (ngModelChange)="update(p, { sections: $event })"
                class="wide"
              >
                @for (s of sections; track s[0]) {
                  <nz-option [nzValue]="s[0]" [nzLabel]="s[1]"></nz-option>
                }
              </nz-select>
            </td>
            <td>
              <label class="sr-only" [for]="'roles-' + p.id">{{ p.name }} · {{ '角色' | t }}</label>
              <nz-select
                [nzId]="'roles-' + p.id"
                nzMode="multiple"
                [ngModel]="p.roles"
                (ngModelChange)="update(p, { roles: $event })"
                class="wide"
              >
                @for (r of roles; track r[0]) {
                  <nz-option [nzValue]="r[0]" [nzLabel]="r[1]"></nz-option>
                }
              </nz-select>
            </td>
            <td>
              <label class="sr-only" [for]="'active-switch-' + p.id"
                >{{ p.name }} · {{ '启用' | t }}</label
              >
              <nz-switch
                [nzId]="'active-switch-' + p.id"
                [ngModel]="p.active"
                (ngModelChange)="update(p, { active: $event })"
                [attr.data-testid]="'active-' + p.id"
              ></nz-switch>
            </td>
          </tr>
        }
      </tbody>
    </nz-table>
  `,
  styles: `
    .gap {
      margin-bottom: 12px;
    }
    .row {
      display: flex;
      gap: 8px;
      flex-wrap: wrap;
    }
    .row input {
      width: 180px;
    }
    .wide {
      min-width: 200px;
    }
  `,
})
export class UsersPage {
  private readonly http = inject(HttpClient);
  readonly people = signal<Person[]>([]);
  readonly error = signal<string | null>(null);
  readonly sections = Object.entries(SECTION_NAMES);
  readonly roles = Object.entries(ROLE_NAMES);
  draft = { id: '', name: '', sections: [] as string[], roles: ['staff'], password: '' };

  constructor() {
    void this.load();
  }

  async load(): Promise<void> {
    this.people.set(
      (await firstValueFrom(this.http.get<{ items: Person[] }>('/api/admin/users'))).items,
    );
  }

  async create(): Promise<void> {
    this.error.set(null);
    try {
      await firstValueFrom(this.http.post('/api/admin/users', this.draft));
      this.draft = { id: '', name: '', sections: [], roles: ['staff'], password: '' };
      await this.load();
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }

  async update(p: Person, change: Partial<Person>): Promise<void> {
    this.error.set(null);
    try {
      await firstValueFrom(this.http.patch(`/api/admin/users/${encodeURIComponent(p.id)}`, change));
      await this.load();
    } catch (err) {
      this.error.set(apiError(err).message);
      await this.load();
    }
  }
}
