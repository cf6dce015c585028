import { Injectable, inject } from '@angular/core';
import { HttpClient, HttpErrorResponse, HttpParams } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import type {
  ApiError,
  InstanceDetail,
  Page,
  Reply,
  TaskDetail,
  TaskDto,
  TaskView,
} from './api.types';

export interface TaskQuery {
  view: TaskView;
  processId?: string;
  projectId?: string;
  overdue?: boolean;
  sort?: string;
  page: number;
  pageSize: number;
}

/** The HTTP API, one method per call the pages make. */
@Injectable({ providedIn: 'root' })
export class ApiService {
  private readonly http = inject(HttpClient);

  tasks(q: TaskQuery): Promise<Page<TaskDto>> {
    let params = new HttpParams()
      .set('view', q.view)
      .set('page', q.page)
      .set('pageSize', q.pageSize);
    if (q.processId) params = params.set('processId', q.processId);
    if (q.projectId) params = params.set('projectId', q.projectId);
    if (q.overdue) params = params.set('overdue', 'true');
    if (q.sort) params = params.set('sort', q.sort);
    return firstValueFrom(this.http.get<Page<TaskDto>>('/api/tasks', { params }));
  }

  /** The report started from a witness record (上报异常), written on the record. */
  linkWitnessReport(recordId: string, instanceId: string): Promise<Reply<'linkWitnessReport'>> {
    return firstValueFrom(
      this.http.post<Reply<'linkWitnessReport'>>(
        `/api/witness-records/${encodeURIComponent(recordId)}/report`,
        { instanceId },
      ),
    );
  }

  /** A one-time ticket to open the live-update stream with (no token in its URL). */
  streamTicket(): Promise<Reply<'streamTicket'>> {
    return firstValueFrom(this.http.post<Reply<'streamTicket'>>('/api/events/tickets', {}));
  }

  /** A file, fetched with the session's header (a link would have to carry the token in its URL). */
  file(id: string, inline: boolean): Promise<Blob> {
    return firstValueFrom(
      this.http.get(`/api/attachments/${encodeURIComponent(id)}`, {
        params: new HttpParams().set('inline', inline),
        responseType: 'blob',
      }),
    );
  }

  counts(): Promise<Reply<'taskCounts'>> {
    return firstValueFrom(this.http.get<Reply<'taskCounts'>>('/api/tasks/counts'));
  }

  task(id: string): Promise<TaskDetail> {
    return firstValueFrom(this.http.get<TaskDetail>(`/api/tasks/${encodeURIComponent(id)}`));
  }

  act(id: string, action: string, body: unknown = {}): Promise<TaskDto> {
    return firstValueFrom(
      this.http.post<TaskDto>(`/api/tasks/${encodeURIComponent(id)}/${action}`, body),
    );
  }

  instance(id: string): Promise<InstanceDetail> {
    return firstValueFrom(
      this.http.get<InstanceDetail>(`/api/process-instances/${encodeURIComponent(id)}`),
    );
  }

  flows(): Promise<Reply<'flows'>> {
    return firstValueFrom(this.http.get<Reply<'flows'>>('/api/process-definitions'));
  }

  form(id: string): Promise<Reply<'form'>> {
    return firstValueFrom(this.http.get<Reply<'form'>>(`/api/forms/${encodeURIComponent(id)}`));
  }

  start(
    processId: string,
    variables: Record<string, unknown>,
    attachmentIds: string[] = [],
  ): Promise<Reply<'start'>> {
    return firstValueFrom(
      this.http.post<Reply<'start'>>('/api/process-instances', {
        processId,
        variables,
        attachmentIds,
      }),
    );
  }

  /** Upload one attachment; with `taskId` it joins that task's flow, without it it waits to be named when a flow starts. */
  upload(file: File, category: string, taskId?: string): Promise<Reply<'upload'>> {
    const body = new FormData();
    body.append('category', category);
    if (taskId) body.append('taskId', taskId);
    body.append('file', file, file.name);
    return firstValueFrom(this.http.post<Reply<'upload'>>('/api/attachments', body));
  }

  users(): Promise<Reply<'users'>> {
    return firstValueFrom(this.http.get<Reply<'users'>>('/api/users'));
  }
}

/** The API's error body, or a generic one. */
export function apiError(err: unknown): ApiError {
  if (
    err instanceof HttpErrorResponse &&
    err.error &&
    typeof err.error === 'object' &&
    'code' in err.error
  )
    return err.error as ApiError;
  return {
    code: 'NETWORK',
    message: '无法连接服务器，请稍后重试',
    messageEn: 'The server cannot be reached',
  };
}
