/** project.stage — the project moves along its life cycle (header `stage`), with the dates the step recorded. */
import { z } from 'zod';
import { jobOutcome } from '../../port/engine-port';
import { defineWorker } from '../worker-manifest';

const DATES = ['noticeOn', 'awardOn', 'contractOn'] as const;

export default defineWorker({
  taskType: 'project.stage',
  title: '更新项目阶段',
  inputSchema: z.looseObject({
    projectId: z.string().min(1),
    noticeOn: z.string().nullish(),
    awardOn: z.string().nullish(),
    contractOn: z.string().nullish(),
  }),
  async handler(job, services) {
    const stage = job.customHeaders.stage;
    if (!stage) return jobOutcome.fail('project.stage: the task has no "stage" header', { retries: 0 });
    const dates = Object.fromEntries(DATES.filter((k) => typeof job.variables[k] === 'string').map((k) => [k, String(job.variables[k]).slice(0, 10)]));
    await services.setProjectStage({ instanceId: job.processInstanceKey, by: 'system', projectId: job.variables.projectId, stage, dates });
    return jobOutcome.complete({ projectStage: stage });
  },
});
