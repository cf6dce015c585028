/** The leaders' dashboard: numbers of a period (months, China time) and a section. */
import { z } from 'zod';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');
export const dashboardQuery = z.strictObject({
  from: month.optional(),
  to: month.optional(),
  section: z
    .string()
    .regex(/^[a-z]{2,20}$/)
    .optional(),
});
/** The charts, each exportable on its own. */
export const DASHBOARD_CHARTS = ['sections', 'flows', 'steps', 'trend', 'anomalies', 'volumes', 'efficiency'] as const;
export const dashboardExportQuery = dashboardQuery.extend({ chart: z.enum(DASHBOARD_CHARTS).optional() });
const counts = { open: z.number().int(), overdue: z.number().int(), done: z.number().int(), late: z.number().int(), supervised: z.number().int() };
export const dashboardReply = z
  .strictObject({
    from: z.string(),
    to: z.string(),
    section: z.string().nullable(),
    /** The sections the caller may look at (null: the whole center). */
    sections: z.array(z.string()).nullable(),
    bySection: z.array(z.strictObject({ section: z.string(), ...counts })),
    byFlow: z.array(z.strictObject({ processId: z.string(), name: z.string(), started: z.number().int(), ...counts })),
    steps: z.array(
      z.strictObject({
        processId: z.string(),
        processName: z.string(),
        elementId: z.string(),
        name: z.string(),
        n: z.number().int(),
        late: z.number().int(),
        avgMs: z.number().int(),
        /** Read from a histogram of the step's times (within ±12 %). */
        p90Ms: z.number().int(),
      }),
    ),
    trend: z.array(
      z.strictObject({ month: z.string(), started: z.number().int(), done: z.number().int(), late: z.number().int(), supervised: z.number().int() }),
    ),
    anomalies: z.array(z.strictObject({ month: z.string(), counts: z.record(z.string(), z.number().int()) })),
    volumes: z.array(z.strictObject({ month: z.string(), lending: z.number().int(), assistance: z.number().int() })),
    efficiency: z.array(
      z.strictObject({
        section: z.string(),
        userId: z.string(),
        name: z.string(),
        done: z.number().int(),
        late: z.number().int(),
        supervised: z.number().int(),
        openOverdue: z.number().int(),
        /** Percent of finished steps finished in time (null: none finished). */
        onTimeRate: z.number().nullable(),
      }),
    ),
  })
  .meta({ id: 'Dashboard' });
export type DashboardDto = z.infer<typeof dashboardReply>;
