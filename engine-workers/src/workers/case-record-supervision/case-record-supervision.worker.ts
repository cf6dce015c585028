/** case.record-supervision — 5.3: everything lands in the on-site supervision record (现场监督执法过程记录). */
import { z } from 'zod';
import { jobOutcome } from '../../port/engine-port';
import { defineWorker } from '../worker-manifest';

export default defineWorker({
  taskType: 'case.record-supervision',
  title: '记入现场监督执法过程记录',
  inputSchema: z.looseObject({ kind: z.enum(['assist', 'review']), caseSummary: z.string(), workOutcome: z.string(), requesterUnit: z.string() }),
  async handler(job, services) {
    const v = job.variables;
    const r = await services.recordSupervision({
      instanceId: job.processInstanceKey,
      kind: v.kind === 'review' ? '复评复审' : '案件协查协办',
      summary: v.caseSummary,
      outcome: v.workOutcome,
      unit: v.requesterUnit,
    });
    return jobOutcome.complete({ supervisionRecordNo: r.recordNo });
  },
});
