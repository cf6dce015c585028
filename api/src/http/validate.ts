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

/** Ids in the path (`/tasks/:id`). */
export function parseParams<S extends z.ZodType>(schema: S, params: unknown): z.infer<S> {
  return parseWith(schema, params ?? {}, 'INVALID_PATH', '请求地址中的编号', 'path parameter');
}

const ZH_REASON: Record<string, string> = {
  invalid_type: '类型不对',
  too_small: '过短或过小',
  too_big: '过长或过大',
  invalid_format: '格式不对',
  invalid_string: '格式不对',
  invalid_value: '取值不在允许范围内',
  invalid_enum_value: '取值不在允许范围内',
  unrecognized_keys: '含有不认识的字段',
  custom: '不符合要求',
};

function parseWith<S extends z.ZodType>(schema: S, value: unknown, code: string, zh: string, en: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const details = r.error.issues.map((i) => ({
    path: i.path.join('.'),
    code: i.code,
    message: `${i.path.length ? `「${i.path.join('.')}」` : ''}${ZH_REASON[i.code] ?? '不合法'}${i.code === 'unrecognized_keys' ? `：${(i as { keys?: string[] }).keys?.join('、') ?? ''}` : ''}`,
    messageEn: i.message,
  }));
  const first = details[0]!;
  throw userError(code, `${zh}不合法：${first.message}`, `Invalid ${en}: ${first.path || '(root)'} ${first.messageEn}`, { details });
}
