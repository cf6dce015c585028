/**
 * case.notify-general — 5.3.4: recording outside the anomaly-handling room is asked of the general
 * section in writing, before the work: a 告知书 kept with the request (downloadable from it), and a
 * notice to the section, which then confirms and schedules it in a step of its own.
 */
import { z } from 'zod';
import { chinaDate } from '@ggzy/shared';
import { jobOutcome } from '../../port/engine-port';
import { defineWorker } from '../worker-manifest';

/** A paragraph's indent in Chinese official writing: two full-width spaces. */
const INDENT = '\u3000\u3000';

export default defineWorker({
  taskType: 'case.notify-general',
  title: '书面告知综合科录音录像',
  inputSchema: z.looseObject({
    requesterUnit: z.string(),
    kind: z.enum(['assist', 'review']),
    caseSummary: z.string(),
    projectId: z.string().nullable().optional(),
    projectName: z.string().nullable().optional(),
  }),
  async handler(job, services) {
    const v = job.variables;
    const project = v.projectName ? `项目“${v.projectName}”（${v.projectId ?? ''}）` : '相关项目';
    const text = [
      '湘西州公共资源交易中心',
      '异常处理室以外场所录音录像告知书',
      '',
      '综合科：',
      `${INDENT}根据“12345”精细化管理规定第 5.3.4 条，应${v.requesterUnit}${v.kind === 'review' ? '复评复审' : '案件协查协办'}申请，${project}需在异常处理室以外场所录音录像。请确认并安排时间、地点和经办人，全程留存录音录像。`,
      `${INDENT}申请事由：${v.caseSummary}`,
      '',
      '监督科',
      chinaDate(services.now()),
      '',
    ].join('\r\n');
    const doc = await services.issueDocument({
      instanceId: job.processInstanceKey,
      key: `notice:${job.processInstanceKey}:${job.elementId}`,
      filename: '录音录像告知书.txt',
      text,
      category: 'notice',
    });
    const n = await services.notify({
      key: `job:${job.key}`,
      groups: ['general', 'general.head'],
      instanceId: job.processInstanceKey,
      kind: 'case.recording-notice',
      title: '【书面告知】异常处理室以外场所录音录像',
      body: `应${v.requesterUnit}申请，${project}需在异常处理室以外场所录音录像，告知书已随件送达，请综合科确认并安排。`,
    });
    return jobOutcome.complete({ generalNotified: n > 0, recordingNoticeId: doc.attachmentId });
  },
});
