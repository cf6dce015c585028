/** bulletin.publish — the approved bulletin is sent to those it goes to and published (the credit disclosure with it). */
import { z } from 'zod';
import { jobOutcome } from '../../port/engine-port';
import { defineWorker } from '../worker-manifest';

export default defineWorker({
  taskType: 'bulletin.publish',
  title: '印发报送并公开月度通报',
  inputSchema: z.looseObject({
    bulletinKind: z.string().min(1),
    month: z.string().regex(/^\d{4}-\d{2}$/),
    bulletinTitle: z.string().min(1),
    bulletinText: z.string().min(1),
  }),
  async handler(job, services) {
    const v = job.variables;
    const r = await services.publishBulletin({
      instanceId: job.processInstanceKey,
      bulletinKind: v.bulletinKind,
      month: v.month,
      title: v.bulletinTitle,
      text: v.bulletinText,
    });
    return jobOutcome.complete({ publishedAt: r.publishedAt, sentTo: r.sentTo });
  },
});
