/** archive.file — the project's archive filed, one per project (一档一卷), from every flow on it; read-only from then on (6.5.1–6.5.2). */
import { z } from 'zod';
import { jobOutcome } from '../../port/engine-port';
import { defineWorker } from '../worker-manifest';

export default defineWorker({
  taskType: 'archive.file',
  title: '一档一卷归档',
  inputSchema: z.looseObject({ projectId: z.string().min(1), archiveFiler: z.string().min(1) }),
  async handler(job, services) {
    const r = await services.fileArchive({ instanceId: job.processInstanceKey, projectId: job.variables.projectId, by: job.variables.archiveFiler });
    return jobOutcome.complete({ archiveId: r.archiveId, archiveFiles: r.files });
  },
});
