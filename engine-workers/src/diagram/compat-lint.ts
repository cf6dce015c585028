/**
 * The compatibility gate: a diagram must pass bpmnlint with `bpmnlint-plugin-camunda-compat` for
 * Camunda 8.8 (so it also deploys to a Zeebe cluster) and bpmnlint's recommended rules, before
 * it is deployed. The embedded engine's own refusals (definition-compiler) come on top.
 */

/* eslint-disable @typescript-eslint/no-require-imports -- bpmnlint and its resolver are CommonJS without types */
const { Linter } = require('bpmnlint') as {
  Linter: new (opts: { config: unknown; resolver: unknown }) => { lint(root: unknown): Promise<Record<string, Report[]>> };
};
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver') as new (opts: { require: NodeRequire }) => unknown;
/* eslint-enable @typescript-eslint/no-require-imports */
import { parseBpmn } from './diagram-reader';

interface Report {
  id?: string;
  message: string;
  category: 'error' | 'warn' | 'info' | 'rule-error';
  name?: string;
}

export interface LintProblem {
  rule: string;
  elementId?: string;
  message: string;
  severity: 'error' | 'warning';
}

export const LINT_CONFIG = {
  extends: ['bpmnlint:recommended', 'plugin:camunda-compat/camunda-cloud-8-8'],
  rules: {
    // Returning for revision (退回修改) loops back into a step: a task with two incoming flows is intended.
    'fake-join': 'off',
    // Camunda Modeler's own new diagram has an unnamed start and end event, and Zeebe runs it: a
    // missing label is worth a warning, not a refusal.
    'label-required': 'warn',
  },
};

/** The check could not judge the diagram (a rule failed): an internal error, not a problem of the diagram. */
export class LintInternalError extends Error {
  constructor(readonly failures: string[]) {
    super(`the diagram check failed internally in ${failures.length} rule(s): ${failures.slice(0, 3).join('; ')}`);
    this.name = 'LintInternalError';
  }
}

export async function lintDiagram(xml: string): Promise<LintProblem[]> {
  const { rootElement } = await parseBpmn(xml);
  // A fresh linter each time: some rules keep state across runs of one instance. Rules and
  // configs are resolved from this package, wherever the server was started from.
  const results = await new Linter({ config: LINT_CONFIG, resolver: new NodeResolver({ require }) }).lint(rootElement);
  const out: LintProblem[] = [];
  const failed: string[] = [];
  for (const [rule, reports] of Object.entries(results)) {
    for (const r of reports) {
      if (r.category === 'info') continue;
      // A rule that crashed says nothing about the diagram: the check itself failed.
      if (r.category === 'rule-error') failed.push(`${rule}: ${r.message}`);
      else out.push({ rule, ...(r.id && { elementId: r.id }), message: r.message, severity: r.category === 'warn' ? 'warning' : 'error' });
    }
  }
  if (failed.length) throw new LintInternalError(failed);
  return out;
}
