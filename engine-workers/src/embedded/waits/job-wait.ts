/**
 * A job (service, send, business-rule and job-based script tasks): run at once by a worker in
 * this process, or stored for one elsewhere. Its outcome completes the element, throws a BPMN
 * error to a boundary that catches it, retries after a back-off, or becomes an incident.
 */
import { resolveString, resolveValue } from '../../diagram/feel';
import type { JobOutcome } from '../../port/engine-port';
import type { ExecuteMessage } from '../bpmn-elements-types';
import type { InstanceRunner, LocalJob } from '../instance-runner';
import type { JobDoc } from '../models';
import type { IncidentInput } from '../runtime-context';
import type { Waiter } from '../waiters';
import type { WaitKind } from './wait-kind';

type JobWaiter = Waiter & { kind: 'job' };

/** The `Service` of a job-based task runs this (see runtime-context.ts). */
export function executeJob(inst: InstanceRunner, elementId: string, message: ExecuteMessage, callback: (err: unknown, out?: unknown) => void): void {
  const content = message.content;
  const waiter: Waiter = { kind: 'job', executionId: content.executionId, elementId, jobKey: `${inst.key}:${content.executionId}`, content, done: callback };
  inst.waiters.add(waiter);
  if (message.fields.redelivered) inst.track(inst.check(waiter));
  else inst.track(dispatchJob(inst, waiter));
}

async function dispatchJob(inst: InstanceRunner, w: JobWaiter): Promise<void> {
  const z = inst.compiled.zeebe.get(w.elementId);
  const ctx = inst.contextFor(w.content);
  let type: string;
  let retries: number;
  try {
    type = resolveString(z?.taskDefinition?.type, ctx) ?? '';
    retries = Number(resolveValue(z?.taskDefinition?.retries ?? '3', ctx) ?? 3);
  } catch (err) {
    return inst.raiseIncident({
      type: 'EXTRACT_VALUE_ERROR',
      elementId: w.elementId,
      executionId: w.executionId,
      message: (err as Error).message,
      retry: () => inst.track(dispatchJob(inst, w)),
    });
  }
  const job = { key: w.jobKey, type, retries: Number.isFinite(retries) ? retries : 3, variables: ctx, customHeaders: z?.taskHeaders ?? {} };
  if (inst.host.hasLocalWorker(type)) {
    w.localRunning = true;
    inst.localJobs++;
    inst.host.runLocalJob(inst, w, job);
    return;
  }
  inst.usedCollections = true;
  await inst.host.models.Job.updateOne(
    { _id: w.jobKey },
    {
      $setOnInsert: {
        type,
        instanceKey: inst.key,
        processId: inst.def.processId,
        executionId: w.executionId,
        elementId: w.elementId,
        status: 'activatable',
        retries: job.retries,
        runAt: new Date(),
        variables: JSON.stringify(ctx),
        customHeaders: job.customHeaders,
        createdAt: new Date(),
      },
    },
    { upsert: true },
  );
}

/** Called (inside the instance's actor) when a job run in this process has finished. */
export function onLocalJobDone(inst: InstanceRunner, w: JobWaiter, job: LocalJob, outcome: JobOutcome): void {
  w.localRunning = false;
  inst.localJobs--;
  if (!inst.waiters.has(w)) return; // interrupted meanwhile (boundary event, cancel)
  applyJobOutcome(inst, w, job, outcome);
}

/** `stored`: the outcome came from a job document, which is done with once the outcome is applied. */
function applyJobOutcome(inst: InstanceRunner, w: JobWaiter, job: LocalJob, outcome: JobOutcome, stored = false): void {
  // If the state write after this is lost, the job runs again: at least once.
  const done = () => stored && inst.track(inst.host.models.Job.deleteOne({ _id: job.key }));
  switch (outcome.outcome) {
    case 'complete':
      done();
      inst.waiters.delete(w);
      inst.applyResult(w.content, outcome.variables);
      return w.done(null, outcome.variables ?? {});
    case 'error': {
      if (inst.canCatch(w.elementId, outcome.errorCode)) {
        done();
        inst.waiters.delete(w);
        if (outcome.variables) Object.assign(inst.vars, outcome.variables);
        const err = Object.assign(new Error(outcome.errorMessage ?? outcome.errorCode), { code: outcome.errorCode, name: 'BpmnError' });
        return w.done(err);
      }
      const message = `Expected to throw an error event with the code '${outcome.errorCode}'${outcome.errorMessage ? ` with message '${outcome.errorMessage}'` : ''}, but it was not caught. No error events are available in the scope.`;
      return inst.track(jobIncident(inst, w, job, 'UNHANDLED_ERROR_EVENT', message));
    }
    case 'fail': {
      const retries = outcome.retries ?? job.retries - 1;
      if (retries > 0) return inst.track(jobRetryLater(inst, w, job, retries, outcome.retryBackOff ?? 0, outcome.errorMessage));
      return inst.track(jobIncident(inst, w, job, 'JOB_NO_RETRIES', outcome.errorMessage || 'job failed and has no retries left'));
    }
  }
}

async function jobRetryLater(inst: InstanceRunner, w: JobWaiter, job: LocalJob, retries: number, backoff: number, errorMessage: string): Promise<void> {
  inst.usedCollections = true;
  await inst.host.models.Job.updateOne(
    { _id: job.key },
    {
      $set: { status: 'failed', retries, runAt: new Date(Date.now() + backoff), errorMessage, lockedUntil: null },
      $setOnInsert: jobInsertFields(inst, w, job),
    },
    { upsert: true },
  );
}

async function jobIncident(inst: InstanceRunner, w: JobWaiter, job: LocalJob, type: IncidentInput['type'], message: string): Promise<void> {
  inst.usedCollections = true;
  await inst.host.models.Job.updateOne(
    { _id: job.key },
    { $set: { status: 'incident', retries: 0, errorMessage: message, lockedUntil: null }, $setOnInsert: jobInsertFields(inst, w, job) },
    { upsert: true },
  );
  await inst.writeIncident(`${inst.key}:${w.executionId}:${type}`, { type, elementId: w.elementId, executionId: w.executionId, message, jobKey: job.key });
}

function jobInsertFields(inst: InstanceRunner, w: JobWaiter, job: LocalJob): Partial<JobDoc> {
  return {
    type: job.type,
    instanceKey: inst.key,
    processId: inst.def.processId,
    executionId: w.executionId,
    elementId: w.elementId,
    variables: JSON.stringify(job.variables),
    customHeaders: job.customHeaders,
    createdAt: new Date(),
  };
}

export const jobWait: WaitKind<JobWaiter> = {
  async check(inst, w) {
    const doc = await inst.host.models.Job.findById(w.jobKey).lean();
    if (!inst.waiters.has(w)) return;
    if (!doc) return dispatchJob(inst, w);
    const job: LocalJob = { key: doc._id, type: doc.type, retries: doc.retries, variables: {}, customHeaders: doc.customHeaders };
    // A job run by a poller reports its outcome on the job; the instance applies it here.
    if (doc.status === 'reported' && doc.outcome) applyJobOutcome(inst, w, job, JSON.parse(doc.outcome) as JobOutcome, true);
  },
  async activate() {},
  cancel(inst, w) {
    const m = inst.host.models;
    inst.track(m.Job.updateOne({ _id: w.jobKey, status: { $in: ['activatable', 'failed', 'incident'] } }, { $set: { status: 'canceled' } }));
    inst.track(
      m.Incident.updateMany({ instanceKey: inst.key, executionId: w.executionId, status: 'open' }, { $set: { status: 'resolved', resolvedAt: new Date() } }),
    );
  },
};
