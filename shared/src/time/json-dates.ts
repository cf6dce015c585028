/** JSON carries dates as ISO 8601 strings (`Date.prototype.toJSON`); this reads them back as dates. */
const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

export function parseWithDates<T>(text: string): T {
  return JSON.parse(text, (_k, v: unknown) => (typeof v === 'string' && ISO_DATE.test(v) ? new Date(v) : v)) as T;
}
