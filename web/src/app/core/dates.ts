import { chinaDate } from '@ggzy/shared';

/** A day (YYYY-MM-DD) of a date the browser made, e.g. one picked in a date picker, in the browser's calendar. */
export function localDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/**
 * Today at the center (China time), whatever zone the browser's machine is set to: the server's
 * "today" — the day's sessions, the witness record's day — is China's, and a page must ask for the same one.
 */
export function centerToday(): string {
  return chinaDate(new Date());
}

/** This year at the center. */
export function centerYear(): number {
  return Number(centerToday().slice(0, 4));
}
