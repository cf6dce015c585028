/**
 * User-task commands over the Orchestration Cluster REST API (complete, assign, unassign), with
 * Zeebe's answers mapped: a task Zeebe no longer has is settled by its listeners' word, a task
 * between states is tried again. Local records are never changed here but by the listeners.
 */
import { conflict, notFound } from '@ggzy/shared';
import type { UserTaskRecord, Variables } from '../port/engine-port';
import { httpStatus, type ClusterContext } from './cluster-context';

export async function listOpenUserTasks(ctx: ClusterContext): Promise<UserTaskRecord[]> {
  const docs = await ctx.models.UserTask.find({ status: 'created' }).lean();
  return docs.map((d) => JSON.parse(d.record) as UserTaskRecord);
}

export async function completeUserTask(ctx: ClusterContext, key: string, variables: Variables = {}): Promise<void> {
  // 404: Zeebe no longer has the task open. Either it was closed without us (a timer, a
  // withdrawal: its canceling listener says so) or our completion already landed (an earlier
  // attempt whose answer was lost, or another replica's catch-up: its completing listener says
  // so). Wait for the listener to tell which.
  await userTaskCommand(
    ctx,
    key,
    () => ctx.rest.completeUserTask({ userTaskKey: key, variables }),
    async () => {
      const outcome = await settledStatus(ctx, key);
      if (outcome === 'completed') return;
      if (outcome === 'canceled') throw conflict('TASK_NOT_OPEN', '任务已不在待办状态', 'The task is no longer open in the cluster');
      throw conflict('TASK_BUSY', '流程集群尚未确认此任务的结果，请稍后再看', 'The cluster has not yet confirmed how this task ended');
    },
  );
  const doc = await ctx.models.UserTask.findOneAndUpdate(
    { _id: key },
    { $set: { status: 'completed', updatedAt: new Date() } },
    { returnDocument: 'after' },
  ).lean();
  if (doc) {
    const record = { ...(JSON.parse(doc.record) as UserTaskRecord), status: 'completed' as const, completedAt: new Date().toISOString() };
    await ctx.mergeVariables(doc.instanceKey, variables);
    await ctx.emit('userTask.completed', record);
  }
}

/** How a task Zeebe no longer has ended, as its listeners reported it (waits a little for them). */
export async function settledStatus(ctx: ClusterContext, key: string): Promise<'completed' | 'canceled' | 'unknown'> {
  const deadline = Date.now() + (ctx.opts.settleWaitMs ?? 10_000);
  for (;;) {
    const doc = await ctx.models.UserTask.findById(key).select('status').lean();
    if (doc?.status === 'completed' || doc?.status === 'canceled') return doc.status;
    if (Date.now() > deadline) return 'unknown';
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function assignUserTask(ctx: ClusterContext, key: string, assignee: string | null): Promise<void> {
  await userTaskCommand(
    ctx,
    key,
    () => (assignee ? ctx.rest.assignUserTask({ userTaskKey: key, assignee, allowOverride: true }) : ctx.rest.unassignUserTask({ userTaskKey: key })),
    async () => {
      throw notFound('Open user task', '待办任务', key);
    },
  );
}

/**
 * A user-task command with Zeebe's answers mapped: 404 (the task is closed) is left to `onGone`;
 * 409 (the task is between states, e.g. its creating listener is still being completed) and
 * failures to reach the cluster are tried again for a few seconds, then reported as busy.
 * Local records are never changed here: only Zeebe's listener jobs close a task.
 */
export async function userTaskCommand(ctx: ClusterContext, key: string, send: () => Promise<unknown>, onGone: () => Promise<void>): Promise<void> {
  const delays = ctx.opts.commandRetryDelaysMs ?? [250, 500, 1000, 2000, 4000];
  for (let attempt = 0; ; attempt++) {
    try {
      await send();
      return;
    } catch (err) {
      const status = httpStatus(err);
      if (status === 404) return onGone();
      const transient = status === undefined || status === 409 || status === 429 || status >= 500;
      if (!transient) throw err;
      if (attempt >= delays.length) {
        throw conflict('TASK_BUSY', '流程集群暂时无法处理此任务，请稍后重试', 'The cluster cannot take this task command right now; try again shortly');
      }
      ctx.logger.warn({ task: key, status, attempt }, 'user task command not taken yet; retrying');
      await new Promise((r) => setTimeout(r, delays[attempt]));
    }
  }
}
