import { Component, inject, output } from '@angular/core';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { TranslatePipe } from '../core/i18n';
import { PEOPLE_LABELS, TaskPageStore } from './task-page.store';

/** The acts the user may take on the task now; 提交 is the page's, since it reads the form. */
@Component({
  selector: 'app-task-actions',
  imports: [TranslatePipe, NzButtonModule],
  template: `
    <div class="actions" data-testid="actions">
      @if (store.can('claim')) {
        <button nz-button nzType="primary" (click)="store.act('claim')" data-testid="claim">
          {{ '认领' | t }}
        </button>
      }
      @if (store.can('unclaim')) {
        <button nz-button (click)="store.act('unclaim')">{{ '释放' | t }}</button>
      }
      @if (store.can('complete')) {
        <button nz-button nzType="primary" (click)="complete.emit()" data-testid="complete">
          {{ store.completeLabel() | t }}
        </button>
      }
      @if (store.can('return')) {
        <button nz-button nzDanger (click)="store.pending.set('return')" data-testid="return">
          {{ '退回' | t }}
        </button>
      }
      @for (a of store.peopleActions(); track a) {
        <button nz-button (click)="store.pending.set(a)">{{ peopleLabels[a] | t }}</button>
      }
      @if (store.can('urge')) {
        <button nz-button (click)="store.act('urge')">{{ '催办' | t }}</button>
      }
      @if (store.can('withdraw')) {
        <button nz-button nzDanger (click)="store.act('withdraw')">{{ '撤回' | t }}</button>
      }
    </div>
  `,
  styles: `
    .actions {
      display: flex;
      gap: 8px;
      flex-wrap: wrap;
      margin: 12px 0;
    }
  `,
})
export class TaskActionsComponent {
  readonly store = inject(TaskPageStore);
  readonly peopleLabels = PEOPLE_LABELS;
  /** 提交 was pressed: the page reads the form and completes the task. */
  readonly complete = output<void>();
}
