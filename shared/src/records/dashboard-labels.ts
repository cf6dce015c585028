/** Names the dashboard shows for what its numbers are counted by. */
import { isLeader, sectionName } from '../people/sections';

/** The categories of a 要情 report (its report form's choices). */
export const ANOMALY_CATEGORY_NAMES: Record<string, string> = {
  trade: '交易异常',
  project: '项目重要问题',
  platform: '平台重大事项',
  other: '其他',
};

const OTHER_SECTIONS: Record<string, string> = { leaders: '中心领导', external: '外部单位', system: '系统', witness: '见证人员', other: '其他' };

/** A section's name, also for the places work is counted beside the 13 sections. */
export function workSectionName(code: string): string {
  return OTHER_SECTIONS[code] ?? sectionName(code);
}

/**
 * Which sections a person may look at on the dashboard: null for the whole center (leaders, 监督科,
 * 大数据科), their own sections for a section head, false for nobody else.
 */
export function dashboardSections(u: { roles: readonly string[]; sections: readonly string[] }): string[] | null | false {
  if (isLeader(u) || u.sections.includes('supervision') || u.sections.includes('bigdata')) return null;
  if (u.roles.includes('head') && u.sections.length) return [...u.sections];
  return false;
}
