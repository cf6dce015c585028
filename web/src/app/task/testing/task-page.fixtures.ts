/** What the task page store's specs share: a task, its detail, a refusal, and the store with a stubbed API. */
import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { HttpErrorResponse } from '@angular/common/http';
import { Router } from '@angular/router';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import type { TaskAction, TaskDetail, TaskDto, UserDto } from '../../core/api.types';
import { TaskPageStore } from '../task-page.store';

export function aTask(over: Partial<TaskDto> = {}): TaskDto {
  return {
    id: 't1',
    kind: 'engine',
    instanceId: 'i1',
    processId: 'anomaly-escalation',
    processName: '异常情况报告',
    processVersion: 1,
    elementId: 'verify',
    name: '核实',
    status: 'open',
    assignee: 'sup1',
    candidateGroups: ['supervision'],
    candidateUsers: [],
    priority: 50,
    overdue: false,
    createdAt: '2026-11-29T08:00:00Z',
    title: '开标现场投标文件雷同',
    starter: 'witness1',
    pendingSigners: [],
    urgeCount: 0,
    version: 1,
    ...over,
  } as TaskDto;
}

export function aDetail(actions: TaskAction[], over: Partial<TaskDetail> = {}): TaskDetail {
  return {
    task: aTask(),
    actions,
    variables: { title: '开标现场投标文件雷同', verdict: 'unknown' },
    form: {
      id: 'anomaly-verify',
      components: [
        { key: 'verdict', label: '核实结论' },
        { key: 'notes', label: '核实及协调处置情况' },
      ],
    },
    ...over,
  };
}

export function refusal(
  code: string,
  details: { field?: string; code: string; message: string }[] = [],
) {
  return new HttpErrorResponse({
    status: 400,
    error: { code, message: '提交的内容有误', messageEn: 'Invalid', details },
  });
}

export interface StoreUnderTest {
  api: {
    task: ReturnType<typeof vi.fn>;
    instance: ReturnType<typeof vi.fn>;
    users: ReturnType<typeof vi.fn>;
    act: ReturnType<typeof vi.fn>;
    upload: ReturnType<typeof vi.fn>;
    file?: ReturnType<typeof vi.fn>;
  };
  user: ReturnType<typeof signal<UserDto | null>>;
  navigate: ReturnType<typeof vi.fn>;
  store: TaskPageStore;
}

/** The store as sup1 sees it, over an API whose task may be completed, returned, handed on. */
export function storeUnderTest(): StoreUnderTest {
  const api = {
    task: vi.fn().mockResolvedValue(aDetail(['complete', 'return', 'transfer', 'cc', 'comment'])),
    instance: vi.fn().mockResolvedValue({ timeline: [], comments: [], attachments: [] }),
    users: vi.fn().mockResolvedValue({
      items: [
        { id: 'sup1', name: '李监管', sections: ['supervision'] },
        { id: 'sup2', name: '王监管', sections: ['supervision'] },
      ],
    }),
    act: vi.fn().mockResolvedValue({}),
    upload: vi.fn().mockResolvedValue({ id: 'a1', filename: 'x.pdf' }),
  };
  const user = signal<UserDto | null>({ id: 'sup1', name: '李监管', roles: ['staff'] } as UserDto);
  const navigate = vi.fn().mockResolvedValue(true);
  TestBed.configureTestingModule({
    providers: [
      TaskPageStore,
      { provide: ApiService, useValue: api },
      { provide: AuthService, useValue: { user, token: signal('tok 1') } },
      { provide: Router, useValue: { navigateByUrl: navigate } },
    ],
  });
  return { api, user, navigate, store: TestBed.inject(TaskPageStore) };
}
