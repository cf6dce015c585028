/**
 * The registers (台账) of supervision and evaluation, as the regulation's tables lay them out
 * (2.6.1, 4.1–4.3, 5.2, 5.3, 6.4; 表一、表二、表三、表五、表六、表八). One definition per register: its
 * columns (the keys are the flow variables its steps fill in, so a step's form feeds the register
 * without code), who reads it and who may enter an item by hand (paper forms, arrivals on site).
 * No schema library here: the web app's bundle takes these.
 */
import { chinaDateTime } from '../time/china-time';

export type LedgerFieldType = 'text' | 'long' | 'date' | 'datetime' | 'choice' | 'bool' | 'number';

export interface LedgerField {
  key: string;
  zh: string;
  type: LedgerFieldType;
  /** Relative width of its column on paper. */
  width: number;
  required?: boolean;
  options?: readonly string[];
}

export const LEDGER_KINDS = [
  'anomaly-file',
  'supervisor-arrival',
  'agent-evaluation',
  'expert-evaluation',
  'rating',
  'return-visit',
  'security-patrol',
  'security-incident',
  'complaint',
  'mailbox-check',
  'credit',
  'trading-statistics',
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export interface LedgerDef {
  kind: LedgerKind;
  /** The paper table it is (表六), when the regulation gives one. */
  table: string | null;
  clause: string;
  zh: string;
  /** Sections that read it, besides the leaders and admins; `*` every section. */
  readers: readonly string[];
  /** Sections that may enter an item by hand; `*` every section; empty: only its flows write it. */
  writers: readonly string[];
  /** The field whose date files an item under a month (otherwise the day it was recorded). */
  dateKey?: string;
  /** Where its items come from, for the page's header. */
  source: string;
  fields: readonly LedgerField[];
}

const MEASURES = ['提醒', '制止', '通报批评', '纠正'] as const;
const CHECK = ['正常', '异常'] as const;
const GRADES = ['非常满意', '满意', '基本满意', '不满意', '非常不满意'] as const;
export const RATING_GRADES = GRADES;
export const RATING_PARTIES = ['招标人（采购人）', '投标人（供应商）', '代理机构', '其他'] as const;
export const CREDIT_SUBJECTS = ['市场主体', '代理机构', '评标专家'] as const;

const project = [
  { key: 'projectId', zh: '项目编号', type: 'text', width: 3 },
  { key: 'projectName', zh: '项目名称', type: 'text', width: 5 },
] as const satisfies readonly LedgerField[];

const evaluation = (who: string): LedgerField[] => [
  { key: 'score', zh: '考评得分', type: 'number', width: 2, required: true },
  { key: 'grade', zh: '考评等次', type: 'choice', width: 2, options: ['优秀', '良好', '合格', '不合格'], required: true },
  { key: 'irregular', zh: `${who}有不良行为`, type: 'bool', width: 2 },
  { key: 'irregularDesc', zh: '不良行为情况', type: 'long', width: 5 },
  { key: 'evaluationOpinion', zh: '考评意见', type: 'long', width: 5, required: true },
];

export const LEDGERS: Record<LedgerKind, LedgerDef> = {
  'anomaly-file': {
    kind: 'anomaly-file',
    table: '表六',
    clause: '5.3.2',
    zh: '电子异常档案',
    readers: ['supervision'],
    writers: ['supervision'],
    dateKey: 'foundAt',
    source: '见证记录的异常、要情专报、案件协查协办的现场监督，及监督科直接登记',
    fields: [
      ...project,
      { key: 'foundAt', zh: '发现时间', type: 'datetime', width: 3, required: true },
      { key: 'origin', zh: '来源', type: 'choice', width: 2, options: ['见证记录', '要情专报', '案件协查协办', '现场监督', '其他'], required: true },
      { key: 'found', zh: '异常情况', type: 'long', width: 6, required: true },
      { key: 'measure', zh: '处置措施', type: 'choice', width: 2, options: MEASURES, required: true },
      { key: 'involved', zh: '涉及主体', type: 'text', width: 3 },
      { key: 'flashReport', zh: '已快报', type: 'bool', width: 1 },
      { key: 'transferredTo', zh: '移交单位', type: 'text', width: 3 },
      { key: 'place', zh: '地点', type: 'text', width: 2 },
      { key: 'present', zh: '在场人员', type: 'text', width: 3 },
      { key: 'actions', zh: '处置经过', type: 'long', width: 4 },
      { key: 'oversight', zh: '督办情况', type: 'long', width: 3 },
      { key: 'feedback', zh: '反馈情况', type: 'long', width: 3 },
      { key: 'result', zh: '处理结果', type: 'long', width: 3 },
    ],
  },
  'supervisor-arrival': {
    kind: 'supervisor-arrival',
    table: null,
    clause: '5.3.1',
    zh: '行政监督人员到场登记',
    readers: ['supervision'],
    writers: ['supervision'],
    dateKey: 'arrivedAt',
    source: '监督科按项目登记',
    fields: [
      ...project,
      { key: 'arrivedAt', zh: '到场时间', type: 'datetime', width: 3, required: true },
      { key: 'official', zh: '监督人员', type: 'text', width: 2, required: true },
      { key: 'unit', zh: '所在单位', type: 'text', width: 4, required: true },
      { key: 'performance', zh: '履职情况', type: 'choice', width: 2, options: ['正常履职', '迟到早退', '未按规定履职', '其他'], required: true },
      { key: 'remark', zh: '说明', type: 'long', width: 4 },
    ],
  },
  'agent-evaluation': {
    kind: 'agent-evaluation',
    table: '表一',
    clause: '4.1',
    zh: '代理机构考评',
    readers: ['general', 'supervision'],
    writers: [],
    source: '项目归档后综合科对每个代理机构考评',
    fields: [
      ...project,
      { key: 'agent', zh: '代理机构', type: 'text', width: 4, required: true },
      { key: 'agentStaff', zh: '项目负责人', type: 'text', width: 2 },
      ...evaluation('代理机构'),
    ],
  },
  'expert-evaluation': {
    kind: 'expert-evaluation',
    table: '表二',
    clause: '4.2',
    zh: '评标（评审）专家考评',
    readers: ['experts', 'supervision'],
    writers: [],
    source: '项目归档后专家科对每位评标专家考评',
    fields: [
      ...project,
      { key: 'expert', zh: '评标专家', type: 'text', width: 2, required: true },
      { key: 'employer', zh: '工作单位', type: 'text', width: 4 },
      ...evaluation('专家'),
    ],
  },
  rating: {
    kind: 'rating',
    table: '表三',
    clause: '4.3.2.1',
    zh: '服务“好差评”',
    readers: ['supervision'],
    writers: ['supervision'],
    source: '交易主体扫描场次单上的二维码评价，或监督科录入纸质评价表（评价人不记名）',
    fields: [
      ...project,
      { key: 'party', zh: '评价人类别', type: 'choice', width: 3, options: RATING_PARTIES, required: true },
      { key: 'grade', zh: '评价', type: 'choice', width: 2, options: GRADES, required: true },
      { key: 'comment', zh: '意见建议', type: 'long', width: 6 },
      { key: 'channel', zh: '方式', type: 'choice', width: 2, options: ['扫码评价', '纸质评价表'], required: true },
    ],
  },
  'return-visit': {
    kind: 'return-visit',
    table: '表八',
    clause: '4.3.2',
    zh: '回访记录',
    readers: ['supervision'],
    writers: ['supervision'],
    dateKey: 'visitedOn',
    source: '每个项目一份，项目归档后监督科回访',
    fields: [
      ...project,
      { key: 'visitedOn', zh: '回访日期', type: 'date', width: 2, required: true },
      { key: 'visited', zh: '回访对象', type: 'text', width: 3, required: true },
      { key: 'way', zh: '回访方式', type: 'choice', width: 2, options: ['电话', '上门', '座谈', '问卷'], required: true },
      { key: 'visitContent', zh: '回访内容', type: 'long', width: 5, required: true },
      { key: 'visitOpinion', zh: '意见建议', type: 'long', width: 4 },
      { key: 'visitHandling', zh: '处理情况', type: 'long', width: 4 },
    ],
  },
  'security-patrol': {
    kind: 'security-patrol',
    table: '表五',
    clause: '5.2',
    zh: '信息安全巡查记录',
    readers: ['it', 'supervision'],
    writers: [],
    dateKey: 'patrolDay',
    source: '信息科每个工作日巡查',
    fields: [
      { key: 'patrolDay', zh: '日期', type: 'date', width: 2, required: true },
      { key: 'network', zh: '网络', type: 'choice', width: 1, options: CHECK, required: true },
      { key: 'servers', zh: '服务器', type: 'choice', width: 1, options: CHECK, required: true },
      { key: 'databases', zh: '数据库', type: 'choice', width: 1, options: CHECK, required: true },
      { key: 'tradingSystem', zh: '交易系统', type: 'choice', width: 1, options: CHECK, required: true },
      { key: 'vendorStaff', zh: '驻场运维人员', type: 'choice', width: 2, options: ['在岗', '不在岗', '无驻场'], required: true },
      { key: 'patrolFindings', zh: '巡查情况', type: 'long', width: 6, required: true },
      { key: 'patrolMeasures', zh: '处理措施', type: 'long', width: 4 },
    ],
  },
  'security-incident': {
    kind: 'security-incident',
    table: null,
    clause: '5.2',
    zh: '信息安全事件',
    readers: ['it', 'supervision'],
    writers: [],
    source: '各科室报告，信息科处置并记录正式反馈',
    fields: [
      { key: 'incidentAt', zh: '发生时间', type: 'datetime', width: 3, required: true },
      { key: 'starterName', zh: '报告人', type: 'text', width: 2 },
      { key: 'incidentDesc', zh: '事件情况', type: 'long', width: 6, required: true },
      { key: 'incidentImpact', zh: '影响范围', type: 'long', width: 3 },
      { key: 'incidentHandling', zh: '处置情况', type: 'long', width: 4 },
      { key: 'officialFeedback', zh: '正式反馈', type: 'long', width: 4 },
      { key: 'outsideReply', zh: '对外答复', type: 'long', width: 4 },
    ],
  },
  complaint: {
    kind: 'complaint',
    table: null,
    clause: '2.6.1',
    zh: '投诉建议登记',
    readers: ['supervision', 'office'],
    writers: [],
    source: '监督科登记的投诉、建议及其答复',
    fields: [
      { key: 'queryCode', zh: '查询码', type: 'text', width: 3 },
      { key: 'complaintKind', zh: '类别', type: 'choice', width: 1, options: ['complaint', 'suggestion', 'report'] },
      { key: 'channel', zh: '渠道', type: 'text', width: 2 },
      { key: 'projectId', zh: '项目编号', type: 'text', width: 3 },
      { key: 'title', zh: '事由', type: 'text', width: 5 },
      { key: 'replyDraft', zh: '答复', type: 'long', width: 6 },
      { key: 'repliedAt', zh: '答复时间', type: 'datetime', width: 3 },
    ],
  },
  'mailbox-check': {
    kind: 'mailbox-check',
    table: null,
    clause: '2.6.1',
    zh: '主任信箱查看记录',
    readers: ['office', 'supervision'],
    writers: [],
    dateKey: 'checkDay',
    source: '办公室每个工作日查看',
    fields: [
      { key: 'checkDay', zh: '日期', type: 'date', width: 2 },
      { key: 'lettersCount', zh: '来信（封）', type: 'number', width: 1 },
      { key: 'mailboxFindings', zh: '来信情况及处理', type: 'long', width: 7 },
      { key: 'forwardedToSupervision', zh: '转监督科', type: 'bool', width: 1 },
    ],
  },
  credit: {
    kind: 'credit',
    table: null,
    clause: '6.4',
    zh: '不良行为与信用记录',
    readers: ['supervision', 'general', 'experts'],
    writers: ['*'],
    dateKey: 'decidedOn',
    source: '考评中的不良行为、异常档案的通报批评，及各科室随时报告；按月通报后公开',
    fields: [
      { key: 'subjectKind', zh: '主体类别', type: 'choice', width: 2, options: CREDIT_SUBJECTS, required: true },
      { key: 'subject', zh: '主体名称', type: 'text', width: 4, required: true },
      { key: 'projectId', zh: '项目编号', type: 'text', width: 3 },
      { key: 'act', zh: '不良行为', type: 'long', width: 6, required: true },
      { key: 'penalty', zh: '处理结果', type: 'text', width: 3, required: true },
      { key: 'decidedOn', zh: '认定日期', type: 'date', width: 2, required: true },
      { key: 'origin', zh: '来源', type: 'choice', width: 2, options: ['代理机构考评', '专家考评', '异常档案', '科室报告'], required: true },
    ],
  },
  'trading-statistics': {
    kind: 'trading-statistics',
    table: null,
    clause: '3.1.2',
    zh: '交易统计数据（各科室月报）',
    readers: ['bigdata', 'engineering', 'procurement', 'resources', 'property', 'gpc'],
    writers: [],
    dateKey: 'month',
    source: '各业务科室统计专员每月第一个工作日上报、科室负责人核定，次一工作日上报分析',
    fields: [
      { key: 'month', zh: '月份', type: 'text', width: 2 },
      { key: 'sectionName', zh: '科室', type: 'text', width: 2 },
      { key: 'registeredCount', zh: '登记项目（个）', type: 'number', width: 2 },
      { key: 'projectCount', zh: '开标项目（个）', type: 'number', width: 2 },
      { key: 'budgetTotal', zh: '预算金额（万元）', type: 'number', width: 2 },
      { key: 'dealTotal', zh: '成交金额（万元）', type: 'number', width: 2 },
      { key: 'byKind', zh: '分类统计', type: 'long', width: 5 },
      { key: 'statsNotes', zh: '说明', type: 'long', width: 3 },
      { key: 'analysis', zh: '分析报告', type: 'long', width: 6 },
    ],
  },
};

const KIND_NAMES: Record<string, string> = { complaint: '投诉', suggestion: '建议', report: '举报' };

/** A value as people read it, on screen and on paper: 是/否, Beijing time to the minute, a code's name. */
export function printLedgerValue(f: LedgerField, v: unknown): string {
  if (v === undefined || v === null || v === '') return '';
  if (f.type === 'bool') return v ? '是' : '否';
  if (f.type === 'datetime' && typeof v === 'string' && !Number.isNaN(Date.parse(v))) return chinaDateTime(new Date(v)).slice(0, 16);
  if (f.key === 'complaintKind') return KIND_NAMES[String(v)] ?? String(v);
  return String(v);
}

/** What a credit item shows on the public disclosure page once its month is published. */
export const CREDIT_PUBLIC_FIELDS = ['subjectKind', 'subject', 'projectId', 'act', 'penalty', 'decidedOn'] as const;

/** Whether someone with these sections and roles reads / enters items of a register. */
export function ledgerAccess(def: LedgerDef, u: { sections: readonly string[]; roles: readonly string[] }): { read: boolean; write: boolean } {
  const staffSection = u.sections.length > 0 && !u.roles.includes('external');
  const inAny = (list: readonly string[]) => (list.includes('*') ? staffSection : u.sections.some((s) => list.includes(s)));
  const write = u.roles.includes('admin') || inAny(def.writers);
  const read = write || ['admin', 'principal', 'deputy'].some((r) => u.roles.includes(r)) || inAny(def.readers);
  return { read, write };
}
