/** The kinds, sections, stages and dates of trading projects (no schema library: the web app's bundle takes these). */
import { BUSINESS_SECTIONS, type SectionCode } from '../people/sections';

export const PROJECT_KINDS = ['工程建设', '政府采购', '土地矿产', '国有产权', '其他'] as const;
export type ProjectKind = (typeof PROJECT_KINDS)[number];

/** Which business sections run a project of each kind (其他: any of them). */
export const SECTIONS_OF_KIND: Record<ProjectKind, readonly SectionCode[]> = {
  工程建设: ['engineering'],
  政府采购: ['procurement', 'gpc'],
  土地矿产: ['resources'],
  国有产权: ['property'],
  其他: BUSINESS_SECTIONS,
};

/** The life cycle, in order (a project may be terminated at any stage before it is archived). */
export const PROJECT_STAGES = ['registered', 'accepted', 'announced', 'opened', 'awarded', 'contracted', 'archived', 'terminated'] as const;
export type ProjectStage = (typeof PROJECT_STAGES)[number];
export const PROJECT_STAGE_NAMES: Record<ProjectStage, string> = {
  registered: '已登记',
  accepted: '已受理',
  announced: '已发布公告',
  opened: '已开标',
  awarded: '已定标',
  contracted: '已签合同',
  archived: '已归档',
  terminated: '已终止',
};

/** The dates of a project, in the order they happen (each optional; those given must keep the order). */
export const PROJECT_DATES = ['registeredOn', 'noticeOn', 'openingAt', 'awardOn', 'contractOn'] as const;
export type ProjectDateField = (typeof PROJECT_DATES)[number];
export const PROJECT_DATE_NAMES: Record<ProjectDateField, string> = {
  registeredOn: '登记日期',
  noticeOn: '公告日期',
  openingAt: '开标时间',
  awardOn: '定标日期',
  contractOn: '合同签订日期',
};
