/** complaint.register — a complaint or suggestion 监督科 registered gets its query code, for the complainant to follow it (2.6.1). */
import { z } from 'zod';
import { jobOutcome } from '../../port/engine-port';
import { defineWorker } from '../worker-manifest';

export default defineWorker({
  taskType: 'complaint.register',
  title: '投诉建议登记并生成查询码',
  inputSchema: z.looseObject({
    complaintKind: z.enum(['complaint', 'suggestion', 'report']),
    channel: z.string().min(1),
    title: z.string().min(1),
    content: z.string().min(1),
  }),
  async handler(job, services) {
    const v = job.variables;
    const r = await services.registerComplaint({
      instanceId: job.processInstanceKey,
      kind: v.complaintKind,
      channel: v.channel,
      title: v.title,
      content: v.content,
    });
    return jobOutcome.complete({ queryCode: r.queryCode });
  },
});
