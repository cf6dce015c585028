/**
 * notify.send — in-app notifications. Task headers say what and to whom:
 * `template` (a key below) and `to` (comma-separated candidate groups, or `@variable` naming a
 * variable that holds a username).
 */
import { z } from 'zod';
import { jobOutcome } from '../../port/engine-port';
import { defineWorker } from '../worker-manifest';

type Vars = Record<string, unknown>;
const s = (v: unknown) => (v === undefined || v === null ? '' : String(v));

export const TEMPLATES: Record<string, { title: (v: Vars) => string; body: (v: Vars) => string }> = {
  'anomaly.reported': {
    title: (v) => `【要情专报】${s(v.title)}`,
    body: (v) => `${s(v.starterName)}报告项目“${s(v.projectName)}”出现异常，科室负责人已确认，请监督科核实处置并及时报告。${v.pauseNow ? '项目已暂停。' : ''}`,
  },
  'anomaly.unsubstantiated': {
    title: (v) => `【要情专报】${s(v.title)} 经核实不属实`,
    body: (v) => `监督科核实结论：不属实。${s(v.verifyFindings)}`,
  },
  'case.refused': {
    title: (v) => `【${v.kind === 'review' ? '复评复审' : '协查协办'}】申请不予同意`,
    body: (v) => `您的申请（${s(v.requesterUnit)}）不予同意。理由：${s(v.approveOpinion ?? v.auditOpinion)}`,
  },
  'case.done': {
    title: (v) => `【${v.kind === 'review' ? '复评复审' : '协查协办'}】已办结`,
    body: (v) => `您的申请已办结，办理结果：${s(v.workOutcome)}`,
  },
  'archive.refused': {
    title: () => '【档案借阅】申请不予借阅',
    body: (v) => `您的借阅申请不予同意。理由：${s(v.approveOpinion ?? v.checkOpinion)}`,
  },
  'archive.granted': {
    title: () => '【档案借阅】已开通只读调阅',
    body: (v) => `档案 ${s(v.archiveId)} 已开通只读网上调阅，有效期至 ${s(v.accessExpiresAt)}，调阅全程留痕。`,
  },
};

export default defineWorker({
  taskType: 'notify.send',
  title: '发送站内通知',
  inputSchema: z.looseObject({}),
  async handler(job, services) {
    const template = TEMPLATES[job.customHeaders.template ?? ''];
    if (!template) return jobOutcome.fail(`unknown notification template '${job.customHeaders.template}'`, { retries: 0 });
    const users: string[] = [];
    const groups: string[] = [];
    for (const t of (job.customHeaders.to ?? '').split(',').map((x) => x.trim())) {
      if (!t) continue;
      if (t.startsWith('@')) {
        const u = job.variables[t.slice(1)];
        if (typeof u === 'string' && u) users.push(u);
      } else groups.push(t);
    }
    const notified = await services.notify({
      key: `job:${job.key}`,
      users,
      groups,
      instanceId: job.processInstanceKey,
      kind: job.customHeaders.template!,
      title: template.title(job.variables),
      body: template.body(job.variables),
    });
    return jobOutcome.complete({ [`notified_${job.elementId}`]: notified });
  },
});
