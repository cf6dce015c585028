/**
 * A section's month as the project register has it (3.1.2, the statistics officer's starting
 * figures): projects registered, projects opened (开标) and their budget in 万元, by kind.
 */
import { chinaDate } from '@ggzy/shared';

export interface MonthFigures {
  registeredCount: number;
  projectCount: number;
  budgetTotal: number;
  byKind: string;
}

interface Entry {
  section: string;
  kind: string;
  registeredOn: string;
  /** Epoch ms, 0 when not known. */
  openingAt: number;
  /** Yuan, -1 when not known. */
  budget: number;
}

export function monthFigures(entries: Entry[], section: string, month: string): MonthFigures {
  const inMonth = (ms: number) => ms > 0 && chinaDate(new Date(ms)).startsWith(month);
  const mine = entries.filter((e) => e.section === section);
  const opened = mine.filter((e) => inMonth(e.openingAt));
  const wan = (yuan: number) => Math.round(yuan / 100) / 100;
  const byKind = new Map<string, { n: number; budget: number }>();
  for (const e of opened) {
    const k = byKind.get(e.kind) ?? { n: 0, budget: 0 };
    k.n++;
    k.budget += Math.max(0, e.budget);
    byKind.set(e.kind, k);
  }
  return {
    registeredCount: mine.filter((e) => e.registeredOn.startsWith(month)).length,
    projectCount: opened.length,
    budgetTotal: wan(opened.reduce((a, e) => a + Math.max(0, e.budget), 0)),
    byKind: [...byKind].map(([k, v]) => `${k}：开标 ${v.n} 个，预算 ${wan(v.budget)} 万元`).join('；') || '本月无开标项目',
  };
}
