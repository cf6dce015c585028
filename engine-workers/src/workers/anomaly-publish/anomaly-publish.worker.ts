/** anomaly.publish — a report classified 公开 goes on the center's public page. */
import { z } from 'zod';
import { jobOutcome } from '../../port/engine-port';
import { defineWorker } from '../worker-manifest';

export default defineWorker({
  taskType: 'anomaly.publish',
  title: '公开发布要情专报',
  inputSchema: z.looseObject({ title: z.string(), reportBackground: z.string(), reportDevelopment: z.string(), reportHandling: z.string() }),
  async handler(job, services) {
    const v = job.variables;
    const r = await services.publishReport({
      instanceId: job.processInstanceKey,
      title: v.title,
      content: { background: v.reportBackground, development: v.reportDevelopment, handling: v.reportHandling },
    });
    return jobOutcome.complete({ publicationId: r.publicationId });
  },
});
