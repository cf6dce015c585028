/**
 * FEEL as Zeebe uses it: a value that starts with `=` is an expression, anything else is a
 * literal. Temporal results (dates, durations) become ISO strings so they store and compare
 * as plain JSON.
 */
import { evaluate } from 'feelin';
import { CAMUNDA_FUNCTIONS } from './feel-functions';
import { evaluateInSandbox, FEEL_LIMITS, mayRunAway } from './feel-sandbox';

export type FeelContext = Record<string, unknown>;

export class FeelError extends Error {
  constructor(
    message: string,
    readonly expression: string,
    readonly missingVariables: string[] = [],
  ) {
    super(message);
    this.name = 'FeelError';
  }
}

export function isFeel(value: unknown): value is string {
  return typeof value === 'string' && value.trimStart().startsWith('=');
}

/**
 * Evaluate an expression body (without the leading `=`). One that can iterate or recurse runs in
 * the sandbox, within its limits (feel-sandbox.ts); going over them is a FeelError like any other.
 */
export function evaluateFeel(body: string, context: FeelContext): { value: unknown; missing: string[] } {
  if (!mayRunAway(body)) return evaluateFeelHere(body, context);
  let answer: ReturnType<typeof evaluateInSandbox>;
  try {
    answer = evaluateInSandbox(body, context);
  } catch (err) {
    // a context the thread cannot take (not plain data): evaluated here
    if ((err as Error).name === 'DataCloneError') return evaluateFeelHere(body, context);
    throw err;
  }
  if (!answer) {
    const { timeMs, memoryMb } = FEEL_LIMITS;
    throw new FeelError(`failed to evaluate expression '${clip(body)}': it went over the limits (${timeMs} ms, ${memoryMb} MB)`, body);
  }
  if (answer.error !== undefined)
    throw new FeelError(answer.error.startsWith('failed to evaluate') ? answer.error : `failed to evaluate expression '${clip(body)}': ${answer.error}`, body);
  return { value: JSON.parse(answer.json ?? 'null') as unknown, missing: answer.missing ?? [] };
}

function clip(body: string): string {
  return body.length > 200 ? `${body.slice(0, 200)}…` : body;
}

/** Evaluate in this thread, without limits (the sandbox's own thread, and expressions that cannot run away). */
export function evaluateFeelHere(body: string, context: FeelContext): { value: unknown; missing: string[] } {
  let result: { value: unknown; warnings: Array<{ type: string; message: string; details?: unknown }> };
  try {
    // Camunda's functions first: a variable of the same name is still read as the variable.
    result = evaluate(body, { ...CAMUNDA_FUNCTIONS, ...context }) as typeof result;
  } catch (err) {
    throw new FeelError(`failed to evaluate expression '${body}': ${(err as Error).message}`, body);
  }
  const missing = result.warnings.filter((w) => w.type === 'NO_VARIABLE_FOUND').map((w) => /'([^']+)'/.exec(w.message)?.[1] ?? w.message);
  return { value: toPlain(result.value), missing };
}

/** Zeebe's rule: `=expr` is FEEL, otherwise the literal string. */
export function resolveValue(value: string | undefined, context: FeelContext): unknown {
  if (value === undefined) return undefined;
  if (!isFeel(value)) return value;
  return evaluateFeel(value.trimStart().slice(1), context).value;
}

export function resolveString(value: string | undefined, context: FeelContext): string | undefined {
  const v = resolveValue(value, context);
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : String(v);
}

export function resolveList(value: string | undefined, context: FeelContext): string[] {
  if (!value) return [];
  if (!isFeel(value)) {
    return String(value)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }
  const v = resolveValue(value, context);
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v.map(String);
  return String(v)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A condition must evaluate to a boolean; anything else is an incident on Zeebe. */
export function evaluateCondition(expression: string, context: FeelContext): boolean {
  const body = isFeel(expression) ? expression.trimStart().slice(1) : expression;
  const { value, missing } = evaluateFeel(body, context);
  if (typeof value !== 'boolean') {
    const why = missing.length ? ` (no variable found: ${missing.join(', ')})` : '';
    throw new FeelError(
      `Expected result of the expression '${body}' to be 'BOOLEAN', but was '${value === null ? 'NULL' : typeof value}'${why}`,
      body,
      missing,
    );
  }
  return value;
}

function toPlain(value: unknown): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(toPlain);
  const iso = (value as { iso?: unknown }).iso;
  if (typeof iso === 'string') return iso;
  if (typeof (value as { toString?: unknown }).toString === 'function' && value.constructor?.name?.startsWith('Feel')) {
    return String(value);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = toPlain(v);
  return out;
}
