import { Injectable, computed, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import { ApiService, apiError } from '../core/api.service';
import { AuthService } from '../core/auth.service';
import type { ApiError, InstanceDetail, TaskAction, TaskDetail } from '../core/api.types';
import { groupName } from '../core/labels';

/** Acts that hand the task, or a copy of it, to colleagues. */
export type PeopleAction = 'transfer' | 'delegate' | 'add-signer' | 'cc';

/** The panel open under the action bar: a people act, or 退回 with its opinion. */
export type PendingAction = PeopleAction | 'return';

export const PEOPLE_ACTIONS: readonly PeopleAction[] = ['transfer', 'delegate', 'add-signer', 'cc'];

export const PEOPLE_LABELS: Record<PeopleAction, string> = {
  transfer: '转办',
  delegate: '委派',
  'add-signer': '加签',
  cc: '抄送',
};

const DONE_LABELS: Partial<Record<TaskAction, string>> = {
  claim: '认领',
  unclaim: '释放',
  urge: '催办',
  withdraw: '撤回',
};

/** A problem the server found with one field of the task's form. */
export interface FieldProblem {
  field?: string;
  message: string;
}

export interface Colleague {
  id: string;
  name: string;
}

/**
 * The task page's state: the task and its flow as last loaded, what the user may do with it, and
 * the acts themselves. Provided by the page, so each opened task has its own.
 */
@Injectable()
export class TaskPageStore {
  private readonly api = inject(ApiService);
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);

  readonly id = signal<string | null>(null);
  readonly detail = signal<TaskDetail | null>(null);
  readonly instance = signal<InstanceDetail | null>(null);
  readonly error = signal<ApiError | null>(null);
  readonly notice = signal<string | null>(null);
  readonly pending = signal<PendingAction | null>(null);
  readonly colleagues = signal<Colleague[]>([]);

  private readonly actions = computed(() => new Set(this.detail()?.actions ?? []));
  /** The people acts the user may take on this task, in the bar's order. */
  readonly peopleActions = computed(() => PEOPLE_ACTIONS.filter((a) => this.actions().has(a)));
  /** A delegated task goes back to its owner rather than on through the flow. */
  readonly completeLabel = computed(() =>
    this.detail()?.task.delegationState === 'pending' ? '办理后交回' : '提交',
  );
  /** Files can be added while the task is open, by whoever may complete it or comment on it. */
  /** Files are added by those who act on the flow: its starter, and whoever holds or is offered the step. */
  readonly canUpload = computed(
    () =>
      this.detail()?.task.status === 'open' &&
      (this.can('complete') ||
        this.can('claim') ||
        this.detail()?.task.starter === this.auth.user()?.id),
  );
  /** What the form shows: the flow's variables and the choices its fields offer, overlaid by the draft saved on this task. */
  readonly formData = computed(() => ({
    ...(this.detail()?.variables ?? {}),
    ...(this.detail()?.options ?? {}),
    ...(this.detail()?.draft ?? {}),
  }));
  /** Who may take the task when nobody holds it: candidate groups by name, then people. */
  readonly candidates = computed(() => {
    const t = this.detail()?.task;
    return t ? [...t.candidateGroups.map(groupName), ...t.candidateUsers].join('、') : '';
  });

  can(a: TaskAction): boolean {
    return this.actions().has(a);
  }

  /** The form's label for a field the server names in an error, or the field's key. */
  fieldLabel(field: string | undefined): string {
    const comps = (this.detail()?.form?.components ?? []) as { key?: string; label?: string }[];
    return comps.find((c) => c.key === field)?.label ?? field ?? '';
  }

  async load(id: string): Promise<void> {
    this.id.set(id);
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

  /** 认领, 释放, 催办 reload the task; 撤回 leaves it for the inbox. */
  async act(action: TaskAction): Promise<void> {
    this.error.set(null);
    this.notice.set(null);
    try {
      await this.api.act(this.taskId(), action, {});
      this.notice.set('已' + DONE_LABELS[action]);
      if (action === 'withdraw') await this.router.navigateByUrl('/inbox');
      else await this.reload();
    } catch (err) {
      this.error.set(apiError(err));
    }
  }

  /**
   * Submit the form's values (only the form's own fields) and go back to the inbox. When the
   * server finds the form invalid, returns its problems with the fields, for the form to show.
   */
  async complete(values: Record<string, unknown>): Promise<FieldProblem[] | null> {
    const known = new Set(
      ((this.detail()?.form?.components ?? []) as { key?: string }[])
        .map((c) => c.key)
        .filter(Boolean),
    );
    const variables = Object.fromEntries(Object.entries(values).filter(([k]) => known.has(k)));
    this.error.set(null);
    try {
      await this.api.act(this.taskId(), 'complete', { variables });
      await this.router.navigateByUrl('/inbox');
      return null;
    } catch (err) {
      const e = apiError(err);
      this.error.set(e);
      return e.code === 'FORM_INVALID'
        ? (e.details ?? []).map((d) => ({ field: d.field, message: d.message }))
        : null;
    }
  }

  /** Confirm the open panel: 退回 with its opinion, or hand the task to the chosen colleagues. */
  async confirm(
    p: PendingAction,
    chosen: string | string[] | null,
    opinion: string,
  ): Promise<void> {
    this.error.set(null);
    try {
      if (p === 'return') {
        await this.api.act(this.taskId(), 'return', { opinion });
        await this.router.navigateByUrl('/inbox');
        return;
      }
      if (p === 'cc')
        await this.api.act(this.taskId(), 'cc', {
          userIds: [chosen].flat().filter(Boolean),
          ...(opinion && { note: opinion }),
        });
      else
        await this.api.act(this.taskId(), p, {
          userId: chosen,
          ...(opinion && { comment: opinion }),
        });
      this.pending.set(null);
      this.notice.set(`已${PEOPLE_LABELS[p]}`);
      await this.reload();
    } catch (err) {
      this.error.set(apiError(err));
    }
  }

  async upload(file: File, category: string): Promise<void> {
    try {
      await this.api.upload(file, category, this.taskId());
      await this.reload();
    } catch (err) {
      this.error.set(apiError(err));
    }
  }

  async addComment(text: string): Promise<boolean> {
    try {
      await this.api.act(this.taskId(), 'comments', { text });
      await this.reload();
      return true;
    } catch (err) {
      this.error.set(apiError(err));
      return false;
    }
  }

  /**
   * Open an attachment in a new tab, or save it: fetched with the session's header and handed to
   * the browser as a local object URL, so that no token ever rides in a URL. The tab is opened at
   * once (within the click), then given the file.
   */
  async openFile(id: string, filename: string, inline: boolean): Promise<void> {
    const tab = inline ? window.open('', '_blank') : null;
    if (tab) tab.opener = null;
    try {
      const url = URL.createObjectURL(await this.api.file(id, inline));
      if (tab) tab.location.href = url;
      else {
        const a = document.createElement('a');
        a.href = url;
        a.download = filename;
        a.click();
      }
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      tab?.close();
      this.error.set(apiError(err));
    }
  }

  private reload(): Promise<void> {
    return this.load(this.taskId());
  }

  private taskId(): string {
    return this.id() ?? '';
  }
}
