import { TranslatePipe } from '../core/i18n';
import { Component, inject, input, signal, effect } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { DatePipe, JsonPipe } from '@angular/common';
import { HttpClient } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzCardModule } from 'ng-zorro-antd/card';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzInputModule } from 'ng-zorro-antd/input';
import { apiError } from '../core/api.service';
import { ACTION_LABELS, actorLabel } from '../core/labels';
import { DiagramViewComponent } from '../task/diagram-view.component';
import { type MonitoredInstance, stateOf } from './instances.model';

/** One instance: the diagram with where it is, incidents to retry, cancel, the trail and the variables. */
@Component({
  selector: 'app-instance',
  imports: [
    TranslatePipe,
    FormsModule,
    RouterLink,
    DatePipe,
    JsonPipe,
    NzTagModule,
    NzButtonModule,
    NzCardModule,
    NzAlertModule,
    NzInputModule,
    DiagramViewComponent,
  ],
  template: `
    <a routerLink="/admin/instances">{{ '← 流程监控' | t }}</a>
    @if (d(); as d) {
      <h2>
        {{ d.instance.title }}
        <nz-tag [nzColor]="stateOf(d.instance.state).color">{{
          stateOf(d.instance.state).label
        }}</nz-tag>
      </h2>
      @if (notice()) {
        <nz-alert nzType="success" [nzMessage]="notice()!"></nz-alert>
      }
      @if (error()) {
        <nz-alert nzType="error" [nzMessage]="error()!"></nz-alert>
      }
      @for (i of openIncidents(); track i.key) {
        <nz-alert
          nzType="error"
          nzShowIcon
          [nzMessage]="'故障：' + i.elementId + '（' + i.type + '）'"
          [nzDescription]="i.message"
          class="gap"
          data-testid="incident"
        ></nz-alert>
        <button nz-button nzType="primary" (click)="retry(i.key)" data-testid="retry">
          {{ '修复后重试' | t }}
        </button>
      }
      @if (d.instance.state === 'active' || d.instance.state === 'incident') {
        <div class="cancel">
          <input nz-input [(ngModel)]="reason" placeholder="终止原因" class="reason" />
          <button nz-button nzDanger (click)="cancel()" [disabled]="!reason.trim()">
            {{ '终止流程' | t }}
          </button>
        </div>
      }
      @if (d.diagram) {
        <nz-card [nzTitle]="'流程图' | t" nzSize="small" class="gap">
          <app-diagram-view
            [xml]="d.diagram.xml"
            [current]="d.engine?.activeElements ?? []"
            [done]="d.completedElements"
            [counts]="tokens()"
          />
        </nz-card>
      }
      <nz-card [nzTitle]="'办理过程' | t" nzSize="small" class="gap">
        @for (e of d.timeline; track e.seq) {
          <div>
            {{ e.at | date: 'MM-dd HH:mm:ss' }} {{ actorLabel(e.actor) | t }} {{ label(e.action) }}
            {{ e.data['taskName'] ?? '' }}
          </div>
        }
      </nz-card>
      <nz-card [nzTitle]="'变量' | t" nzSize="small" class="gap">
        <pre tabindex="0" [attr.aria-label]="'变量' | t">{{ d.variables | json }}</pre>
      </nz-card>
    }
  `,
  styles: `
    .gap {
      margin: 12px 0;
    }
    .cancel {
      display: flex;
      gap: 8px;
      margin: 12px 0;
    }
    .reason {
      width: 280px;
    }
    pre {
      max-height: 300px;
      overflow: auto;
    }
  `,
})
export class InstancePage {
  readonly actorLabel = actorLabel;
  private readonly http = inject(HttpClient);
  readonly id = input.required<string>();
  readonly d = signal<MonitoredInstance | null>(null);
  readonly notice = signal<string | null>(null);
  readonly error = signal<string | null>(null);
  reason = '';

  constructor() {
    effect(() => void this.load(this.id()));
  }

  readonly stateOf = stateOf;

  label(a: string): string {
    return ACTION_LABELS[a] ?? a;
  }

  /** Where the tokens are: open tasks per step, one for any other waiting element. */
  tokens(): Record<string, number> {
    const d = this.d();
    const out: Record<string, number> = {};
    for (const id of d?.engine?.activeElements ?? []) out[id] = 0;
    for (const t of d?.tasks ?? [])
      if (t.status === 'open' && t.kind === 'engine')
        out[t.elementId] = (out[t.elementId] ?? 0) + 1;
    for (const id of Object.keys(out)) out[id] ||= 1;
    return out;
  }

  openIncidents() {
    return (this.d()?.engine?.incidents ?? []).filter((i) => i.status === 'open');
  }

  async load(id: string): Promise<void> {
    this.d.set(
      await firstValueFrom(
        this.http.get<MonitoredInstance>(`/api/process-instances/${encodeURIComponent(id)}`),
      ),
    );
  }

  async retry(key: string): Promise<void> {
    this.error.set(null);
    try {
      await firstValueFrom(
        this.http.post(
          `/api/process-instances/${encodeURIComponent(this.id())}/incidents/${encodeURIComponent(key)}/resolve`,
          { retries: 1 },
        ),
      );
      this.notice.set('已重试');
      setTimeout(() => void this.load(this.id()), 500);
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }

  async cancel(): Promise<void> {
    this.error.set(null);
    try {
      await firstValueFrom(
        this.http.post(`/api/process-instances/${encodeURIComponent(this.id())}/cancel`, {
          reason: this.reason.trim(),
        }),
      );
      this.notice.set('已终止');
      await this.load(this.id());
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }
}
