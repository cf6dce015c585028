import { TranslatePipe } from '../core/i18n';
import { Component, computed, inject, input, signal, viewChild, effect } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { DatePipe } from '@angular/common';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzCardModule } from 'ng-zorro-antd/card';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { NzTimelineModule } from 'ng-zorro-antd/timeline';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { NzDescriptionsModule } from 'ng-zorro-antd/descriptions';
import { NzGridModule } from 'ng-zorro-antd/grid';
import { ApiService, apiError } from '../core/api.service';
import { CATEGORIES } from '../core/labels';
import { AuthService } from '../core/auth.service';
import type { ApiError, InstanceDetail, TaskAction, TaskDetail } from '../core/api.types';
import { ACTION_LABELS, groupName } from '../core/labels';
import { FormViewComponent } from './form-view.component';
import { DiagramViewComponent } from './diagram-view.component';

type PeopleAction = 'transfer' | 'delegate' | 'add-signer' | 'cc';
const PEOPLE_LABELS: Record<PeopleAction, string> = {
  transfer: '转办',
  delegate: '委派',
  'add-signer': '加签',
  cc: '抄送',
};

@Component({
  selector: 'app-task',
  imports: [
    TranslatePipe,
    FormsModule,
    DatePipe,
    RouterLink,
    NzButtonModule,
    NzCardModule,
    NzAlertModule,
    NzTagModule,
    NzTimelineModule,
    NzInputModule,
    NzSelectModule,
    NzDescriptionsModule,
    NzGridModule,
    FormViewComponent,
    DiagramViewComponent,
  ],
  template: `
    <a routerLink="/inbox">{{ '← 返回工作台' | t }}</a>
    @if (detail(); as d) {
      <h2 class="title" data-testid="task-title">{{ d.task.title }} · {{ d.task.name }}</h2>
      <nz-descriptions nzSize="small" [nzColumn]="{ xxl: 4, xl: 4, lg: 3, md: 2, sm: 1, xs: 1 }">
        <nz-descriptions-item [nzTitle]="'流程' | t"
          >{{ d.task.processName }}（v{{ d.task.processVersion }}）</nz-descriptions-item
        >
        <nz-descriptions-item [nzTitle]="'发起人' | t">{{
          d.task.starterName ?? d.task.starter
        }}</nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'办理人' | t">{{
          d.task.assignee ?? candidates()
        }}</nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'期限' | t">
          {{ d.task.dueDate ? (d.task.dueDate | date: 'yyyy-MM-dd HH:mm') : '—' }}
          @if (d.task.overdue) {
            <nz-tag nzColor="error">{{ '超期' | t }}</nz-tag>
          }
        </nz-descriptions-item>
      </nz-descriptions>

      <div class="actions" data-testid="actions">
        @if (can('claim')) {
          <button nz-button nzType="primary" (click)="act('claim')" data-testid="claim">
            {{ '认领' | t }}
          </button>
        }
        @if (can('unclaim')) {
          <button nz-button (click)="act('unclaim')">{{ '释放' | t }}</button>
        }
        @if (can('complete')) {
          <button nz-button nzType="primary" (click)="complete()" data-testid="complete">
            {{ d.task.delegationState === 'pending' ? '办理后交回' : '提交' }}
          </button>
        }
        @if (can('return')) {
          <button nz-button nzDanger (click)="pending.set('return')" data-testid="return">
            {{ '退回' | t }}
          </button>
        }
        @for (a of peopleActions; track a) {
          @if (can(a)) {
            <button nz-button (click)="pending.set(a)">{{ peopleLabels[a] }}</button>
          }
        }
        @if (can('urge')) {
          <button nz-button (click)="act('urge')">{{ '催办' | t }}</button>
        }
        @if (can('withdraw')) {
          <button nz-button nzDanger (click)="act('withdraw')">{{ '撤回' | t }}</button>
        }
      </div>

      @if (pending(); as p) {
        <nz-card nzSize="small" class="panel">
          @if (p === 'return') {
            <textarea
              nz-input
              rows="3"
              [(ngModel)]="opinion"
              placeholder="退回意见（必填）"
              data-testid="return-opinion"
            ></textarea>
          } @else {
            <nz-select
              nzShowSearch
              nzPlaceHolder="选择同事"
              [nzMode]="p === 'cc' ? 'multiple' : 'default'"
              [(ngModel)]="chosen"
              class="people"
            >
              @for (u of colleagues(); track u.id) {
                <nz-option [nzValue]="u.id" [nzLabel]="u.name + '（' + u.id + '）'"></nz-option>
              }
            </nz-select>
            <input nz-input [(ngModel)]="opinion" placeholder="说明（可选）" />
          }
          <button nz-button nzType="primary" (click)="confirm(p)" data-testid="confirm">
            {{ '确定' | t }}
          </button>
          <button nz-button (click)="pending.set(null)">{{ '取消' | t }}</button>
        </nz-card>
      }

      @if (error(); as e) {
        <nz-alert
          nzType="error"
          nzShowIcon
          [nzMessage]="e.message"
          [nzDescription]="problems"
          class="gap"
          data-testid="error"
        ></nz-alert>
        <ng-template #problems>
          @for (p of e.details ?? []; track $index) {
            <div>{{ label(p.field ?? p.path) }}：{{ p.message }}</div>
          }
        </ng-template>
      }
      @if (notice()) {
        <nz-alert
          nzType="success"
          [nzMessage]="notice()!"
          class="gap"
          data-testid="notice"
        ></nz-alert>
      }

      <div nz-row [nzGutter]="16">
        <div nz-col [nzXs]="24" [nzLg]="14">
          @if (d.form) {
            <nz-card [nzTitle]="'表单' | t" nzSize="small">
              <app-form-view [schema]="d.form" [data]="formData()" [readonly]="!can('complete')" />
            </nz-card>
          }
          <nz-card [nzTitle]="'附件' | t" nzSize="small" class="gap-top" data-testid="attachments">
            @for (a of instance()?.attachments ?? []; track a.id) {
              <div class="file">
                <a [href]="fileUrl(a.id, true)" target="_blank" rel="noopener">{{ a.filename }}</a>
                <span class="muted"
                  >{{ categoryName(a.category) }} · {{ (a.size / 1024).toFixed(0) }} KB ·
                  {{ a.uploadedBy }}</span
                >
                <a [href]="fileUrl(a.id, false)">{{ '下载' | t }}</a>
              </div>
            } @empty {
              <p class="muted">{{ '暂无附件' | t }}</p>
            }
            @if (d.task.status === 'open' && (can('complete') || can('comment'))) {
              <div class="upload">
                <nz-select [(ngModel)]="category" class="category">
                  @for (c of categories; track c.value) {
                    <nz-option [nzValue]="c.value" [nzLabel]="c.label"></nz-option>
                  }
                </nz-select>
                <input type="file" (change)="upload($event)" data-testid="task-file" />
              </div>
            }
          </nz-card>
          <nz-card [nzTitle]="'评论' | t" nzSize="small" class="gap-top">
            @for (c of instance()?.comments ?? []; track c.id) {
              <p>
                <strong>{{ c.authorName }}</strong> {{ c.at | date: 'MM-dd HH:mm' }}：{{ c.text }}
              </p>
            }
            <textarea nz-input rows="2" [(ngModel)]="comment" placeholder="写评论"></textarea>
            <button nz-button class="gap-top" (click)="addComment()" [disabled]="!comment.trim()">
              {{ '发表' | t }}
            </button>
          </nz-card>
        </div>
        <div nz-col [nzXs]="24" [nzLg]="10">
          <nz-card [nzTitle]="'办理过程' | t" nzSize="small">
            <nz-timeline>
              @for (e of instance()?.timeline ?? []; track e.seq) {
                <nz-timeline-item [nzColor]="e.action === 'task.returned' ? 'red' : 'blue'">
                  {{ e.at | date: 'MM-dd HH:mm' }} {{ e.actor === 'system' ? '系统' : e.actor }}
                  {{ actionLabel(e.action) }}
                  {{ e.data['taskName'] ?? '' }}
                  @if (e.data['opinion']) {
                    <div class="opinion">“{{ e.data['opinion'] }}”</div>
                  }
                </nz-timeline-item>
              }
            </nz-timeline>
          </nz-card>
        </div>
      </div>
      @if (instance()?.diagram; as dg) {
        <nz-card [nzTitle]="'流程图' | t" nzSize="small" class="gap-top">
          <app-diagram-view
            [xml]="dg.xml"
            [current]="instance()?.engine?.activeElements ?? []"
            [done]="instance()?.completedElements ?? []"
          />
        </nz-card>
      }
    } @else if (error(); as e) {
      <nz-alert nzType="error" [nzMessage]="e.message"></nz-alert>
    }
  `,
  styles: `
    .title {
      margin: 12px 0;
    }
    .actions {
      display: flex;
      gap: 8px;
      flex-wrap: wrap;
      margin: 12px 0;
    }
    .panel {
      margin-bottom: 12px;
    }
    .panel textarea,
    .panel input,
    .people {
      margin-bottom: 8px;
      width: 100%;
      display: block;
    }
    .gap {
      margin: 12px 0;
    }
    .gap-top {
      margin-top: 12px;
    }
    .opinion {
      color: #595959;
    }
    .file {
      display: flex;
      gap: 12px;
      align-items: baseline;
    }
    .muted {
      color: #8c8c8c;
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
export class TaskPage {
  private readonly api = inject(ApiService);
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  readonly id = input.required<string>();
  readonly detail = signal<TaskDetail | null>(null);
  readonly instance = signal<InstanceDetail | null>(null);
  readonly error = signal<ApiError | null>(null);
  readonly notice = signal<string | null>(null);
  readonly pending = signal<PeopleAction | 'return' | null>(null);
  readonly colleagues = signal<{ id: string; name: string }[]>([]);
  readonly peopleActions: PeopleAction[] = ['transfer', 'delegate', 'add-signer', 'cc'];
  readonly peopleLabels = PEOPLE_LABELS;
  readonly formData = computed(() => ({
    ...(this.detail()?.variables ?? {}),
    ...(this.detail()?.draft ?? {}),
  }));
  private readonly formView = viewChild(FormViewComponent);
  opinion = '';
  comment = '';
  category = 'other';
  readonly categories = CATEGORIES;
  chosen: string | string[] | null = null;

  constructor() {
    effect(() => void this.load(this.id()));
  }

  async load(id: string): Promise<void> {
    try {
      const d = await this.api.task(id);
      this.detail.set(d);
      this.instance.set(await this.api.instance(d.task.instanceId).catch(() => null));
      if (!this.colleagues().length && !this.auth.user()?.roles.includes('external')) {
        this.colleagues.set(
          (await this.api.users().catch(() => ({ items: [] }))).items.filter(
            (u) => u.id !== this.auth.user()?.id,
          ),
        );
      }
    } catch (err) {
      this.error.set(apiError(err));
    }
  }

  can(a: TaskAction): boolean {
    return this.detail()?.actions.includes(a) ?? false;
  }

  candidates(): string {
    const t = this.detail()?.task;
    return t ? [...t.candidateGroups.map(groupName), ...t.candidateUsers].join('、') : '';
  }

  actionLabel(a: string): string {
    return ACTION_LABELS[a] ?? a;
  }

  label(field: string | undefined): string {
    const comps = (this.detail()?.form?.components ?? []) as { key?: string; label?: string }[];
    return comps.find((c) => c.key === field)?.label ?? field ?? '';
  }

  async act(action: TaskAction, body: unknown = {}): Promise<void> {
    this.error.set(null);
    this.notice.set(null);
    try {
      await this.api.act(this.id(), action, body);
      this.notice.set(
        '已' +
          (
            { claim: '认领', unclaim: '释放', urge: '催办', withdraw: '撤回' } as Record<
              string,
              string
            >
          )[action],
      );
      if (action === 'withdraw') await this.router.navigateByUrl('/inbox');
      else await this.load(this.id());
    } catch (err) {
      this.error.set(apiError(err));
    }
  }

  async complete(): Promise<void> {
    const values = this.formView()?.values() ?? (this.detail()?.form ? null : {});
    if (!values) return;
    const known = new Set(
      ((this.detail()?.form?.components ?? []) as { key?: string }[])
        .map((c) => c.key)
        .filter(Boolean),
    );
    const variables = Object.fromEntries(Object.entries(values).filter(([k]) => known.has(k)));
    this.error.set(null);
    try {
      await this.api.act(this.id(), 'complete', { variables });
      await this.router.navigateByUrl('/inbox');
    } catch (err) {
      const e = apiError(err);
      this.error.set(e);
      if (e.code === 'FORM_INVALID')
        this.formView()?.showErrors(
          (e.details ?? []).map((d) => ({ field: d.field, message: d.message })),
        );
    }
  }

  async confirm(p: PeopleAction | 'return'): Promise<void> {
    this.error.set(null);
    try {
      if (p === 'return') {
        await this.api.act(this.id(), 'return', { opinion: this.opinion });
        await this.router.navigateByUrl('/inbox');
        return;
      }
      if (p === 'cc')
        await this.api.act(this.id(), 'cc', {
          userIds: [this.chosen].flat().filter(Boolean),
          ...(this.opinion && { note: this.opinion }),
        });
      else
        await this.api.act(this.id(), p, {
          userId: this.chosen,
          ...(this.opinion && { comment: this.opinion }),
        });
      this.pending.set(null);
      this.notice.set(`已${PEOPLE_LABELS[p]}`);
      await this.load(this.id());
    } catch (err) {
      this.error.set(apiError(err));
    }
  }

  fileUrl(id: string, inline: boolean): string {
    return `/api/attachments/${encodeURIComponent(id)}?inline=${inline}&access_token=${encodeURIComponent(this.auth.token() ?? '')}`;
  }

  categoryName(c?: string): string {
    return CATEGORIES.find((x) => x.value === c)?.label ?? '其他';
  }

  async upload(ev: Event): Promise<void> {
    const input = ev.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    try {
      await this.api.upload(file, this.category, this.id());
      await this.load(this.id());
    } catch (err) {
      this.error.set(apiError(err));
    }
    input.value = '';
  }

  async addComment(): Promise<void> {
    try {
      await this.api.act(this.id(), 'comments', { text: this.comment.trim() });
      this.comment = '';
      await this.load(this.id());
    } catch (err) {
      this.error.set(apiError(err));
    }
  }
}
