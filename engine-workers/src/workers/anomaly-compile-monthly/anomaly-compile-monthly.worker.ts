/** anomaly.compile-monthly — 按月归档汇总: last month's dispatched special reports in one compilation. */
import { z } from 'zod';
import { chinaDate } from '@ggzy/shared';
import { jobOutcome } from '../../port/engine-port';
import { defineWorker } from '../worker-manifest';

/** The month before `now`, as YYYY-MM in China time (UTC+8). */
export function previousMonth(now: Date): string {
  const [y, m] = chinaDate(now).split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

export default defineWorker({
  taskType: 'anomaly.compile-monthly',
  title: '要情专报按月归档汇总',
  inputSchema: z.looseObject({
    month: z
      .string()
      .regex(/^\d{4}-\d{2}$/)
      .optional(),
  }),
  async handler(job, services) {
    const month = job.variables.month ?? previousMonth(services.now());
    const r = await services.compileMonthly({ month });
    return jobOutcome.complete({ month, compilationId: r.compilationId, compiledCount: r.count });
  },
});
