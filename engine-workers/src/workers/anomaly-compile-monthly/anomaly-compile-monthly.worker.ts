/** anomaly.compile-monthly — 按月归档汇总: last month's dispatched special reports in one compilation. */
import { z } from 'zod';
import { jobOutcome } from '../../port/engine-port';
import { defineWorker } from '../worker-manifest';

/** The month before `now`, as YYYY-MM in China time (UTC+8). */
export function previousMonth(now: Date): string {
  const cn = new Date(now.getTime() + 8 * 3600_000);
  const y = cn.getUTCFullYear();
  const m = cn.getUTCMonth(); // 0-based: the previous month's 1-based number
  return m === 0 ? `${y - 1}-12` : `${y}-${String(m).padStart(2, '0')}`;
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
