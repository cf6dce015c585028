import { Component, computed, inject, input, signal, effect } from '@angular/core';
import { DatePipe, DecimalPipe } from '@angular/common';
import { HttpClient } from '@angular/common/http';
import { RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { NzDescriptionsModule } from 'ng-zorro-antd/descriptions';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzDrawerModule } from 'ng-zorro-antd/drawer';
import { NzCardModule } from 'ng-zorro-antd/card';
import { NzEmptyModule } from 'ng-zorro-antd/empty';
import { PROJECT_STAGE_NAMES } from '@ggzy/shared';
import { TranslatePipe } from '../core/i18n';
import { AuthService } from '../core/auth.service';
import { apiError } from '../core/api.service';
import { SECTION_NAMES } from '../core/labels';
import type { Reply } from '../core/api.types';
import { ProjectFormComponent } from './project-form.component';
import { RatingQrComponent } from './rating-qr.component';

type Detail = Reply<'project'>;

const STATE_NAMES: Record<string, string> = {
  active: '办理中',
  completed: '已办结',
  canceled: '已终止',
  withdrawn: '已撤回',
  incident: '异常',
  failed: '异常终止',
};

/** One project's page: the register's entry, its pause, the flows on it and its archives. */
@Component({
  selector: 'app-project',
  imports: [
    TranslatePipe,
    DatePipe,
    DecimalPipe,
    RouterLink,
    NzDescriptionsModule,
    NzTagModule,
    NzButtonModule,
    NzAlertModule,
    NzTableModule,
    NzDrawerModule,
    NzCardModule,
    NzEmptyModule,
    ProjectFormComponent,
    RatingQrComponent,
  ],
  template: `
    <p>
      <a routerLink="/projects">← {{ '项目登记簿' | t }}</a>
    </p>
    @if (error()) {
      <nz-alert nzType="error" [nzMessage]="error()!"></nz-alert>
    }
    @if (detail(); as d) {
      <div class="title">
        <h2 data-testid="project-title">{{ d.project.id }} {{ d.project.name }}</h2>
        <nz-tag nzColor="blue" data-testid="project-stage-tag">{{
          stageNames[d.project.stage ?? 'registered']
        }}</nz-tag>
        <span class="grow"></span>
        <app-rating-qr [projectId]="d.project.id" [projectName]="d.project.name"></app-rating-qr>
        @if (d.editable) {
          <button nz-button (click)="editing.set(true)" data-testid="project-edit">
            {{ '修改' | t }}
          </button>
        }
      </div>
      @if (d.project.status === 'paused') {
        <nz-alert
          nzType="warning"
          class="gap"
          data-testid="project-paused"
          [nzMessage]="'项目已暂停' | t"
          [nzDescription]="d.project.pauseReason ?? ''"
        ></nz-alert>
      }
      <nz-descriptions nzBordered nzSize="small" [nzColumn]="3" class="gap">
        <nz-descriptions-item [nzTitle]="'项目类型' | t">{{ d.project.kind }}</nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'业务科室' | t">{{
          sectionNames[d.project.section] ?? d.project.section
        }}</nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'预算（万元）' | t">{{
          d.project.budget != null ? (d.project.budget / 10000 | number: '1.0-2') : ''
        }}</nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'招标人/采购人' | t">{{
          d.project.tenderer ?? ''
        }}</nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'代理机构' | t">{{
          d.project.agent ?? ''
        }}</nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'来源' | t">{{
          sourceNames[d.project.source ?? ''] ?? ''
        }}</nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'登记日期' | t">{{
          d.project.registeredOn ?? ''
        }}</nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'公告日期' | t">{{
          d.project.noticeOn ?? ''
        }}</nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'开标时间' | t">{{
          d.project.openingAt ? (d.project.openingAt | date: 'yyyy-MM-dd HH:mm' : '+0800') : ''
        }}</nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'定标日期' | t">{{
          d.project.awardOn ?? ''
        }}</nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'合同签订日期' | t">{{
          d.project.contractOn ?? ''
        }}</nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'评标专家' | t">{{
          expertsOf(d.project)
        }}</nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'最后修改' | t"
          >{{
            d.project.updatedAt ? (d.project.updatedAt | date: 'yyyy-MM-dd HH:mm' : '+0800') : ''
          }}
          {{ d.project.updatedBy ?? '' }}</nz-descriptions-item
        >
      </nz-descriptions>

      <nz-card nzSize="small" [nzTitle]="'流程' | t" class="gap">
        @if (d.instances.length) {
          <nz-table
            [nzData]="d.instances"
            nzSize="small"
            [nzShowPagination]="false"
            #it
            data-testid="project-instances"
          >
            <thead>
              <tr>
                <th>{{ '事项' | t }}</th>
                <th>{{ '流程' | t }}</th>
                <th>{{ '发起时间' | t }}</th>
                <th>{{ '状态' | t }}</th>
              </tr>
            </thead>
            <tbody>
              @for (i of it.data; track i.id) {
                <tr>
                  <td>
                    @if (isAdmin()) {
                      <a [routerLink]="['/admin/instances', i.id]">{{ i.title }}</a>
                    } @else {
                      {{ i.title }}
                    }
                  </td>
                  <td>{{ i.processName }}</td>
                  <td>{{ i.startedAt | date: 'yyyy-MM-dd HH:mm' : '+0800' }}</td>
                  <td>
                    <nz-tag [nzColor]="i.state === 'active' ? 'processing' : 'default'">{{
                      stateNames[i.state] ?? i.state
                    }}</nz-tag>
                  </td>
                </tr>
              }
            </tbody>
          </nz-table>
        } @else {
          <nz-empty nzNotFoundImage="simple" [nzNotFoundContent]="'暂无流程' | t"></nz-empty>
        }
      </nz-card>

      <nz-card nzSize="small" [nzTitle]="'场地安排' | t" class="gap">
        @if (d.sessions.length) {
          <ul data-testid="project-sessions">
            @for (s of d.sessions; track s.id) {
              <li>
                {{ s.day }} {{ s.start }}–{{ s.end }} {{ s.roomName }} · {{ s.purpose }} ·
                {{ s.witnessName ? ('见证：' | t) + s.witnessName : ('未指定见证人' | t) }}
              </li>
            }
          </ul>
        } @else {
          <nz-empty nzNotFoundImage="simple" [nzNotFoundContent]="'尚未预约场地' | t"></nz-empty>
        }
      </nz-card>

      <nz-card nzSize="small" [nzTitle]="'见证记录' | t" class="gap">
        @if (d.witnessRecords.length) {
          <ul data-testid="project-witness-records">
            @for (w of d.witnessRecords; track w.id) {
              <li>
                {{ w.day }} · {{ w.witnessName }} ·
                {{ (w.mode === 'online' ? '线上' : '线下') | t }}
                @if (w.anomaly) {
                  <nz-tag nzColor="red">{{ '有异常' | t }}</nz-tag>
                  @if (w.reportInstanceId) {
                    <span>{{ '已上报要情专报' | t }}</span>
                  }
                }
              </li>
            }
          </ul>
        } @else {
          <nz-empty nzNotFoundImage="simple" [nzNotFoundContent]="'暂无见证记录' | t"></nz-empty>
        }
      </nz-card>

      <nz-card nzSize="small" [nzTitle]="'档案' | t" class="gap">
        @if (d.archives.length) {
          @for (a of d.archives; track a.id) {
            @if (a.files?.length) {
              <p>
                <strong>{{ a.id }} {{ a.title }}</strong
                >（{{ a.archivedAt | date: 'yyyy-MM-dd HH:mm' }} {{ '归档，不可修改' | t }}）
              </p>
              <nz-table
                [nzData]="a.files!"
                nzSize="small"
                [nzShowPagination]="false"
                #ft
                data-testid="archive-files"
              >
                <thead>
                  <tr>
                    <th>{{ '件号' | t }}</th>
                    <th>{{ '文件' | t }}</th>
                    <th>SHA-256</th>
                    <th>SM3</th>
                  </tr>
                </thead>
                <tbody>
                  @for (f of ft.data; track f.no) {
                    <tr>
                      <td>{{ f.no }}</td>
                      <td>{{ f.filename }}</td>
                      <td class="hash">{{ f.sha256 }}</td>
                      <td class="hash">{{ f.sm3 }}</td>
                    </tr>
                  }
                </tbody>
              </nz-table>
            }
          }
          <ul data-testid="project-archives">
            @for (a of d.archives; track a.id) {
              <li [hidden]="!!a.files?.length">
                {{ a.id }} {{ a.title
                }}{{ a.archivedAt ? '（' + (a.archivedAt | date: 'yyyy-MM-dd') + ' 归档）' : '' }}
              </li>
            }
          </ul>
        } @else {
          <nz-empty nzNotFoundImage="simple" [nzNotFoundContent]="'尚未归档' | t"></nz-empty>
        }
      </nz-card>

      <nz-drawer
        [nzVisible]="editing()"
        [nzWidth]="760"
        [nzTitle]="'修改项目' | t"
        (nzOnClose)="editing.set(false)"
      >
        <ng-container *nzDrawerContent>
          <app-project-form
            [project]="d.project"
            (saved)="saved()"
            (cancelled)="editing.set(false)"
          />
        </ng-container>
      </nz-drawer>
    }
  `,
  styles: `
    .title {
      display: flex;
      align-items: center;
      gap: 12px;
    }
    .title h2 {
      margin: 0;
    }
    .grow {
      flex: 1;
    }
    .gap {
      margin-top: 12px;
    }
    .hash {
      font-family: monospace;
      font-size: 11px;
      word-break: break-all;
    }
  `,
})
export class ProjectPage {
  private readonly http = inject(HttpClient);
  private readonly auth = inject(AuthService);
  /** The project number, from the route. */
  readonly id = input.required<string>();
  readonly detail = signal<Detail | null>(null);
  readonly error = signal<string | null>(null);
  readonly editing = signal(false);
  readonly stageNames = PROJECT_STAGE_NAMES;
  readonly sectionNames: Partial<Record<string, string>> = SECTION_NAMES;
  readonly stateNames: Partial<Record<string, string>> = STATE_NAMES;
  readonly sourceNames: Partial<Record<string, string>> = {
    register: '手工登记',
    import: 'Excel 导入',
    push: '电子交易系统推送',
    demo: '演示数据',
    intake: '网上登记（一站式服务）',
  };
  readonly isAdmin = computed(() => !!this.auth.user()?.roles.includes('admin'));

  constructor() {
    effect(() => void this.load(this.id()));
  }

  expertsOf(p: Detail['project']): string {
    return (p.experts ?? [])
      .map((e) => (e.employer ? `${e.name}（${e.employer}）` : e.name))
      .join('、');
  }

  async load(id: string): Promise<void> {
    this.error.set(null);
    try {
      this.detail.set(
        await firstValueFrom(this.http.get<Detail>(`/api/projects/${encodeURIComponent(id)}`)),
      );
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }

  saved(): void {
    this.editing.set(false);
    void this.load(this.id());
  }
}
