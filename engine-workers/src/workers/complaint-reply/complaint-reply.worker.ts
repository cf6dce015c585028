/** complaint.reply — the reply the leaders approved is given to the complainant (their query page shows it, 2.6.1). */
import { z } from 'zod';
import { jobOutcome } from '../../port/engine-port';
import { defineWorker } from '../worker-manifest';

export default defineWorker({
  taskType: 'complaint.reply',
  title: '答复投诉人',
  inputSchema: z.looseObject({ queryCode: z.string().min(1), replyDraft: z.string().min(1) }),
  async handler(job, services) {
    const r = await services.replyComplaint({ instanceId: job.processInstanceKey, queryCode: job.variables.queryCode, reply: job.variables.replyDraft });
    return jobOutcome.complete({ repliedAt: r.repliedAt });
  },
});
