import { Component, inject } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzCardModule } from 'ng-zorro-antd/card';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { TranslatePipe } from '../core/i18n';
import { type PendingAction, TaskPageStore } from './task-page.store';

/**
 * The panel under the action bar: colleagues to hand the task to (转办, 委派, 加签, one or more for
 * 抄送) with a note, or the opinion 退回 requires. What was typed stays while the page is open.
 */
@Component({
  selector: 'app-task-people-picker',
  imports: [
    TranslatePipe,
    FormsModule,
    NzButtonModule,
    NzCardModule,
    NzInputModule,
    NzSelectModule,
  ],
  template: `
    @if (store.pending(); as p) {
      <nz-card nzSize="small" class="panel">
        @if (p === 'return') {
          <textarea
            nz-input
            rows="3"
            [(ngModel)]="opinion"
            placeholder="退回意见（必填）"
            data-testid="return-opinion"
          ></textarea>
        } @else {
          <label class="sr-only" for="task-people">{{ '选择同事' | t }}</label>
          <nz-select
            nzId="task-people"
            nzShowSearch
            nzPlaceHolder="选择同事"
            [nzMode]="p === 'cc' ? 'multiple' : 'default'"
            [(ngModel)]="chosen"
            class="people"
          >
            @for (u of store.colleagues(); track u.id) {
              <nz-option [nzValue]="u.id" [nzLabel]="u.name + '（' + u.id + '）'"></nz-option>
            }
          </nz-select>
          <input nz-input [(ngModel)]="opinion" placeholder="说明（可选）" />
        }
        <button nz-button nzType="primary" (click)="confirm(p)" data-testid="confirm">
          {{ '确定' | t }}
        </button>
        <button nz-button (click)="store.pending.set(null)">{{ '取消' | t }}</button>
      </nz-card>
    }
  `,
  styles: `
    .panel {
      margin-bottom: 12px;
    }
    .panel textarea,
    .panel input,
    .people {
      margin-bottom: 8px;
      width: 100%;
      display: block;
    }
  `,
})
export class TaskPeoplePickerComponent {
  readonly store = inject(TaskPageStore);
  opinion = '';
  chosen: string | string[] | null = null;

  confirm(p: PendingAction): Promise<void> {
    return this.store.confirm(p, this.chosen, this.opinion);
  }
}
