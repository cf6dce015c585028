/**
 * case.record-supervision — 5.3.3 "统一由监督科对接记录": every request lands in the on-site
 * supervision record (现场监督执法过程记录), done or refused (header `outcome` = `refused`: the
 * refusal and its reason are the outcome).
 */
import { z } from 'zod';
import { jobOutcome } from '../../port/engine-port';
import { defineWorker } from '../worker-manifest';
import { caseRefusalReason } from '../case-refusal';

export default defineWorker({
  taskType: 'case.record-supervision',
  title: '记入现场监督执法过程记录',
  inputSchema: z.looseObject({
    kind: z.enum(['assist', 'review']),
    caseSummary: z.string(),
    workOutcome: z.string().optional(),

    requesterUnit: z.string(),
    recordAt: z.string().optional(),
    recordPlace: z.string().optional(),
    recordPresent: z.string().optional(),
    recordMeasures: z.string().optional(),
  }),
  async handler(job, services) {
    const v = job.variables;
    const refused = job.customHeaders.outcome === 'refused';
    const outcome = refused ? `不予同意：${caseRefusalReason(v)}` : v.workOutcome;
    if (outcome === undefined) return jobOutcome.fail('the work has no outcome (workOutcome) to record', { retries: 0 });
    const r = await services.recordSupervision({
      instanceId: job.processInstanceKey,
      kind: v.kind === 'review' ? '复评复审' : '案件协查协办',
      summary: v.caseSummary,
      outcome,
      unit: v.requesterUnit,
      at: v.recordAt ?? null,
      place: v.recordPlace ?? null,
      present: v.recordPresent ?? null,
      measures: v.recordMeasures ?? null,
    });
    return jobOutcome.complete({ supervisionRecordNo: r.recordNo });
  },
});
