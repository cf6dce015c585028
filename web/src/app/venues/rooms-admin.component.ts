import { Component, inject, input, output, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { HttpClient } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzInputNumberModule } from 'ng-zorro-antd/input-number';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { NzSwitchModule } from 'ng-zorro-antd/switch';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { TranslatePipe } from '../core/i18n';
import { apiError } from '../core/api.service';
import type { Reply } from '../core/api.types';

type Room = Reply<'venueRooms'>['items'][number];

const KINDS = ['开标室', '评标室', '远程异地评标室', '样品室', '陪标室'];

/** 场地维护 (admins): the rooms, renamed, resized or retired (a retired room keeps its past sessions), and new ones. */
@Component({
  selector: 'app-rooms-admin',
  imports: [
    TranslatePipe,
    FormsModule,
    NzTableModule,
    NzInputModule,
    NzInputNumberModule,
    NzSelectModule,
    NzSwitchModule,
    NzButtonModule,
    NzAlertModule,
  ],
  template: `
    <nz-table
      [nzData]="rooms()"
      nzSize="small"
      [nzShowPagination]="false"
      #t
      data-testid="rooms-table"
    >
      <thead>
        <tr>
          <th>{{ '编号' | t }}</th>
          <th>{{ '名称' | t }}</th>
          <th>{{ '类型' | t }}</th>
          <th>{{ '座位' | t }}</th>
          <th>{{ '启用' | t }}</th>
        </tr>
      </thead>
      <tbody>
        @for (r of t.data; track r.id) {
          <tr>
            <td>{{ r.id }}</td>
            <td>{{ r.name }}</td>
            <td>{{ r.kind }}</td>
            <td>{{ r.seats ?? '' }}</td>
            <td>
              <label class="sr-only" [for]="'room-active-' + r.id"
                >{{ r.name }} · {{ '启用' | t }}</label
              >
              <nz-switch
                [nzId]="'room-active-' + r.id"
                [ngModel]="r.active"
                (ngModelChange)="save({ ...r, active: $event })"
              ></nz-switch>
            </td>
          </tr>
        }
      </tbody>
    </nz-table>
    <div class="add">
      <label class="sr-only" for="room-id">{{ '编号' | t }}</label>
      <input nz-input id="room-id" [(ngModel)]="draft.id" placeholder="kb3" data-testid="room-id" />
      <label class="sr-only" for="room-name">{{ '名称' | t }}</label>
      <input
        nz-input
        id="room-name"
        [(ngModel)]="draft.name"
        [placeholder]="'名称' | t"
        data-testid="room-name"
      />
      <label class="sr-only" for="room-kind">{{ '类型' | t }}</label>
      <nz-select nzId="room-kind" [(ngModel)]="draft.kind" class="kind">
        @for (k of kinds; track k) {
          <nz-option [nzValue]="k" [nzLabel]="k"></nz-option>
        }
      </nz-select>
      <label class="sr-only" for="room-seats">{{ '座位' | t }}</label>
      <nz-input-number nzId="room-seats" [(ngModel)]="draft.seats" [nzMin]="0"></nz-input-number>
      <button
        nz-button
        nzType="primary"
        (click)="save({ ...draft, active: true })"
        data-testid="room-add"
      >
        {{ '新增场地' | t }}
      </button>
    </div>
    @if (error()) {
      <nz-alert nzType="error" [nzMessage]="error()!"></nz-alert>
    }
  `,
  styles: `
    .add {
      display: flex;
      gap: 8px;
      margin: 12px 0;
      flex-wrap: wrap;
    }
    .add input {
      width: 140px;
    }
    .kind {
      width: 150px;
    }
  `,
})
export class RoomsAdminComponent {
  private readonly http = inject(HttpClient);
  readonly rooms = input.required<Room[]>();
  readonly changed = output<void>();
  readonly kinds = KINDS;
  readonly error = signal<string | null>(null);
  draft = { id: '', name: '', kind: '开标室', seats: null as number | null };

  async save(room: {
    id: string;
    name: string;
    kind: string;
    seats?: number | null;
    active: boolean;
  }): Promise<void> {
    this.error.set(null);
    try {
      await firstValueFrom(
        this.http.post('/api/venues/rooms', {
          id: room.id,
          name: room.name,
          kind: room.kind,
          seats: room.seats ?? null,
          active: room.active,
        }),
      );
      this.draft = { id: '', name: '', kind: '开标室', seats: null };
      this.changed.emit();
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }
}
