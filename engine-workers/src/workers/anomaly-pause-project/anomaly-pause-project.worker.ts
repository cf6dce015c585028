/** anomaly.pause-project — records the pause against the project and tells its parties (3.2, 情况特殊的应立即暂停). */
import { z } from 'zod';
import { jobOutcome } from '../../port/engine-port';
import { defineWorker } from '../worker-manifest';

export default defineWorker({
  taskType: 'anomaly.pause-project',
  title: '暂停项目并通知各方',
  inputSchema: z.looseObject({ projectId: z.string().min(1), title: z.string(), starter: z.string() }),
  async handler(job, services) {
    const { projectId, title, starter } = job.variables;
    const r = await services.pauseProject({ projectId, instanceId: job.processInstanceKey, reason: title, by: starter });
    return jobOutcome.complete({ pausedAt: r.pausedAt, pauseToldGroups: r.told });
  },
});
