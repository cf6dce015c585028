/**
 * The inbox's listener jobs (see inbox-listeners.ts), long-polled over the REST API: a creating
 * listener stores the task and tells the inbox, completing and canceling ones settle it, the
 * process end listener ends the instance. A job is completed only after the inbox took what it
 * says; when it could not, the job is failed with its retries kept and Zeebe offers it again.
 */
import type { UserTaskRecord, Variables } from '../port/engine-port';
import type { ClusterContext } from './cluster-context';
import { INBOX_PROCESS_END_LISTENER, INBOX_TASK_LISTENER } from './inbox-listeners';

/** The job record of the REST activation, as far as this adapter reads it. */
interface RestJob {
  jobKey: string;
  type: string;
  processInstanceKey: string;
  processDefinitionId: string;
  processDefinitionVersion: number;
  processDefinitionKey: string;
  elementId: string;
  elementInstanceKey: string;
  retries: number;
  variables: Variables;
  customHeaders: Record<string, unknown>;
  kind?: string;
  listenerEventType?: string;
  userTask?: {
    userTaskKey?: string | null;
    assignee?: string | null;
    candidateGroups?: string[];
    candidateUsers?: string[];
    dueDate?: string | null;
    followUpDate?: string | null;
    formKey?: string | null;
    priority?: number | null;
  };
}

export class InboxListenerLoop {
  private readonly polls: Array<{ cancel(): void }> = [];
  private loops: Promise<void>[] = [];
  private running = false;

  constructor(private readonly ctx: ClusterContext) {}

  start(): void {
    this.running = true;
    this.loops = [INBOX_TASK_LISTENER, INBOX_PROCESS_END_LISTENER].map((type) => this.listenLoop(type));
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const p of this.polls.splice(0)) p.cancel();
    await Promise.allSettled(this.loops);
  }

  /** Long-polls REST job activation for one listener type; a dropped connection is retried with back-off. */
  private async listenLoop(type: string): Promise<void> {
    let backoff = 500;
    while (this.running) {
      const request = this.ctx.rest.activateJobs({
        type,
        worker: this.ctx.workerName,
        timeout: this.ctx.opts.jobTimeoutMs ?? 60_000,
        maxJobsToActivate: 32,
        requestTimeout: this.ctx.opts.listenerRequestTimeoutMs ?? 20_000,
      });
      this.polls.push(request);
      try {
        const { jobs } = (await request) as unknown as { jobs: RestJob[] };
        backoff = 500;
        for (const job of jobs) await this.onListenerJob(job);
      } catch (err) {
        if (!this.running) break;
        this.ctx.logger.warn({ err: (err as Error).message, type, retryInMs: backoff }, 'listener job activation failed; retrying');
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 30_000);
      } finally {
        this.polls.splice(this.polls.indexOf(request), 1);
      }
    }
  }

  private async onListenerJob(job: RestJob): Promise<void> {
    try {
      if (job.type === INBOX_PROCESS_END_LISTENER) await this.onProcessEnd(job);
      else if (job.listenerEventType === 'CREATING') await this.onUserTaskCreating(job);
      else if (job.listenerEventType === 'CANCELING') await this.onUserTaskCanceling(job);
      else if (job.listenerEventType === 'COMPLETING') await this.onUserTaskCompleting(job);
      // A task listener job may not carry variables.
      await this.ctx.rest.completeJob({ jobKey: job.jobKey });
    } catch (err) {
      // The inbox could not take it (its database is away): offer it again later, keeping the
      // retries, so that an outage delays tasks but never turns them into incidents.
      this.ctx.logger.error({ err, job: job.jobKey, type: job.type }, 'inbox listener job failed; Zeebe will offer it again');
      await this.ctx.rest
        .failJob({
          jobKey: job.jobKey,
          retries: Math.max(job.retries, 1),
          errorMessage: (err as Error).message,
          retryBackOff: this.ctx.opts.listenerRetryBackOffMs ?? 10_000,
        })
        .catch(() => undefined);
    }
  }

  private async onUserTaskCreating(job: RestJob): Promise<void> {
    const ut = job.userTask ?? {};
    if (!ut.userTaskKey) throw new Error('listener job without userTask.userTaskKey');
    const c = await this.ctx.compiledFor(job.processDefinitionKey);
    const z = c?.zeebe.get(job.elementId);
    const record: UserTaskRecord = {
      key: String(ut.userTaskKey),
      processInstanceKey: job.processInstanceKey,
      processId: job.processDefinitionId,
      processVersion: job.processDefinitionVersion,
      elementId: job.elementId,
      name: c?.names.get(job.elementId),
      status: 'created',
      assignee: ut.assignee ?? undefined,
      candidateGroups: ut.candidateGroups ?? [],
      candidateUsers: ut.candidateUsers ?? [],
      dueDate: ut.dueDate ?? undefined,
      followUpDate: ut.followUpDate ?? undefined,
      formKey: ut.formKey ?? undefined,
      formId: z?.form?.formId,
      priority: ut.priority ?? undefined,
      customHeaders: z?.taskHeaders ?? {},
      variables: job.variables,
      createdAt: new Date().toISOString(),
    };
    await this.ctx.models.UserTask.updateOne(
      { _id: record.key },
      {
        $setOnInsert: {
          instanceKey: record.processInstanceKey,
          elementId: record.elementId,
          status: 'created',
          record: JSON.stringify(record),
          updatedAt: new Date(),
        },
      },
      { upsert: true },
    );
    await this.ctx.models.Instance.updateOne(
      { _id: job.processInstanceKey },
      {
        $set: { variables: JSON.stringify(job.variables) },
        $setOnInsert: {
          processId: job.processDefinitionId,
          version: job.processDefinitionVersion,
          definitionKey: job.processDefinitionKey,
          status: 'active',
          startedAt: new Date(),
        },
      },
      { upsert: true },
    );
    await this.ctx.emit('userTask.created', record);
  }

  /** Zeebe is completing the task: our completion landed (whichever replica sent it). */
  private async onUserTaskCompleting(job: RestJob): Promise<void> {
    const key = job.userTask?.userTaskKey;
    if (!key) throw new Error('listener job without userTask.userTaskKey');
    await this.ctx.models.UserTask.updateOne({ _id: String(key), status: 'created' }, { $set: { status: 'completed', updatedAt: new Date() } });
  }

  private async onUserTaskCanceling(job: RestJob): Promise<void> {
    const key = job.userTask?.userTaskKey;
    if (!key) throw new Error('listener job without userTask.userTaskKey');
    const doc = await this.ctx.models.UserTask.findOneAndUpdate(
      { _id: String(key) },
      { $set: { status: 'canceled', updatedAt: new Date() } },
      { returnDocument: 'after' },
    ).lean();
    if (doc) await this.ctx.emit('userTask.canceled', { ...(JSON.parse(doc.record) as UserTaskRecord), status: 'canceled' });
  }

  private async onProcessEnd(job: RestJob): Promise<void> {
    // Only instances the adapter knows (started here, or seen through their tasks); a called
    // child process ends inside its parent.
    await this.ctx.models.Instance.updateOne(
      { _id: job.processInstanceKey },
      { $set: { status: 'completed', endedAt: new Date(), variables: JSON.stringify(job.variables) } },
    );
    await this.ctx.emit('instance.completed', { key: job.processInstanceKey, processId: job.processDefinitionId, variables: job.variables });
  }
}
