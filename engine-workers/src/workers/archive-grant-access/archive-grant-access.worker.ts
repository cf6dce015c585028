/**
 * archive.grant-access — read-only online access to exactly the approved archive, for the approved
 * days (6.5.3), for the officer the request names (`officer`; the one who filed it when none).
 */
import { z } from 'zod';
import { jobOutcome } from '../../port/engine-port';
import { defineWorker } from '../worker-manifest';

export default defineWorker({
  taskType: 'archive.grant-access',
  title: '开通档案只读调阅权限',
  inputSchema: z.looseObject({
    archiveId: z.string().min(1),
    starter: z.string().min(1),
    officer: z.string().min(1).optional(),
    accessDays: z.number().int().min(1).max(30),
  }),
  async handler(job, services) {
    const v = job.variables;
    const r = await services.grantArchiveAccess({
      instanceId: job.processInstanceKey,
      archiveId: v.archiveId,
      borrower: v.officer ?? v.starter,
      days: v.accessDays,
    });
    return jobOutcome.complete({ accessGrantId: r.grantId, accessExpiresAt: r.expiresAt });
  },
});
