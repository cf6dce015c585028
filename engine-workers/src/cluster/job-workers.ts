/** Service-task workers on the gateway's gRPC job stream: the SDK's long-polling workers, which reconnect by themselves. */
import type { Job, JobHandler, JobOutcome, Variables, WorkerOptions } from '../port/engine-port';
import { runJobHandler } from '../port/run-handler';
import type { ClusterContext, JSONDoc } from './cluster-context';

export function createWorker<V extends Variables = Variables>(ctx: ClusterContext, opts: WorkerOptions<V>): { close(): void } {
  const handler = opts.handler as unknown as JobHandler<Variables>;
  const worker = ctx.grpc.createWorker({
    taskType: opts.taskType,
    id: ctx.workerName,
    maxJobsToActivate: opts.maxJobsActive ?? 32,
    timeout: ctx.opts.jobTimeoutMs ?? 300_000,
    stdout: ctx.sdkLog,
    taskHandler: async (zjob) => {
      const job: Job = {
        key: String(zjob.key),
        type: zjob.type,
        processInstanceKey: String(zjob.processInstanceKey),
        processId: zjob.bpmnProcessId,
        elementId: zjob.elementId,
        retries: zjob.retries,
        variables: zjob.variables as Variables,
        customHeaders: Object.fromEntries(Object.entries(zjob.customHeaders ?? {}).map(([k, v]) => [k, String(v)])),
      };
      const outcome: JobOutcome = await runJobHandler(handler, job, ctx.logger);
      switch (outcome.outcome) {
        case 'complete':
          return zjob.complete((outcome.variables ?? {}) as JSONDoc);
        case 'error':
          return zjob.error({ errorCode: outcome.errorCode, errorMessage: outcome.errorMessage ?? '', variables: (outcome.variables ?? {}) as JSONDoc });
        case 'fail': {
          const retries = Math.max(0, outcome.retries ?? job.retries - 1);
          const ack = await zjob.fail({ errorMessage: outcome.errorMessage, retries, retryBackOff: outcome.retryBackOff ?? 0 });
          // Zeebe has the failure already; a record we could not write must not fail the job twice.
          if (retries === 0) {
            await recordIncident(ctx, job, outcome.errorMessage).catch((err: unknown) =>
              ctx.logger.error({ err, job: job.key }, 'recording an incident failed'),
            );
          }
          return ack;
        }
      }
    },
  });
  ctx.workers.add(worker);
  return {
    close: () => {
      ctx.workers.delete(worker);
      void worker.close();
    },
  };
}

export async function recordIncident(ctx: ClusterContext, job: Job, message: string): Promise<void> {
  const doc = {
    _id: `job-${job.key}`,
    instanceKey: job.processInstanceKey,
    elementId: job.elementId,
    jobKey: job.key,
    message,
    status: 'open' as const,
    createdAt: new Date(),
  };
  await ctx.models.Incident.updateOne({ _id: doc._id }, { $set: doc }, { upsert: true });
  await ctx.emit('incident.created', {
    key: doc._id,
    instanceKey: doc.instanceKey,
    elementId: doc.elementId,
    type: 'JOB_NO_RETRIES',
    message,
    jobKey: job.key,
    status: 'open',
    createdAt: doc.createdAt.toISOString(),
  });
}
