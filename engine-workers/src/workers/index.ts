/** Every job worker of the product; a test checks this list against the task types in processes/. */
import type { EnginePort, Job } from '../port/engine-port';
import { jobOutcome } from '../port/engine-port';
import type { WorkerManifest, WorkerServices } from './worker-manifest';
import notifySend from './notify-send/notify-send.worker';
import anomalyPauseProject from './anomaly-pause-project/anomaly-pause-project.worker';
import anomalyResumeProject from './anomaly-resume-project/anomaly-resume-project.worker';
import anomalyDispatch from './anomaly-dispatch/anomaly-dispatch.worker';
import anomalyPublish from './anomaly-publish/anomaly-publish.worker';
import anomalyCompileMonthly from './anomaly-compile-monthly/anomaly-compile-monthly.worker';
import caseCheckMaterials from './case-check-materials/case-check-materials.worker';
import caseNotifyGeneral from './case-notify-general/case-notify-general.worker';
import caseRecordSupervision from './case-record-supervision/case-record-supervision.worker';
import archiveGrantAccess from './archive-grant-access/archive-grant-access.worker';
import archiveRevokeAccess from './archive-revoke-access/archive-revoke-access.worker';
import projectRegister from './project-register/project-register.worker';
import projectStage from './project-stage/project-stage.worker';
import venueBook from './venue-book/venue-book.worker';
import venueNameWitness from './venue-name-witness/venue-name-witness.worker';
import witnessRecord from './witness-record/witness-record.worker';
import archiveFile from './archive-file/archive-file.worker';
import complaintRegister from './complaint-register/complaint-register.worker';
import complaintReply from './complaint-reply/complaint-reply.worker';
import ledgerRecord from './ledger-record/ledger-record.worker';
import bulletinCompile from './bulletin-compile/bulletin-compile.worker';
import bulletinPublish from './bulletin-publish/bulletin-publish.worker';

export * from './worker-manifest';

export const WORKERS: WorkerManifest[] = [
  notifySend,
  anomalyPauseProject,
  anomalyResumeProject,
  anomalyDispatch,
  anomalyPublish,
  anomalyCompileMonthly,
  caseCheckMaterials,
  caseNotifyGeneral,
  caseRecordSupervision,
  archiveGrantAccess,
  archiveRevokeAccess,
  projectRegister,
  projectStage,
  venueBook,
  venueNameWitness,
  witnessRecord,
  archiveFile,
  complaintRegister,
  complaintReply,
  ledgerRecord,
  bulletinCompile,
  bulletinPublish,
] as WorkerManifest[];

/**
 * Register every worker on an engine. Variables that do not fit a worker's input schema are a
 * diagram or data bug: the job fails without retries and becomes an incident an admin can see.
 */
export function registerWorkers(engine: EnginePort, services: WorkerServices, workers: WorkerManifest[] = WORKERS): { close(): void } {
  const handles = workers.map((w) =>
    engine.createWorker({
      taskType: w.taskType,
      handler: async (job: Job) => {
        const parsed = w.inputSchema.safeParse(job.variables);
        if (!parsed.success) {
          const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
          return jobOutcome.fail(`${w.taskType}: variables do not fit the worker's input: ${problems}`, { retries: 0 });
        }
        return w.handler({ ...job, variables: { ...job.variables, ...(parsed.data as object) } }, services);
      },
    }),
  );
  return { close: () => handles.forEach((h) => h.close()) };
}
