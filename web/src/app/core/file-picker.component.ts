import { Component, input, output } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { TranslatePipe } from './i18n';
import { CATEGORIES } from './labels';

/** A file with its category (工作证, 公函, 证明材料…), chosen to be uploaded. */
export interface PickedFile {
  file: File;
  category: string;
  categoryLabel: string;
}

/** Pick a category and a file; the parent uploads it. */
@Component({
  selector: 'app-file-picker',
  imports: [TranslatePipe, FormsModule, NzSelectModule],
  template: `
    <div class="upload">
      <label class="sr-only" [for]="name() + '-file-category'">{{ '附件类别' | t }}</label>
      <nz-select [nzId]="name() + '-file-category'" [(ngModel)]="category" class="category">
        @for (c of categories; track c.value) {
          <nz-option [nzValue]="c.value" [nzLabel]="c.label"></nz-option>
        }
      </nz-select>
      <input
        type="file"
        (change)="pick($event)"
        [attr.aria-label]="'上传附件' | t"
        [attr.data-testid]="testId()"
      />
    </div>
  `,
  styles: `
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
export class FilePickerComponent {
  /** Makes the ids of the picker's fields unique on the page. */
  readonly name = input.required<string>();
  readonly testId = input('file');
  readonly picked = output<PickedFile>();
  readonly categories = CATEGORIES;
  category = 'other';

  pick(ev: Event): void {
    const el = ev.target as HTMLInputElement;
    const file = el.files?.[0];
    if (!file) return;
    const categoryLabel = CATEGORIES.find((c) => c.value === this.category)?.label ?? '';
    this.picked.emit({ file, category: this.category, categoryLabel });
    el.value = '';
  }
}
