/**
 * anomaly.resume-project — the pause this report made is lifted when the step before it (恢复交易,
 * supervision head or a leader) decided so, with its reason; kept otherwise (a matter handled
 * elsewhere, 另行处理). The project's parties are told either way it is lifted.
 */
import { z } from 'zod';
import { jobOutcome } from '../../port/engine-port';
import { defineWorker } from '../worker-manifest';

export default defineWorker({
  taskType: 'anomaly.resume-project',
  title: '恢复交易并通知各方',
  inputSchema: z.looseObject({
    projectId: z.string().min(1),
    resumeDecision: z.enum(['resume', 'keep']),
    resumeOpinion: z.string(),
    resumedBy: z.string().min(1),
  }),
  async handler(job, services) {
    const v = job.variables;
    if (v.resumeDecision !== 'resume') return jobOutcome.complete({ pauseKept: true });
    const r = await services.resumeProject({
      projectId: v.projectId,
      instanceId: job.processInstanceKey,
      reason: v.resumeOpinion,
      by: v.resumedBy,
      key: `job:${job.key}`,
    });
    return jobOutcome.complete({ pauseKept: false, resumed: r.resumed });
  },
});
