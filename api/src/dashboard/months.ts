/** Months as the center counts them (China time, YYYY-MM). */
import { chinaDate } from '@ggzy/shared';

export function chinaMonth(d: Date): string {
  return chinaDate(d).slice(0, 7);
}

/** Every month from `from` to `to`, both included (at most 36). */
export function monthRange(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  while (out.length < 36) {
    const id = `${y}-${String(m).padStart(2, '0')}`;
    out.push(id);
    if (id >= to) break;
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

/** The month `n` months before `month`. */
export function monthsBefore(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const total = y * 12 + (m - 1) - n;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}
