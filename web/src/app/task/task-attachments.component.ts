import { Component, inject } from '@angular/core';
import { NzCardModule } from 'ng-zorro-antd/card';
import { FilePickerComponent } from '../core/file-picker.component';
import { TranslatePipe } from '../core/i18n';
import { CATEGORIES, actorLabel } from '../core/labels';
import { TaskPageStore } from './task-page.store';

/** The flow's files, to open or download; while the task is open, one more can be added. */
@Component({
  selector: 'app-task-attachments',
  imports: [TranslatePipe, NzCardModule, FilePickerComponent],
  template: `
    <nz-card [nzTitle]="'附件' | t" nzSize="small" data-testid="attachments">
      @for (a of store.instance()?.attachments ?? []; track a.id) {
        <div class="file">
          <a href="" (click)="$event.preventDefault(); store.openFile(a.id, a.filename, true)">{{
            a.filename
          }}</a>
          <span class="muted"
            >{{ categoryName(a.category) }} · {{ (a.size / 1024).toFixed(0) }} KB ·
            {{ actorLabel(a.uploadedBy) | t }}</span
          >
          <a href="" (click)="$event.preventDefault(); store.openFile(a.id, a.filename, false)">{{
            '下载' | t
          }}</a>
        </div>
      } @empty {
        <p class="muted">{{ '暂无附件' | t }}</p>
      }
      @if (store.canUpload()) {
        <app-file-picker
          name="task"
          testId="task-file"
          (picked)="store.upload($event.file, $event.category)"
        />
      }
    </nz-card>
  `,
  styles: `
    .file {
      display: flex;
      gap: 12px;
      align-items: baseline;
    }
    .muted {
      color: #595959;
    }
  `,
})
export class TaskAttachmentsComponent {
  readonly actorLabel = actorLabel;
  readonly store = inject(TaskPageStore);

  categoryName(c?: string): string {
    return CATEGORIES.find((x) => x.value === c)?.label ?? '其他';
  }
}
