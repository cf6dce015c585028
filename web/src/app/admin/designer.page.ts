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
import { NzListModule } from 'ng-zorro-antd/list';
import { apiError } from '../core/api.service';
import type { Reply } from '../core/api.types';

type Problem = Reply<'lint'>['problems'][number];

interface ModelerLike {
  importXML(xml: string): Promise<unknown>;
  saveXML(o: { format: boolean }): Promise<{ xml?: string }>;
  on(event: string, cb: () => void): void;
  get<T>(name: string): T;
  destroy(): void;
}

/**
 * The bpmn-js modeler with Camunda 8 properties (zeebe): lint problems shown as the admin draws
 * (the server's gate: bpmnlint + camunda-compat 8.8 + the embedded engine), deploy as a new version.
 * Loaded only on this page, so the inbox stays light.
 */
@Component({
  selector: 'app-designer',
  imports: [TranslatePipe, RouterLink, NzButtonModule, NzAlertModule, NzListModule],
  template: `
    <a routerLink="/admin/processes">{{ '← 流程列表' | t }}</a>
    <div class="bar">
      <button
        nz-button
        nzType="primary"
        (click)="deploy()"
        [disabled]="errors() > 0"
        data-testid="deploy"
      >
        {{ '部署为新版本' | t }}
      </button>
      <span>{{ errors() }} 个错误，{{ problems().length - errors() }} 个提示</span>
    </div>
    @if (notice()) {
      <nz-alert nzType="success" [nzMessage]="notice()!" data-testid="deployed"></nz-alert>
    }
    @if (error()) {
      <nz-alert nzType="error" [nzMessage]="error()!"></nz-alert>
    }
    <div class="work">
      <div #canvas class="canvas" data-testid="modeler"></div>
      <div #panel class="panel"></div>
    </div>
    <nz-list nzSize="small" [nzHeader]="'检查结果' | t" data-testid="problems">
      @for (p of problems(); track $index) {
        <nz-list-item>
          <span [class.err]="p.severity === 'error'">{{
            p.severity === 'error' ? '错误' : '提示'
          }}</span>
          {{ p.elementId ?? '' }} {{ p.message }}
        </nz-list-item>
      }
    </nz-list>
  `,
  styles: `
    .bar {
      display: flex;
      gap: 12px;
      align-items: center;
      margin: 12px 0;
    }
    .work {
      display: flex;
      height: 560px;
      border: 1px solid #f0f0f0;
      background: #fff;
    }
    .canvas {
      flex: 1;
    }
    .panel {
      width: 320px;
      overflow: auto;
      border-left: 1px solid #f0f0f0;
    }
    .err {
      color: #cf1322;
    }
  `,
})
export class DesignerPage implements OnDestroy {
  private readonly http = inject(HttpClient);
  readonly key = input.required<string>();
  readonly problems = signal<Problem[]>([]);
  readonly errors = signal(0);
  readonly notice = signal<string | null>(null);
  readonly error = signal<string | null>(null);
  private readonly canvas = viewChild.required<ElementRef<HTMLDivElement>>('canvas');
  private readonly panel = viewChild.required<ElementRef<HTMLDivElement>>('panel');
  private modeler: ModelerLike | null = null;
  private lintTimer: ReturnType<typeof setTimeout> | null = null;
  private resourceName = 'diagram.bpmn';

  constructor() {
    effect(() => void this.open(this.key()));
  }

  private async open(key: string): Promise<void> {
    const [{ default: Modeler }, panel, { default: behaviors }, zeebe] = await Promise.all([
      import('bpmn-js/lib/Modeler'),
      import('bpmn-js-properties-panel'),
      import('camunda-bpmn-js-behaviors/lib/camunda-cloud'),
      import('zeebe-bpmn-moddle/resources/zeebe.json'),
    ]);
    const xml = await firstValueFrom(
      this.http.get(`/api/process-definitions/${encodeURIComponent(key)}/xml`, {
        responseType: 'text',
      }),
    );
    this.resourceName = `${/<bpmn:process id="([^"]+)"/.exec(xml)?.[1] ?? 'diagram'}.bpmn`;
    this.modeler?.destroy();
    const m = new Modeler({
      container: this.canvas().nativeElement,
      propertiesPanel: { parent: this.panel().nativeElement },
      additionalModules: [
        panel.BpmnPropertiesPanelModule,
        panel.BpmnPropertiesProviderModule,
        panel.ZeebePropertiesProviderModule,
        behaviors,
      ],
      moddleExtensions: { zeebe: (zeebe as { default?: unknown }).default ?? zeebe },
    }) as unknown as ModelerLike;
    await m.importXML(xml);
    m.get<{ zoom(f: string): void }>('canvas').zoom('fit-viewport');
    m.on('commandStack.changed', () => this.scheduleLint());
    this.modeler = m;
    void this.lint();
  }

  private scheduleLint(): void {
    if (this.lintTimer) clearTimeout(this.lintTimer);
    this.lintTimer = setTimeout(() => void this.lint(), 400);
  }

  private async lint(): Promise<void> {
    const xml = (await this.modeler?.saveXML({ format: false }))?.xml;
    if (!xml) return;
    const r = await firstValueFrom(
      this.http.post<{ problems: Problem[] }>('/api/process-definitions/lint', { xml }),
    ).catch(() => ({ problems: [] }));
    this.problems.set(r.problems);
    this.errors.set(r.problems.filter((p) => p.severity === 'error').length);
  }

  async deploy(): Promise<void> {
    this.notice.set(null);
    this.error.set(null);
    const xml = (await this.modeler?.saveXML({ format: true }))?.xml;
    if (!xml) return;
    try {
      const r = await firstValueFrom(
        this.http.post<{ processes: { processId: string; version: number }[] }>(
          '/api/process-definitions',
          { name: this.resourceName, xml },
        ),
      );
      this.notice.set(
        `已部署：${r.processes.map((p) => `${p.processId} v${p.version}`).join('、')}。新发起的流程按新版本运行，运行中的流程按原版本办结。`,
      );
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }

  ngOnDestroy(): void {
    if (this.lintTimer) clearTimeout(this.lintTimer);
    this.modeler?.destroy();
  }
}
