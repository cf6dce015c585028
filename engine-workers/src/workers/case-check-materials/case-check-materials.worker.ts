/**
 * case.check-materials — 一次性告知: lists every missing material at once (5.3.3/5.3.4: 工作证复印件,
 * 工作函原件; for 复评复审 also 投诉质疑书), so the applicant supplies them in one go.
 */
import { z } from 'zod';
import { jobOutcome } from '../../port/engine-port';
import { defineWorker } from '../worker-manifest';

export const REQUIRED_MATERIALS: Record<string, { category: string; name: string }[]> = {
  assist: [
    { category: 'work-id', name: '工作证复印件' },
    { category: 'letter', name: '工作函原件（扫描件）' },
  ],
  review: [
    { category: 'work-id', name: '工作证复印件' },
    { category: 'letter', name: '工作函原件（扫描件）' },
    { category: 'complaint', name: '投诉质疑书' },
  ],
};

export default defineWorker({
  taskType: 'case.check-materials',
  title: '检查申请材料是否齐全',
  inputSchema: z.looseObject({ kind: z.enum(['assist', 'review']), attachmentIds: z.array(z.string()).default([]) }),
  async handler(job, services) {
    const have = new Set((await services.attachmentsOf(job.processInstanceKey, job.variables.attachmentIds)).map((a) => a.category));
    const missing = REQUIRED_MATERIALS[job.variables.kind]!.filter((m) => !have.has(m.category)).map((m) => m.name);
    return jobOutcome.complete({ materialsComplete: missing.length === 0, missingMaterials: missing });
  },
});
