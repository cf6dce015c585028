/**
 * notify.send — in-app notifications. Task headers say what and to whom: `template` (a key below)
 * and `to`, comma-separated: candidate groups; `@variable`, a variable holding a username or a
 * list of them; `#variable`, a variable holding a group or a list of them (a variable not set is
 * nobody). Each person is told once however many entries name them.
 */
import { z } from 'zod';
import { chinaDateTime } from '@ggzy/shared';
import { jobOutcome } from '../../port/engine-port';
import { defineWorker } from '../worker-manifest';
import { caseRefusalReason } from '../case-refusal';

type Vars = Record<string, unknown>;
const s = (v: unknown) => (v === undefined || v === null ? '' : String(v));
/** A moment as people read it: China time, to the minute. */
const when = (v: unknown) => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? chinaDateTime(new Date(v)).slice(0, 16) : s(v));

export const TEMPLATES: Record<string, { title: (v: Vars) => string; body: (v: Vars) => string }> = {
  'anomaly.reported': {
    title: (v) => `【要情专报】${s(v.title)}`,
    body: (v) =>
      `${s(v.starterName)}报告${v.projectName ? `项目“${s(v.projectName)}”出现异常` : '平台重大事项'}，同步报告监督科及中心领导（科室负责人确认中），请监督科核实处置并及时报告。${v.pauseNow ? '项目已立即暂停。' : ''}`,
  },
  'anomaly.unsubstantiated': {
    title: (v) => `【要情专报】${s(v.title)} 经核实不属实，已办结`,
    body: (v) => `监督科核实结论：不属实，此事项已办结。${s(v.verifyFindings)}${v.pausedAt ? ' 项目是否恢复交易，以监督科或中心领导的恢复通知为准。' : ''}`,
  },
  'case.refused': {
    title: (v) => `【${v.kind === 'review' ? '复评复审' : '协查协办'}】申请不予同意`,
    body: (v) => `您的申请（${s(v.requesterUnit)}）不予同意。理由：${caseRefusalReason(v)}`,
  },
  'security.abnormal': {
    title: (v) => `【信息安全】${s(v.patrolDay)}巡查发现异常`,
    body: (v) =>
      `信息科巡查发现异常（网络 ${s(v.network)}，服务器 ${s(v.servers)}，数据库 ${s(v.databases)}，交易系统 ${s(v.tradingSystem)}）：${s(v.patrolFindings)}。处理措施：${s(v.patrolMeasures) || '处理中'}`,
  },
  'security.incident': {
    title: (v) => `【信息安全事件】${s(v.starterName)}报告`,
    body: (v) => `${when(v.incidentAt)}：${s(v.incidentDesc)}。影响范围：${s(v.incidentImpact) || '待查'}。信息科处置中；记录正式反馈前不得对外答复。`,
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
    body: (v) => `档案 ${s(v.archiveId)} 已开通只读网上调阅，有效期至 ${when(v.accessExpiresAt)}（北京时间），调阅全程留痕。`,
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
    const names = (v: unknown) => (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && !!x);
    for (const t of (job.customHeaders.to ?? '').split(',').map((x) => x.trim())) {
      if (!t) continue;
      if (t.startsWith('@')) users.push(...names(job.variables[t.slice(1)]));
      else if (t.startsWith('#')) groups.push(...names(job.variables[t.slice(1)]));
      else groups.push(t);
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
