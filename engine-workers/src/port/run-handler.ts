/**
 * Runs a job handler the same way on both adapters: a handler that throws or returns no outcome
 * fails the job with one retry fewer, as Zeebe's own clients do.
 */
import type { Logger } from 'pino';
import type { Job, JobHandler, JobOutcome, Variables } from './engine-port';

export async function runJobHandler(handler: JobHandler<Variables> | undefined, job: Job, logger: Logger): Promise<JobOutcome> {
  if (!handler) return { outcome: 'fail', errorMessage: `no worker for ${job.type}`, retries: job.retries };
  try {
    const outcome = await handler(job);
    if (!outcome || typeof outcome !== 'object' || !('outcome' in outcome)) {
      return { outcome: 'fail', errorMessage: `handler for ${job.type} returned no outcome`, retries: job.retries - 1 };
    }
    return outcome;
  } catch (err) {
    logger.warn({ err, job: job.key, type: job.type }, 'job handler threw');
    return { outcome: 'fail', errorMessage: (err as Error).message ?? String(err), retries: job.retries - 1 };
  }
}
