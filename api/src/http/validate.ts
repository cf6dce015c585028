/**
 * Request validation with zod. Schemas are strict: unknown fields, wrong types and objects where
 * a value is expected (e.g. `{ "$ne": null }`) are refused with one clear 400 before any handler runs.
 */
import type { z } from 'zod';
import { userError } from '@ggzy/shared';

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  return parseWith(schema, body ?? {}, 'INVALID_BODY', '请求内容', 'request body');
}

export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  return parseWith(schema, query ?? {}, 'INVALID_QUERY', '查询参数', 'query parameters');
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown, code: string, zh: string, en: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const details = r.error.issues.map((i) => ({ path: i.path.join('.'), code: i.code, message: i.message }));
  const first = details[0]!;
  throw userError(code, `${zh}不合法：${first.path || '(根)'} ${first.message}`, `Invalid ${en}: ${first.path || '(root)'} ${first.message}`, {
    details,
  });
}
