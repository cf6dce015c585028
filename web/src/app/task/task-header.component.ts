import { Component, input } from '@angular/core';
import { DatePipe } from '@angular/common';
import { NzDescriptionsModule } from 'ng-zorro-antd/descriptions';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { TranslatePipe } from '../core/i18n';
import type { TaskDto } from '../core/api.types';

/** The task's title and the facts about it: flow, starter, who holds it, the deadline. */
@Component({
  selector: 'app-task-header',
  imports: [TranslatePipe, DatePipe, NzDescriptionsModule, NzTagModule],
  template: `
    <h2 class="title" data-testid="task-title">{{ task().title }} · {{ task().name }}</h2>
    <nz-descriptions nzSize="small" [nzColumn]="{ xxl: 4, xl: 4, lg: 3, md: 2, sm: 1, xs: 1 }">
      <nz-descriptions-item [nzTitle]="'流程' | t"
        >{{ task().processName }}（v{{ task().processVersion }}）</nz-descriptions-item
      >
      <nz-descriptions-item [nzTitle]="'发起人' | t">{{
        task().starterName ?? task().starter
      }}</nz-descriptions-item>
      <nz-descriptions-item [nzTitle]="'办理人' | t">{{
        task().assignee ?? candidates()
      }}</nz-descriptions-item>
      <nz-descriptions-item [nzTitle]="'期限' | t">
        {{ task().dueDate ? (task().dueDate | date: 'yyyy-MM-dd HH:mm') : '—' }}
        @if (task().overdue) {
          <nz-tag nzColor="error">{{ '超期' | t }}</nz-tag>
        }
      </nz-descriptions-item>
    </nz-descriptions>
  `,
  styles: `
    .title {
      margin: 12px 0;
    }
  `,
})
export class TaskHeaderComponent {
  readonly task = input.required<TaskDto>();
  /** Shown as the holder while nobody has claimed the task. */
  readonly candidates = input('');
}
