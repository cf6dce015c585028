import { TranslatePipe } from '../core/i18n';
import {
  Component,
  ElementRef,
  inject,
  input,
  signal,
  viewChild,
  effect,
  OnDestroy,
} from '@angular/core';
import { RouterLink } from '@angular/router';
import { DatePipe } from '@angular/common';
import { HttpClient } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { apiError } from '../core/api.service';

interface FormRow {
  id: string;
  name?: string;
  version: number;
  updatedAt: string;
}

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

interface EditorLike {
  importSchema(schema: unknown): Promise<unknown>;
  saveSchema(): Record<string, unknown>;
  destroy(): void;
}

/** The form-js editor: a saved form is what the next task of that step shows, no code change. */
@Component({
  selector: 'app-form-designer',
  imports: [TranslatePipe, RouterLink, NzButtonModule, NzAlertModule],
  template: `
    <a routerLink="/admin/forms">{{ '← 表单列表' | t }}</a>
    <div class="bar">
      <button nz-button nzType="primary" (click)="save()" data-testid="save-form">
        {{ '保存为新版本' | t }}
      </button>
    </div>
    @if (notice()) {
      <nz-alert nzType="success" [nzMessage]="notice()!" data-testid="form-saved"></nz-alert>
    }
    @if (error()) {
      <nz-alert nzType="error" [nzMessage]="error()!"></nz-alert>
    }
    <div #host class="editor" data-testid="form-editor"></div>
  `,
  styles: `
    .bar {
      margin: 12px 0;
    }
    .editor {
      height: 640px;
      background: #fff;
      border: 1px solid #f0f0f0;
    }
  `,
})
export class FormDesignerPage implements OnDestroy {
  private readonly http = inject(HttpClient);
  readonly id = input.required<string>();
  readonly notice = signal<string | null>(null);
  readonly error = signal<string | null>(null);
  private readonly host = viewChild.required<ElementRef<HTMLDivElement>>('host');
  private editor: EditorLike | null = null;

  constructor() {
    effect(() => void this.open(this.id()));
  }

  private async open(id: string): Promise<void> {
    const [{ FormEditor }, r] = await Promise.all([
      import('@bpmn-io/form-js-editor'),
      firstValueFrom(this.http.get<{ form: unknown }>(`/api/forms/${encodeURIComponent(id)}`)),
    ]);
    this.editor?.destroy();
    const e = new FormEditor({ container: this.host().nativeElement }) as unknown as EditorLike;
    await e.importSchema(r.form);
    this.editor = e;
  }

  async save(): Promise<void> {
    if (!this.editor) return;
    this.notice.set(null);
    this.error.set(null);
    try {
      const schema = this.editor.saveSchema();
      const r = await firstValueFrom(
        this.http.put<{ version: number; changed: boolean }>(
          `/api/forms/${encodeURIComponent(this.id())}`,
          schema,
        ),
      );
      this.notice.set(
        r.changed ? `已保存为第 ${r.version} 版；此后创建的任务使用新表单。` : '表单没有变化。',
      );
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }

  ngOnDestroy(): void {
    this.editor?.destroy();
  }
}
