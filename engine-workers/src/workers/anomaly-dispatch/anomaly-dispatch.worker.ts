/**
 * anomaly.dispatch — 印发报送 (3.2.5), after the office issued it: the 文号 in order within the year,
 * the signed text, and a record per recipient (报送 and 抄送, the project's supervisory department
 * named for `相关行政监督部门`).
 */
import { z } from 'zod';
import { jobOutcome } from '../../port/engine-port';
import { defineWorker } from '../worker-manifest';

const list = (s: string | undefined) =>
  (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

export default defineWorker({
  taskType: 'anomaly.dispatch',
  title: '印发报送要情专报',
  inputSchema: z.looseObject({
    title: z.string(),
    reportBackground: z.string(),
    reportDevelopment: z.string(),
    reportHandling: z.string(),
    signOpinion: z.string().optional(),
    projectId: z.string().nullable().optional(),
    issuedBy: z.string().optional(),
  }),
  async handler(job, services) {
    const v = job.variables;
    const round = typeof v.dispatchRound === 'number' ? v.dispatchRound + 1 : 1;
    const r = await services.recordDispatch({
      instanceId: job.processInstanceKey,
      round,
      title: v.title,
      recipients: list(job.customHeaders.recipients),
      copyTo: list(job.customHeaders.copyTo),
      content: { background: v.reportBackground, development: v.reportDevelopment, handling: v.reportHandling, signOpinion: v.signOpinion ?? '' },
      projectId: v.projectId ?? null,
      ...(v.issuedBy && { issuedBy: v.issuedBy }),
    });
    return jobOutcome.complete({ dispatchNo: r.dispatchNo, dispatchedAt: r.dispatchedAt, dispatchRound: round, dispatchCopyTo: r.copyTo });
  },
});
