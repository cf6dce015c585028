import { Component, input } from '@angular/core';
import { DatePipe } from '@angular/common';
import { NzCardModule } from 'ng-zorro-antd/card';
import { NzTimelineModule } from 'ng-zorro-antd/timeline';
import { TranslatePipe } from '../core/i18n';
import type { TimelineEvent } from '../core/api.types';
import { ACTION_LABELS, actorLabel } from '../core/labels';

/** 办理过程: what happened in the flow, oldest first, with the opinions given; returns in red. */
@Component({
  selector: 'app-task-timeline',
  imports: [TranslatePipe, DatePipe, NzCardModule, NzTimelineModule],
  template: `
    <nz-card [nzTitle]="'办理过程' | t" nzSize="small">
      <nz-timeline>
        @for (e of events(); track e.seq) {
          <nz-timeline-item [nzColor]="e.action === 'task.returned' ? 'red' : 'blue'">
            {{ e.at | date: 'MM-dd HH:mm' }} {{ actorLabel(e.actor) | t }}
            {{ actionLabel(e.action) }}
            {{ e.data['taskName'] ?? '' }}
            @if (e.data['opinion']) {
              <div class="opinion">“{{ e.data['opinion'] }}”</div>
            }
          </nz-timeline-item>
        }
      </nz-timeline>
    </nz-card>
  `,
  styles: `
    .opinion {
      color: #595959;
    }
  `,
})
export class TaskTimelineComponent {
  readonly actorLabel = actorLabel;
  readonly events = input<TimelineEvent[]>([]);

  actionLabel(a: string): string {
    return ACTION_LABELS[a] ?? a;
  }
}
