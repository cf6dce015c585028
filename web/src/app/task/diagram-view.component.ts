import { Component, ElementRef, effect, input, viewChild, OnDestroy } from '@angular/core';

interface Viewer {
  importXML(xml: string): Promise<unknown>;
  get<T>(name: string): T;
  destroy(): void;
}

/** The flow's diagram (bpmn-js viewer): where it is now, and the steps already done. */
@Component({
  selector: 'app-diagram-view',
  template: '<div #host class="diagram" data-testid="diagram"></div>',
  styles: `
    .diagram {
      height: 360px;
      border: 1px solid #f0f0f0;
      background: #fff;
    }
    :host ::ng-deep .current .djs-visual > :nth-child(1) {
      stroke: #1677ff !important;
      stroke-width: 4px !important;
      fill: #e6f4ff !important;
    }
    :host ::ng-deep .token {
      display: inline-block;
      min-width: 20px;
      padding: 0 6px;
      border-radius: 10px;
      background: #0958d9;
      color: #fff;
      font-size: 12px;
      text-align: center;
    }
    :host ::ng-deep .done .djs-visual > :nth-child(1) {
      stroke: #52c41a !important;
      fill: #f6ffed !important;
    }
  `,
})
export class DiagramViewComponent implements OnDestroy {
  readonly xml = input.required<string>();
  readonly current = input<string[]>([]);
  readonly done = input<string[]>([]);
  /** Tokens per element, shown as badges (the instance monitor). */
  readonly counts = input<Record<string, number>>({});
  private readonly host = viewChild.required<ElementRef<HTMLDivElement>>('host');
  private viewer: Viewer | null = null;

  constructor() {
    effect(() => {
      const xml = this.xml();
      const current = this.current();
      const done = this.done();
      const counts = this.counts();
      const el = this.host().nativeElement;
      void (async () => {
        const { default: NavigatedViewer } = await import('bpmn-js/lib/NavigatedViewer');
        this.viewer?.destroy();
        const v = new NavigatedViewer({ container: el }) as unknown as Viewer;
        await v.importXML(xml);
        const canvas = v.get<{ zoom(f: string): void; addMarker(id: string, c: string): void }>(
          'canvas',
        );
        canvas.zoom('fit-viewport');
        for (const id of done) canvas.addMarker(id, 'done');
        for (const id of current) canvas.addMarker(id, 'current');
        const overlays = v.get<{
          add(id: string, o: { position: { bottom: number; right: number }; html: string }): void;
        }>('overlays');
        for (const [id, n] of Object.entries(counts)) {
          overlays.add(id, {
            position: { bottom: 8, right: 8 },
            html: `<span class="token" title="${n} 个令牌" data-testid="token-${id}">${n}</span>`,
          });
        }
        this.viewer = v;
      })();
    });
  }

  ngOnDestroy(): void {
    this.viewer?.destroy();
  }
}
