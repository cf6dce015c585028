import { Component, inject } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { NzCardModule } from 'ng-zorro-antd/card';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { TranslatePipe } from '../core/i18n';
import { CATEGORIES } from '../core/labels';
import { TaskPageStore } from './task-page.store';

/** The flow's files, to open or download; while the task is open, one more can be added. */
@Component({
  selector: 'app-task-attachments',
  imports: [TranslatePipe, FormsModule, NzCardModule, NzSelectModule],
  template: `
    <nz-card [nzTitle]="'附件' | t" nzSize="small" data-testid="attachments">
      @for (a of store.instance()?.attachments ?? []; track a.id) {
        <div class="file">
          <a [href]="store.fileUrl(a.id, true)" target="_blank" rel="noopener">{{ a.filename }}</a>
          <span class="muted"
            >{{ categoryName(a.category) }} · {{ (a.size / 1024).toFixed(0) }} KB ·
            {{ a.uploadedBy }}</span
          >
          <a [href]="store.fileUrl(a.id, false)">{{ '下载' | t }}</a>
        </div>
      } @empty {
        <p class="muted">{{ '暂无附件' | t }}</p>
      }
      @if (store.canUpload()) {
        <div class="upload">
          <label class="sr-only" for="task-file-category">{{ '附件类别' | t }}</label>
          <nz-select nzId="task-file-category" [(ngModel)]="category" class="category">
            @for (c of categories; track c.value) {
              <nz-option [nzValue]="c.value" [nzLabel]="c.label"></nz-option>
            }
          </nz-select>
          <input
            type="file"
            (change)="upload($event)"
            [attr.aria-label]="'上传附件' | t"
            data-testid="task-file"
          />
        </div>
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
    .upload {
      display: flex;
      gap: 8px;
      align-items: center;
      margin-top: 8px;
    }
    .category {
      width: 200px;
    }
  `,
})
export class TaskAttachmentsComponent {
  readonly store = inject(TaskPageStore);
  readonly categories = CATEGORIES;
  category = 'other';

  categoryName(c?: string): string {
    return CATEGORIES.find((x) => x.value === c)?.label ?? '其他';
  }

  async upload(ev: Event): Promise<void> {
    const input = ev.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    await this.store.upload(file, this.category);
    input.value = '';
  }
}
