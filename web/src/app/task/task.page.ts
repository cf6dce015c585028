import { Component, effect, inject, input, untracked, viewChild } from '@angular/core';
import { RouterLink } from '@angular/router';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzCardModule } from 'ng-zorro-antd/card';
import { NzGridModule } from 'ng-zorro-antd/grid';
import { TranslatePipe } from '../core/i18n';
import { DiagramViewComponent } from './diagram-view.component';
import { FormViewComponent } from './form-view.component';
import { TaskActionsComponent } from './task-actions.component';
import { TaskAttachmentsComponent } from './task-attachments.component';
import { TaskCommentsComponent } from './task-comments.component';
import { TaskHeaderComponent } from './task-header.component';
import { TaskPageStore } from './task-page.store';
import { TaskPeoplePickerComponent } from './task-people-picker.component';
import { TaskTimelineComponent } from './task-timeline.component';

/** 办理: one task, its form, what may be done with it, and its flow so far. */
@Component({
  selector: 'app-task',
  providers: [TaskPageStore],
  imports: [
    TranslatePipe,
    RouterLink,
    NzAlertModule,
    NzCardModule,
    NzGridModule,
    FormViewComponent,
    DiagramViewComponent,
    TaskHeaderComponent,
    TaskActionsComponent,
    TaskPeoplePickerComponent,
    TaskAttachmentsComponent,
    TaskCommentsComponent,
    TaskTimelineComponent,
  ],
  template: `
    <a routerLink="/inbox">{{ '← 返回工作台' | t }}</a>
    @if (store.detail(); as d) {
      <app-task-header [task]="d.task" [candidates]="store.candidates()" />
      <app-task-actions (complete)="complete()" />
      <app-task-people-picker />

      @if (store.error(); as e) {
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
            <div>{{ store.fieldLabel(p.field ?? p.path) }}：{{ p.message }}</div>
          }
        </ng-template>
      }
      @if (store.notice(); as n) {
        <nz-alert nzType="success" [nzMessage]="n" class="gap" data-testid="notice"></nz-alert>
      }

      <div nz-row [nzGutter]="16">
        <div nz-col [nzXs]="24" [nzLg]="14">
          @if (d.form) {
            <nz-card [nzTitle]="'表单' | t" nzSize="small">
              <app-form-view
                [schema]="d.form"
                [data]="store.formData()"
                [readonly]="!store.can('complete')"
              />
            </nz-card>
          }
          <app-task-attachments class="gap-top" />
          <app-task-comments class="gap-top" />
        </div>
        <div nz-col [nzXs]="24" [nzLg]="10">
          <app-task-timeline [events]="store.instance()?.timeline ?? []" />
        </div>
      </div>
      @if (store.instance()?.diagram; as dg) {
        <nz-card [nzTitle]="'流程图' | t" nzSize="small" class="gap-top">
          <app-diagram-view
            [xml]="dg.xml"
            [current]="store.instance()?.engine?.activeElements ?? []"
            [done]="store.instance()?.completedElements ?? []"
          />
        </nz-card>
      }
    } @else if (store.error(); as e) {
      <nz-alert nzType="error" [nzMessage]="e.message"></nz-alert>
    }
  `,
  styles: `
    .gap {
      margin: 12px 0;
    }
    .gap-top {
      display: block;
      margin-top: 12px;
    }
  `,
})
export class TaskPage {
  readonly store = inject(TaskPageStore);
  readonly id = input.required<string>();
  private readonly formView = viewChild(FormViewComponent);

  constructor() {
    effect(() => {
      const id = this.id();
      untracked(() => void this.store.load(id));
    });
  }

  /** Read the form (it shows its own errors when not valid), complete, and show what the server refused. */
  async complete(): Promise<void> {
    const values = this.formView()?.values() ?? (this.store.detail()?.form ? null : {});
    if (!values) return;
    const problems = await this.store.complete(values);
    if (problems) this.formView()?.showErrors(problems);
  }
}
