/** One entry of the project register: the rules it keeps (a kind's sections, dates in order) and its shape in the API. */
import { chinaDate } from '@ggzy/shared';
import {
  PROJECT_DATE_NAMES,
  PROJECT_DATES,
  SECTIONS_OF_KIND,
  type ImportProblem,
  type ProjectDto,
  type ProjectInput,
  type ProjectKind,
} from '@ggzy/shared/api';
import { sectionName } from '@ggzy/shared';
import type { ProjectDoc } from './project.model';

/** The problems of one entry against the register's rules (the schema has checked each field). */
export function entryProblems(p: Pick<ProjectInput, 'kind' | 'section'> & Partial<Record<(typeof PROJECT_DATES)[number], string | null>>): ImportProblem[] {
  const out: ImportProblem[] = [];
  const allowed = SECTIONS_OF_KIND[p.kind as ProjectKind];
  if (allowed && !allowed.includes(p.section as never))
    out.push({
      row: 0,
      column: 'section',
      message: `${p.kind}项目由${allowed.map(sectionName).join('、')}办理，不是${sectionName(p.section)}`,
      messageEn: `A ${p.kind} project is run by ${allowed.join(', ')}, not ${p.section}`,
    });
  let last: { field: (typeof PROJECT_DATES)[number]; day: string } | undefined;
  for (const field of PROJECT_DATES) {
    const v = p[field];
    if (!v) continue;
    const day = field === 'openingAt' ? chinaDate(new Date(v)) : v;
    if (last && day < last.day)
      out.push({
        row: 0,
        column: field,
        message: `${PROJECT_DATE_NAMES[field]}（${day}）早于${PROJECT_DATE_NAMES[last.field]}（${last.day}）`,
        messageEn: `${field} (${day}) is before ${last.field} (${last.day})`,
      });
    last = { field, day };
  }
  return out;
}

export function projectDto(d: ProjectDoc): ProjectDto {
  const { _id, openingAt, pausedAt, createdAt, updatedAt, ...rest } = d;
  return {
    id: _id,
    ...rest,
    // (a field never given reads as empty, as one cleared does)
    tenderer: rest.tenderer ?? null,
    agent: rest.agent ?? null,
    budget: rest.budget ?? null,
    registeredOn: rest.registeredOn ?? null,
    noticeOn: rest.noticeOn ?? null,
    awardOn: rest.awardOn ?? null,
    contractOn: rest.contractOn ?? null,
    experts: (rest.experts ?? []).map((e) => ({ name: e.name, employer: e.employer ?? null })),
    openingAt: openingAt ? new Date(openingAt).toISOString() : null,
    pausedAt: pausedAt ? new Date(pausedAt).toISOString() : null,
    createdAt: createdAt ? new Date(createdAt).toISOString() : undefined,
    updatedAt: updatedAt ? new Date(updatedAt).toISOString() : null,
  } as ProjectDto;
}
