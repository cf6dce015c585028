/** witness.record — the witness's step becomes the day's project witness record (表七, 5.4.1). */
import { z } from 'zod';
import { jobOutcome } from '../../port/engine-port';
import { defineWorker } from '../worker-manifest';

export default defineWorker({
  taskType: 'witness.record',
  title: '记入项目交易见证记录（表七）',
  inputSchema: z.looseObject({
    projectId: z.string().min(1),
    witness: z.string().min(1),
    sessionDay: z.string().min(10),
    sessionId: z.string().nullish(),
    witnessMode: z.enum(['online', 'offline']),
    witnessCourse: z.string().min(1),
    witnessAnomaly: z.boolean().nullish(),
    witnessAnomalyDesc: z.string().nullish(),
  }),
  async handler(job, services) {
    const v = job.variables;
    const r = await services.recordWitness({
      instanceId: job.processInstanceKey,
      projectId: v.projectId,
      day: v.sessionDay.slice(0, 10),
      witness: v.witness,
      mode: v.witnessMode,
      course: v.witnessCourse,
      anomaly: v.witnessAnomaly === true,
      anomalyDesc: v.witnessAnomalyDesc ?? null,
      sessionId: v.sessionId ?? null,
    });
    return jobOutcome.complete({ witnessRecordId: r.recordId });
  },
});
