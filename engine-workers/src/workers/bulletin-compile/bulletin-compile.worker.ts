/** bulletin.compile — the month's registers compiled into the bulletin's first draft (4.1, 4.2, 4.3.2.1, 5.2, 6.4). */
import { z } from 'zod';
import { jobOutcome } from '../../port/engine-port';
import { defineWorker } from '../worker-manifest';

export default defineWorker({
  taskType: 'bulletin.compile',
  title: '汇总上月台账，生成通报初稿',
  inputSchema: z.looseObject({ bulletinKind: z.string().min(1), month: z.string().regex(/^\d{4}-\d{2}$/) }),
  async handler(job, services) {
    const r = await services.compileBulletin({ bulletinKind: job.variables.bulletinKind, month: job.variables.month });
    // a draft already written by a person is kept when the step runs again
    return jobOutcome.complete({ bulletinCount: r.count, ...(typeof job.variables.bulletinText !== 'string' && { bulletinText: r.text }) });
  },
});
