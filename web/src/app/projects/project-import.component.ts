import { Component, inject, output, signal } from '@angular/core';
import { HttpClient } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzStepsModule } from 'ng-zorro-antd/steps';
import { TranslatePipe } from '../core/i18n';
import { apiError } from '../core/api.service';
import { downloadCsv } from '../core/csv';
import type { Reply } from '../core/api.types';

interface Problem {
  row: number;
  column: string;
  message: string;
}

/**
 * Import projects from an Excel sheet: the template to fill, a check of the whole sheet first (a
 * dry run), then the import — all rows or none. Problems are listed row by row and can be saved.
 */
@Component({
  selector: 'app-project-import',
  imports: [TranslatePipe, NzButtonModule, NzAlertModule, NzTableModule, NzStepsModule],
  template: `
    <nz-steps [nzCurrent]="step()" nzSize="small" class="gap">
      <nz-step [nzTitle]="'下载模板并填写' | t"></nz-step>
      <nz-step [nzTitle]="'选择表格并检查' | t"></nz-step>
      <nz-step [nzTitle]="'导入' | t"></nz-step>
    </nz-steps>
    <p>
      <button nz-button (click)="template()" data-testid="import-template">
        {{ '下载导入模板' | t }}
      </button>
    </p>
    <p>
      <label for="import-file">{{ '选择填好的 Excel 表（.xlsx）' | t }}</label>
      <input
        id="import-file"
        type="file"
        accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        (change)="pick($event)"
        data-testid="import-file"
      />
    </p>
    @if (checked(); as c) {
      <nz-alert
        nzType="success"
        class="gap"
        [nzMessage]="'检查通过：' + c.length + ' 个项目可以导入'"
        data-testid="import-checked"
      ></nz-alert>
      <button
        nz-button
        nzType="primary"
        (click)="run()"
        [nzLoading]="busy()"
        data-testid="import-run"
      >
        {{ '导入' | t }} {{ c.length }}
      </button>
    }
    @if (done() !== null) {
      <nz-alert
        nzType="success"
        class="gap"
        [nzMessage]="'已导入 ' + done() + ' 个项目'"
        data-testid="import-done"
      ></nz-alert>
    }
    @if (error()) {
      <nz-alert
        nzType="error"
        class="gap"
        [nzMessage]="error()!"
        data-testid="import-error"
      ></nz-alert>
    }
    @if (problems().length) {
      <div class="bar">
        <span>{{ '逐行问题' | t }}</span>
        <button nz-button nzSize="small" (click)="saveReport()" data-testid="import-report">
          {{ '下载问题清单' | t }}
        </button>
      </div>
      <nz-table
        [nzData]="problems()"
        nzSize="small"
        [nzPageSize]="50"
        #t
        data-testid="import-problems"
      >
        <thead>
          <tr>
            <th>{{ '行' | t }}</th>
            <th>{{ '列' | t }}</th>
            <th>{{ '问题' | t }}</th>
          </tr>
        </thead>
        <tbody>
          @for (p of t.data; track $index) {
            <tr>
              <td>{{ p.row || '' }}</td>
              <td>{{ p.column }}</td>
              <td>{{ p.message }}</td>
            </tr>
          }
        </tbody>
      </nz-table>
    }
  `,
  styles: `
    .gap {
      margin: 12px 0;
    }
    .bar {
      display: flex;
      gap: 8px;
      align-items: center;
      margin: 12px 0 8px;
    }
  `,
})
export class ProjectImportComponent {
  private readonly http = inject(HttpClient);
  readonly imported = output<number>();
  readonly step = signal(0);
  readonly checked = signal<string[] | null>(null);
  readonly problems = signal<Problem[]>([]);
  readonly error = signal<string | null>(null);
  readonly done = signal<number | null>(null);
  readonly busy = signal(false);
  private file: File | null = null;

  async template(): Promise<void> {
    const blob = await firstValueFrom(
      this.http.get('/api/projects/import-template', { responseType: 'blob' }),
    );
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = '项目导入模板.xlsx';
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    this.step.set(1);
  }

  async pick(ev: Event): Promise<void> {
    const el = ev.target as HTMLInputElement;
    this.file = el.files?.[0] ?? null;
    el.value = '';
    this.done.set(null);
    if (this.file) await this.send(true);
  }

  async run(): Promise<void> {
    await this.send(false);
  }

  private async send(dryRun: boolean): Promise<void> {
    if (!this.file) return;
    this.error.set(null);
    this.problems.set([]);
    this.checked.set(null);
    const form = new FormData();
    form.append('file', this.file, this.file.name);
    this.busy.set(true);
    try {
      const r = await firstValueFrom(
        this.http.post<Reply<'importProjects'>>(`/api/projects/import?dryRun=${dryRun}`, form),
      );
      if (dryRun) {
        this.checked.set(r.ids);
        this.step.set(2);
      } else {
        this.done.set(r.imported);
        this.file = null;
        this.imported.emit(r.imported);
      }
    } catch (err) {
      const e = apiError(err);
      this.error.set(e.message);
      this.problems.set(
        (e.details ?? []).map((d) => ({
          row: Number((d as { row?: number }).row ?? 0),
          column: d.field ?? '',
          message: d.message,
        })),
      );
      this.step.set(1);
    } finally {
      this.busy.set(false);
    }
  }

  saveReport(): void {
    downloadCsv('项目导入问题清单.csv', [
      ['行', '列', '问题'],
      ...this.problems().map((p) => [String(p.row || ''), p.column, p.message]),
    ]);
  }
}
