/**
 * The FEEL functions Zeebe 8.8 documents that the FEEL interpreter (feelin) lacks or answers
 * differently: mostly Camunda's extensions. They are given to every evaluation as functions of
 * the context, where a name of the expression is looked up before the built-ins. The README's
 * "FEEL functions" table says which functions are supported; feel-functions.spec.ts runs an
 * example of each.
 */
import { randomUUID } from 'node:crypto';
import { date as feelDate, duration as feelDuration } from 'feelin';

type Fn = (...args: never[]) => unknown;

const isList = (v: unknown): v is unknown[] => Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string';
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A FEEL date (feelin's own value, or its ISO text) as `yyyy-mm-dd`, or null. */
function isoDate(v: unknown): string | null {
  const text = isText(v) ? v : ((v as { iso?: unknown } | null)?.iso ?? (v == null ? null : String(v)));
  return typeof text === 'string' && /^\d{4}-\d{2}-\d{2}/.test(text) ? text.slice(0, 10) : null;
}

/** The failure of `assert` and of anything a function refuses: the expression fails (an incident). */
class FeelFunctionError extends Error {}

export const CAMUNDA_FUNCTIONS: Record<string, Fn> = {
  // boolean (Camunda extensions; `is defined(null)` is false since 8.4)
  'is defined': (value: unknown) => value !== null && value !== undefined,
  'get or else': (value: unknown, fallback: unknown) => value ?? fallback ?? null,
  assert: (value: unknown, condition: unknown, cause?: unknown) => {
    if (condition !== true) throw new FeelFunctionError(isText(cause) ? cause : 'The condition is not fulfilled');
    return value;
  },
  // string
  'string join': (list: unknown, delimiter?: unknown, prefix?: unknown, suffix?: unknown) => {
    if (!isList(list) || !list.every((x) => x === null || isText(x))) return null;
    const body = list.filter((x) => x !== null).join(isText(delimiter) ? delimiter : '');
    return `${isText(prefix) ? prefix : ''}${body}${isText(suffix) ? suffix : ''}`;
  },
  extract: (text: unknown, pattern: unknown) => (isText(text) && isText(pattern) ? [...text.matchAll(new RegExp(pattern, 'g'))].map((m) => m[0]) : null),
  trim: (text: unknown) => (isText(text) ? text.trim() : null),
  uuid: () => randomUUID(),
  'to base64': (text: unknown) => (isText(text) ? Buffer.from(text, 'utf8').toString('base64') : null),
  'is blank': (text: unknown) => (isText(text) ? text.trim() === '' : null),
  // numeric
  'random number': () => Math.random(),
  // list
  'is empty': (list: unknown) => (isList(list) ? list.length === 0 : null),
  'duplicate values': (list: unknown) => {
    if (!isList(list)) return null;
    const out: unknown[] = [];
    for (const x of list) if (list.filter((y) => same(x, y)).length > 1 && !out.some((y) => same(x, y))) out.push(x);
    return out;
  },
  partition: (list: unknown, size: unknown) => {
    if (!isList(list) || typeof size !== 'number' || !Number.isInteger(size) || size < 1) return null;
    const out: unknown[][] = [];
    for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
    return out;
  },
  // context
  'put all': (...contexts: unknown[]) => {
    const list = contexts.length === 1 && isList(contexts[0]) ? contexts[0] : contexts;
    if (!list.every((c) => c !== null && typeof c === 'object' && !isList(c))) return null;
    return Object.assign({}, ...(list as object[]));
  },
  // temporal
  'last day of month': (value: unknown) => {
    const d = isoDate(value);
    if (!d) return null;
    const [y, m] = d.split('-').map(Number) as [number, number];
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    return feelDate(`${d.slice(0, 8)}${String(last).padStart(2, '0')}`);
  },
  // conversion (the interpreter's own counts the days too)
  'years and months duration': (from: unknown, to: unknown) => {
    const [a, b] = [isoDate(from), isoDate(to)];
    if (!a || !b) return null;
    const [ay, am, ad] = a.split('-').map(Number) as [number, number, number];
    const [by, bm, bd] = b.split('-').map(Number) as [number, number, number];
    let months = (by - ay) * 12 + (bm - am);
    if (months > 0 && bd < ad) months--;
    else if (months < 0 && bd > ad) months++;
    const n = Math.abs(months);
    const text = `${Math.floor(n / 12) ? `${Math.floor(n / 12)}Y` : ''}${n % 12 || !n ? `${n % 12}M` : ''}`;
    return feelDuration(`${months < 0 ? '-' : ''}P${text}`);
  },
  // conversion
  'from json': (text: unknown) => {
    if (!isText(text)) return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return null;
    }
  },
  'to json': (value: unknown) => JSON.stringify(plain(value)),
};

/** A value as JSON sees it (FEEL temporals as their ISO text). */
function plain(value: unknown): unknown {
  if (value === null || value === undefined || typeof value !== 'object') return value ?? null;
  if (isList(value)) return value.map(plain);
  const iso = (value as { iso?: unknown }).iso;
  if (typeof iso === 'string') return iso;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
}
