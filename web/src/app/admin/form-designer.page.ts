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
import { HttpClient } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { apiError } from '../core/api.service';

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
