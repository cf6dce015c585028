/**
 * A job (service, send, business-rule and job-based script tasks): run at once by a worker in
 * this process, or stored for one elsewhere (and for retries after a back-off). A stored job's
 * outcome comes back as an outcome `j:<job key>`. The outcome completes the element, throws a BPMN
 * error to a boundary that catches it, retries after a back-off, or becomes an incident.
 */
import { resolveString, resolveValue } from '../../diagram/feel';
import type { JobOutcome } from '../../port/engine-port';
import type { ExecuteMessage } from '../bpmn-elements-types';
import type { InstanceRunner, LocalJob } from '../instance-runner';
import type { IncidentType, JobDoc } from '../models';
import type { Waiter } from '../waiters';
import type { WaitKind } from './wait-kind';

type JobWaiter = Waiter & { kind: 'job' };

/** The `Service` of a job-based task runs this (see runtime-context.ts). */
export function executeJob(inst: InstanceRunner, elementId: string, message: ExecuteMessage, callback: (err: unknown, out?: unknown) => void): void {
  const content = message.content;
  const waiter: JobWaiter = { kind: 'job', executionId: content.executionId, elementId, jobKey: `${inst.key}:${content.executionId}`, content, done: callback };
  inst.waiters.add(waiter);
  // Resumed with the job stored or reported: look; otherwise run it.
  if (inst.hasWait(`j:${waiter.jobKey}`)) inst.track(jobWait.check(inst, waiter));
  else dispatchJob(inst, waiter);
}

function dispatchJob(inst: InstanceRunner, w: JobWaiter): void {
  // behind an incident of its own: only resolving it tries again
  const retry = () => dispatchJob(inst, w);
  if (inst.heldByIncident(w.executionId, 'IO_MAPPING_ERROR', retry) || inst.heldByIncident(w.executionId, 'EXTRACT_VALUE_ERROR', retry)) return;
  const z = inst.compiled.zeebe.get(w.elementId);
  let ctx: ReturnType<InstanceRunner['contextFor']>;
  try {
    ctx = inst.contextFor(w.content); // its input mappings
  } catch (err) {
    return inst.raiseIncident({ type: 'IO_MAPPING_ERROR', elementId: w.elementId, executionId: w.executionId, message: (err as Error).message, retry });
  }
  let type: string;
  let retries: number;
  try {
    const expression = z?.taskDefinition?.type ?? '';
    type = resolveString(expression, ctx) ?? '';
    // Zeebe: a job type must be a string that is not empty
    if (!type) throw new Error(`Expected result of the expression '${expression.trimStart().replace(/^=/, '')}' to be a non-empty 'STRING', but was 'NULL'.`);
    retries = Number(resolveValue(z?.taskDefinition?.retries ?? '3', ctx) ?? 3);
  } catch (err) {
    return inst.raiseIncident({
      type: 'EXTRACT_VALUE_ERROR',
      elementId: w.elementId,
      executionId: w.executionId,
      message: (err as Error).message,
      retry,
    });
  }
  const job: LocalJob = { key: w.jobKey, type, retries: Number.isFinite(retries) ? retries : 3, variables: ctx, customHeaders: z?.taskHeaders ?? {} };
  w.startedAt = new Date();
  if (inst.host.hasLocalWorker(type)) {
    w.localRunning = true;
    inst.localJobs++;
    inst.host.runLocalJob(inst, w, job);
    return;
  }
  storeJob(inst, w, job, { status: 'activatable', retries: job.retries, runAt: new Date() });
}

/** Store the job for a worker once the state that waits for it is written. */
function storeJob(inst: InstanceRunner, w: JobWaiter, job: LocalJob, fields: Pick<JobDoc, 'status' | 'retries' | 'runAt'> & Partial<JobDoc>): void {
  w.stored = {
    _id: job.key,
    type: job.type,
    instanceKey: inst.key,
    processId: inst.def.processId,
    executionId: w.executionId,
    elementId: w.elementId,
    variables: JSON.stringify(job.variables),
    customHeaders: job.customHeaders,
    createdAt: new Date(),
    lockedUntil: null,
    lockedBy: null,
    ...fields,
  };
  inst.openWait({ id: `j:${job.key}` });
  inst.toActivate(w);
}

/** Called (inside the instance's actor) when a job run in this process has finished. */
export function onLocalJobDone(inst: InstanceRunner, w: JobWaiter, job: LocalJob, outcome: JobOutcome): void {
  w.localRunning = false;
  inst.localJobs--;
  if (!inst.waiters.has(w)) return; // interrupted meanwhile (boundary event, cancel)
  applyJobOutcome(inst, w, job, outcome);
}

function finished(inst: InstanceRunner, w: JobWaiter, type: string, status: 'completed' | 'error'): void {
  inst.waiters.delete(w);
  if (inst.hasWait(`j:${w.jobKey}`)) {
    inst.closeWait(`j:${w.jobKey}`, true);
    inst.afterWrite(() => inst.host.models.jobs.deleteOne({ _id: w.jobKey }));
  }
  inst.trail.push({ kind: 'job', key: w.jobKey, elementId: w.elementId, type, status, createdAt: w.startedAt, endedAt: new Date() });
}

function applyJobOutcome(inst: InstanceRunner, w: JobWaiter, job: LocalJob, outcome: JobOutcome): void {
  // If the state write after this is lost, the job runs again: at least once.
  switch (outcome.outcome) {
    case 'complete':
      finished(inst, w, job.type, 'completed');
      inst.applyResult(w.content, outcome.variables);
      return w.done(null, outcome.variables ?? {});
    case 'error': {
      if (inst.canCatch(w.elementId, outcome.errorCode)) {
        finished(inst, w, job.type, 'error');
        // its variables reach the process through the catching event (its output mappings, if any)
        inst.caughtError = { code: outcome.errorCode, message: outcome.errorMessage ?? '', variables: outcome.variables ?? {} };
        const err = Object.assign(new Error(outcome.errorMessage ?? outcome.errorCode), { code: outcome.errorCode, name: 'BpmnError' });
        return w.done(err);
      }
      const message = `Expected to throw an error event with the code '${outcome.errorCode}'${outcome.errorMessage ? ` with message '${outcome.errorMessage}'` : ''}, but it was not caught. No error events are available in the scope.`;
      return jobIncident(inst, w, job, 'UNHANDLED_ERROR_EVENT', message);
    }
    case 'fail': {
      const retries = outcome.retries ?? job.retries - 1;
      if (retries > 0) return retryLater(inst, w, job, retries, outcome.retryBackOff ?? 0, outcome.errorMessage);
      return jobIncident(inst, w, job, 'JOB_NO_RETRIES', outcome.errorMessage || 'job failed and has no retries left');
    }
  }
}

function again(inst: InstanceRunner, w: JobWaiter, job: LocalJob, fields: Pick<JobDoc, 'status' | 'retries' | 'runAt'> & Partial<JobDoc>): void {
  if (inst.hasWait(`j:${w.jobKey}`)) {
    // Stored already: the reported outcome is done with, the job document takes the new status.
    inst.closeWait(`j:${w.jobKey}`, true);
    inst.openWait({ id: `j:${w.jobKey}` });
    w.stored = undefined;
    inst.afterWrite(() => inst.host.models.jobs.updateOne({ _id: w.jobKey }, { $set: { ...fields, lockedUntil: null, lockedBy: null } }));
  } else storeJob(inst, w, job, fields);
}

function retryLater(inst: InstanceRunner, w: JobWaiter, job: LocalJob, retries: number, backoff: number, errorMessage: string): void {
  again(inst, w, job, { status: 'failed', retries, runAt: new Date(Date.now() + backoff), errorMessage });
}

function jobIncident(inst: InstanceRunner, w: JobWaiter, job: LocalJob, type: IncidentType, message: string): void {
  again(inst, w, job, { status: 'incident', retries: 0, runAt: new Date(), errorMessage: message });
  inst.raiseIncident({ type, elementId: w.elementId, executionId: w.executionId, message, jobKey: job.key });
}

export const jobWait: WaitKind<JobWaiter> = {
  async check(inst, w) {
    if (w.localRunning) return;
    const outcome = await inst.findOutcome(`j:${w.jobKey}`);
    if (!outcome || !inst.waiters.has(w)) return;
    const doc = await inst.host.models.jobs.findOne({ _id: w.jobKey });
    const job: LocalJob = { key: w.jobKey, type: doc?.type ?? '', retries: doc?.retries ?? 0, variables: {}, customHeaders: doc?.customHeaders ?? {} };
    if (inst.waiters.has(w)) applyJobOutcome(inst, w, job, JSON.parse(outcome.payload) as JobOutcome);
  },

  async activate(inst, w) {
    const doc = w.stored;
    if (!doc) return;
    w.stored = undefined;
    // A stored job may exist already (a retry after a resume): the newest fields win.
    if (!(await inst.host.commit.insert(inst.host.models.jobs, doc))) {
      const { _id, ...fields } = doc;
      await inst.host.models.jobs.updateOne({ _id }, { $set: fields });
    }
    inst.host.jobsStored();
  },

  cancel(inst, w) {
    w.localRunning = false;
    if (inst.hasWait(`j:${w.jobKey}`)) {
      inst.closeWait(`j:${w.jobKey}`, true);
      inst.afterWrite(() => inst.host.models.jobs.deleteOne({ _id: w.jobKey }));
    }
    inst.resolveIncidentsOf(w.executionId);
    inst.trail.push({ kind: 'job', key: w.jobKey, elementId: w.elementId, status: 'canceled', createdAt: w.startedAt, endedAt: new Date() });
  },
};
