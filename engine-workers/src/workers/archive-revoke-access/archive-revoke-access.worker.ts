/** archive.revoke-access — access ends by itself when the period runs out. */
import { z } from 'zod';
import { jobOutcome } from '../../port/engine-port';
import { defineWorker } from '../worker-manifest';

export default defineWorker({
  taskType: 'archive.revoke-access',
  title: '收回档案调阅权限',
  inputSchema: z.looseObject({ accessGrantId: z.string().min(1) }),
  async handler(job, services) {
    const r = await services.revokeArchiveAccess({ instanceId: job.processInstanceKey, grantId: job.variables.accessGrantId });
    return jobOutcome.complete({ accessRevokedAt: r.revokedAt });
  },
});
