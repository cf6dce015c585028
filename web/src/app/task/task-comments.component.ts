import { Component, inject } from '@angular/core';
import { DatePipe } from '@angular/common';
import { FormsModule } from '@angular/forms';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzCardModule } from 'ng-zorro-antd/card';
import { NzInputModule } from 'ng-zorro-antd/input';
import { TranslatePipe } from '../core/i18n';
import { TaskPageStore } from './task-page.store';

/** The flow's comments, and a box to add one. */
@Component({
  selector: 'app-task-comments',
  imports: [TranslatePipe, DatePipe, FormsModule, NzButtonModule, NzCardModule, NzInputModule],
  template: `
    <nz-card [nzTitle]="'评论' | t" nzSize="small">
      @for (c of store.instance()?.comments ?? []; track c.id) {
        <p>
          <strong>{{ c.authorName }}</strong> {{ c.at | date: 'MM-dd HH:mm' }}：{{ c.text }}
        </p>
      }
      <textarea nz-input rows="2" [(ngModel)]="comment" placeholder="写评论"></textarea>
      <button nz-button class="post" (click)="post()" [disabled]="!comment.trim()">
        {{ '发表' | t }}
      </button>
    </nz-card>
  `,
  styles: `
    .post {
      margin-top: 12px;
    }
  `,
})
export class TaskCommentsComponent {
  readonly store = inject(TaskPageStore);
  comment = '';

  async post(): Promise<void> {
    if (await this.store.addComment(this.comment.trim())) this.comment = '';
  }
}
