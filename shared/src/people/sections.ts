/** The center's 13 sections (科室). Codes are the candidate groups used in the BPMN files. */
export const SECTIONS = [
  { code: 'office', name: '办公室' },
  { code: 'personnel', name: '人事科' },
  { code: 'it', name: '信息科' },
  { code: 'general', name: '综合科' },
  { code: 'supervision', name: '监督科' },
  { code: 'bigdata', name: '大数据科' },
  { code: 'engineering', name: '工程科' },
  { code: 'procurement', name: '采购科' },
  { code: 'resources', name: '资源科' },
  { code: 'property', name: '产权科' },
  { code: 'gpc', name: '采购中心' },
  { code: 'experts', name: '专家科' },
  { code: 'finance', name: '财务科' },
] as const;

export type SectionCode = (typeof SECTIONS)[number]['code'];

export const SECTION_CODES = SECTIONS.map((s) => s.code) as SectionCode[];

/** Sections that run trading projects; their staff act as witnesses. */
export const BUSINESS_SECTIONS: SectionCode[] = ['engineering', 'procurement', 'resources', 'property', 'gpc'];

export const ROLES = ['staff', 'witness', 'head', 'deputy', 'principal', 'admin', 'external', 'integration'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<Role, string> = {
  staff: '科员',
  witness: '见证员',
  head: '科室负责人',
  deputy: '分管领导',
  principal: '主要领导',
  admin: '系统管理员',
  external: '外部申请人',
  integration: '系统对接账号',
};

export function sectionName(code: string): string {
  return SECTIONS.find((s) => s.code === code)?.name ?? code;
}

/** A signed-in person as every package sees them. */
export type { UserDto } from '../api/people';

/**
 * Candidate groups of a user: every section code they belong to, `<section>.head` for heads,
 * `leader.deputy`, `leader.principal`, `admin`, `external`.
 */
export function groupsOf(u: { sections: readonly string[]; roles: readonly string[] }): string[] {
  const g = new Set<string>(u.sections);
  if (u.roles.includes('head')) for (const s of u.sections) g.add(`${s}.head`);
  if (u.roles.includes('witness')) g.add('witness');
  if (u.roles.includes('deputy')) g.add('leader.deputy');
  if (u.roles.includes('principal')) g.add('leader.principal');
  if (u.roles.includes('admin')) g.add('admin');
  if (u.roles.includes('external')) g.add('external');
  return [...g];
}

export function isLeader(u: { roles: readonly string[] }): boolean {
  return u.roles.includes('deputy') || u.roles.includes('principal');
}
