/** The center keeps China time (UTC+8, no daylight saving); dates people read and months that are compiled follow it. */
export const CHINA_OFFSET_MS = 8 * 3600_000;

/** An instant as China wall-clock time, `YYYY-MM-DD HH:mm:ss`. */
export function chinaDateTime(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** The China calendar date of an instant, `YYYY-MM-DD`. */
export function chinaDate(at: Date): string {
  return chinaDateTime(at).slice(0, 10);
}

/** The instant a China calendar month (1-12) begins. */
export function chinaMonthStart(year: number, month: number): Date {
  return new Date(Date.UTC(year, month - 1, 1) - CHINA_OFFSET_MS);
}
