/**
 * Zeebe's variable rules, as pure functions (no engine, no database):
 * - an element's scope is the process variables, plus — in a multi-instance body — the input
 *   element and `loopCounter` (1-based), plus its input mappings, each seeing the ones before;
 * - with output mappings only the mapped values leave the element, without them every result
 *   variable merges into the process scope;
 * - a multi-instance element with an output collection puts each instance's output element
 *   (evaluated after the element's own outputs) at its index;
 * - a call activity passes all parent variables unless told not to (then only its inputs), and
 *   takes back all the child's variables unless told not to (output mappings still apply).
 */
import { resolveValue, type FeelContext } from '../diagram/feel';
import type { ZeebeInfo } from '../diagram/zeebe-model';

export type Variables = Record<string, unknown>;

/** What the rules read of the element being run: its id, and in a multi-instance body its index and input element. */
export interface ElementScope {
  id: string;
  index?: number;
  [inputElement: string]: unknown;
}

/** The variables an expression on this element sees. */
export function scopeOf(vars: Variables, z: ZeebeInfo | undefined, content: ElementScope | undefined): FeelContext {
  const ctx: FeelContext = { ...vars };
  if (!content) return ctx;
  const el = z?.loop?.inputElement;
  if (el && el in content) {
    ctx[el] = content[el];
    ctx.loopCounter = (content.index ?? 0) + 1;
  }
  if (z?.inputs.length) for (const p of z.inputs) ctx[p.target] = resolveValue(p.source, ctx);
  return ctx;
}

/** The process variables after the element ends with `result` (a job's, a task's, a message's or a child's variables). */
export function mergeResult(vars: Variables, z: ZeebeInfo | undefined, content: ElementScope, result: Variables | undefined): Variables {
  const res = result ?? {};
  const next: Variables = { ...vars };
  if (z?.outputs.length) {
    const ctx = { ...scopeOf(vars, z, content), ...res };
    for (const p of z.outputs) next[p.target] = resolveValue(p.source, ctx);
  } else {
    Object.assign(next, res);
  }
  const loop = z?.loop;
  if (loop?.outputCollection && typeof content.index === 'number') {
    // The output element sees what the element's own outputs just set.
    const ctx = { ...scopeOf(next, z, content), ...res };
    const value = loop.outputElement ? resolveValue(loop.outputElement, ctx) : null;
    const current = next[loop.outputCollection];
    const list = Array.isArray(current) ? [...current] : [];
    while (list.length < content.index) list.push(null);
    list[content.index] = value ?? null;
    next[loop.outputCollection] = list;
  }
  return next;
}

/** The variables a called process starts with. */
export function childInput(z: ZeebeInfo | undefined, scope: FeelContext): Variables {
  if (z?.calledElement?.propagateAllParentVariables !== false) return scope;
  const out: Variables = {};
  for (const p of z.inputs) out[p.target] = scope[p.target];
  return out;
}

/** What a called process gives back to be merged (before the call activity's output mappings). */
export function childOutput(z: ZeebeInfo | undefined, childVars: Variables): Variables {
  return z?.calledElement?.propagateAllChildVariables === false && !z.outputs.length ? {} : childVars;
}
