/** case.notify-general — 5.3.4: recording outside the anomaly-handling room is asked of the general section in writing. */
import { z } from 'zod';
import { jobOutcome } from '../../port/engine-port';
import { defineWorker } from '../worker-manifest';

export default defineWorker({
  taskType: 'case.notify-general',
  title: '书面通知综合科录音录像',
  inputSchema: z.looseObject({ requesterUnit: z.string(), projectName: z.string().optional() }),
  async handler(job, services) {
    const v = job.variables;
    const n = await services.notify({
      key: `job:${job.key}`,
      groups: ['general', 'general.head'],
      instanceId: job.processInstanceKey,
      kind: 'case.recording-notice',
      title: '【书面通知】异常处理室以外场所录音录像',
      body: `应${v.requesterUnit}申请，项目“${v.projectName ?? ''}”需在异常处理室以外场所录音录像，请综合科安排。`,
    });
    return jobOutcome.complete({ generalNotified: n > 0 });
  },
});
