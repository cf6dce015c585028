/**
 * Server-side check of submitted data against a form-js schema: the browser renders the same form
 * with @bpmn-io/form-js, and the server refuses what the form would not allow (required fields,
 * types, lengths, patterns, ranges, allowed options, fields that are not on the form).
 * Hidden fields (`conditional.hide`, FEEL) are neither required nor kept.
 */
import { evaluateFeel } from '@ggzy/engine-workers';
import { userError } from '@ggzy/shared';

export interface FormComponent {
  id?: string;
  type: string;
  key?: string;
  label?: string;
  values?: { label: string; value: unknown }[];
  valuesKey?: string;
  validate?: { required?: boolean; minLength?: number; maxLength?: number; pattern?: string; min?: number; max?: number };
  /** form-js number fields: 0 means whole numbers only. */
  decimalDigits?: number;
  conditional?: { hide?: string };
  properties?: Record<string, string>;
  components?: FormComponent[];
  defaultValue?: unknown;
  /** Shown, not filled in: whatever a request sends for it is not taken (form-js leaves it out). */
  disabled?: boolean;
  readonly?: boolean;
}

export interface FormSchema {
  id: string;
  name?: string;
  components: FormComponent[];
}

export interface FieldProblem {
  field: string;
  code: string;
  message: string;
  messageEn: string;
}

const VALUE_TYPES = new Set(['textfield', 'textarea', 'number', 'checkbox', 'radio', 'select', 'checklist', 'taglist', 'datetime']);

export function fieldsOf(form: FormSchema): FormComponent[] {
  const out: FormComponent[] = [];
  const walk = (cs: FormComponent[]) => {
    for (const c of cs) {
      if (c.key && VALUE_TYPES.has(c.type)) out.push(c);
      if (c.components) walk(c.components);
    }
  };
  walk(form.components);
  return out;
}

/** The field marked `properties.inbox = role` (decision / opinion), if the form has one. */
export function fieldWithRole(form: FormSchema, role: 'decision' | 'opinion'): FormComponent | undefined {
  return fieldsOf(form).find((c) => c.properties?.inbox === role);
}

function isHidden(c: FormComponent, scope: Record<string, unknown>): boolean {
  return holds(c.conditional?.hide, scope);
}

/** Whether a FEEL condition (`=…`) of the form holds for these values; no condition, or a broken one, does not. */
function holds(expr: string | undefined, scope: Record<string, unknown>): boolean {
  if (!expr) return false;
  try {
    return evaluateFeel(expr.replace(/^\s*=/, ''), scope).value === true;
  } catch {
    return false;
  }
}

function optionsOf(c: FormComponent, context: Record<string, unknown>): unknown[] | null {
  if (c.values) return c.values.map((v) => v.value);
  if (c.valuesKey) {
    const list = context[c.valuesKey];
    return Array.isArray(list) ? list.map((v) => (v && typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : v)) : [];
  }
  return null;
}

/**
 * Returns the data to store (only the form's visible fields) or throws FORM_INVALID with one
 * problem per field.
 */
export function validateFormData(form: FormSchema, data: Record<string, unknown>, context: Record<string, unknown> = {}): Record<string, unknown> {
  const fields = fieldsOf(form);
  const known = new Set(fields.map((f) => f.key!));
  const problems: FieldProblem[] = [];
  const p = (field: string, code: string, zh: string, en: string) => problems.push({ field, code, message: zh, messageEn: en });
  for (const k of Object.keys(data)) if (!known.has(k)) p(k, 'UNKNOWN_FIELD', `表单中没有字段 ${k}`, `The form has no field ${k}`);

  const scope = { ...context, ...data };
  const out: Record<string, unknown> = {};
  for (const c of fields) {
    const key = c.key!;
    const label = c.label ?? key;
    if (isHidden(c, scope) || c.disabled || c.readonly) continue;
    const v = data[key];
    // Blank text is no answer: a reason of spaces is no reason.
    const empty = v === undefined || v === null || (typeof v === 'string' && !v.trim()) || (Array.isArray(v) && v.length === 0);
    if (empty) {
      // properties.requiredWhen: required only when a FEEL condition holds (the reason of a refusal).
      if (c.validate?.required || holds(c.properties?.requiredWhen, scope)) p(key, 'REQUIRED', `${label}为必填项`, `${label} is required`);
      continue;
    }
    switch (c.type) {
      case 'textfield':
      case 'textarea': {
        if (typeof v !== 'string') {
          p(key, 'TYPE', `${label}应为文字`, `${label} must be text`);
          continue;
        }
        const { minLength, maxLength, pattern } = c.validate ?? {};
        if (minLength !== undefined && v.length < minLength)
          p(key, 'MIN_LENGTH', `${label}至少 ${minLength} 个字`, `${label} needs at least ${minLength} characters`);
        if (maxLength !== undefined && v.length > maxLength)
          p(key, 'MAX_LENGTH', `${label}最多 ${maxLength} 个字`, `${label} allows at most ${maxLength} characters`);
        if (pattern && !new RegExp(pattern).test(v)) p(key, 'PATTERN', `${label}格式不正确`, `${label} has the wrong format`);
        break;
      }
      case 'number': {
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          p(key, 'TYPE', `${label}应为数字`, `${label} must be a number`);
          continue;
        }
        const { min, max } = c.validate ?? {};
        if (c.decimalDigits === 0 && !Number.isInteger(v)) p(key, 'INTEGER', `${label}应为整数`, `${label} must be a whole number`);
        if (min !== undefined && v < min) p(key, 'MIN', `${label}不能小于 ${min}`, `${label} must be at least ${min}`);
        if (max !== undefined && v > max) p(key, 'MAX', `${label}不能大于 ${max}`, `${label} must be at most ${max}`);
        break;
      }
      case 'checkbox':
        if (typeof v !== 'boolean') p(key, 'TYPE', `${label}应为是/否`, `${label} must be true or false`);
        break;
      case 'radio':
      case 'select': {
        const opts = optionsOf(c, context);
        if (typeof v === 'object' || (opts && !opts.includes(v)))
          p(key, 'NOT_AN_OPTION', `${label}的取值不在可选范围内`, `${label} is not one of the allowed options`);
        break;
      }
      case 'checklist':
      case 'taglist': {
        const opts = optionsOf(c, context);
        if (!Array.isArray(v) || v.some((x) => typeof x === 'object' || (opts && !opts.includes(x)))) {
          p(key, 'NOT_AN_OPTION', `${label}的取值不在可选范围内`, `${label} has values outside the allowed options`);
        }
        break;
      }
      case 'datetime':
        if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) p(key, 'TYPE', `${label}应为日期时间`, `${label} must be a date-time`);
        // properties.future: a date that must lie ahead (e.g. the end of 暂保密).
        else if (c.properties?.future === 'true' && Date.parse(v) <= Date.now())
          p(key, 'NOT_FUTURE', `${label}应晚于当前时间`, `${label} must be in the future`);
        break;
    }
    out[key] = v;
  }
  if (problems.length) {
    const first = problems[0]!;
    throw userError('FORM_INVALID', `表单填写有误：${first.message}`, `The form has errors: ${first.messageEn}`, { status: 422, details: problems });
  }
  return out;
}
