/** project.register — the project of an online registration (一站式服务, 2.8) enters the register; the flow hangs on it. */
import { z } from 'zod';
import { jobOutcome } from '../../port/engine-port';
import { defineWorker } from '../worker-manifest';

export default defineWorker({
  taskType: 'project.register',
  title: '项目登记入库',
  inputSchema: z.looseObject({
    projectId: z.string().min(1),
    projectName: z.string().min(1),
    kind: z.string().min(1),
    section: z.string().min(1),
    tenderer: z.string().min(1),
    agent: z.string().nullish(),
    budget: z.number().nullish(),
    plannedOpening: z.string().nullish(),
    starter: z.string().min(1),
  }),
  async handler(job, services) {
    const v = job.variables;
    // (the form's date-time is Beijing wall time without a zone)
    const openingAt = v.plannedOpening ? new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v.plannedOpening) ? v.plannedOpening : `${v.plannedOpening}+08:00`) : null;
    const r = await services.registerProject({
      instanceId: job.processInstanceKey,
      by: v.starter,
      projectId: v.projectId,
      name: v.projectName,
      kind: v.kind,
      section: v.section,
      tenderer: v.tenderer,
      agent: v.agent ?? null,
      budget: v.budget ?? null,
      openingAt: openingAt && !Number.isNaN(openingAt.getTime()) ? openingAt.toISOString() : null,
    });
    return jobOutcome.complete({ projectRegistered: true, projectCreated: r.created, projectSection: v.section });
  },
});
