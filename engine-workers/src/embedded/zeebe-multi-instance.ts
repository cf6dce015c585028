/**
 * Multi-instance with Zeebe's failure semantics: an input collection that is not a list (null, an
 * unset variable, a failing expression) raises an EXTRACT_VALUE_ERROR incident on the element, and
 * the element waits until an operator fixes the variables and resolves it; then the collection is
 * read again. bpmn-elements would fail the whole instance instead.
 */
import * as Elements from 'bpmn-elements';
import type { ActivityLike, ExecuteMessage } from './bpmn-elements-types';
import { runtimeOf } from './runtime-context';

type Loop = { activity: ActivityLike; characteristics: unknown; collection?: unknown; execute(m: ExecuteMessage): unknown };
const Base = (Elements as unknown as Record<string, unknown>).MultiInstanceLoopCharacteristics as { new (...a: unknown[]): Loop; prototype: Loop };

/** What a collection expression is: the list, or why it is not one. */
function readCollection(loop: Loop, expression: string, message: ExecuteMessage): { list: unknown[] } | { problem: string } {
  const body = expression.trimStart().replace(/^=/, '');
  let value: unknown;
  try {
    value = (loop.activity.environment as unknown as { resolveExpression(e: string, m: unknown): unknown }).resolveExpression(expression, message);
  } catch (err) {
    return { problem: (err as Error).message };
  }
  if (Array.isArray(value)) return { list: value };
  const kind =
    value === null || value === undefined ? 'NULL' : typeof value === 'object' ? 'CONTEXT' : typeof value === 'string' ? 'STRING' : typeof value.valueOf();
  return { problem: `Expected result of the expression '${body}' to be 'ARRAY', but was '${String(kind).toUpperCase()}'.` };
}

export function ZeebeMultiInstance(this: Loop, activity: ActivityLike, loopCharacteristics: unknown): void {
  Base.call(this, activity, loopCharacteristics);
}
ZeebeMultiInstance.prototype = Object.create(Base.prototype) as Loop;
ZeebeMultiInstance.prototype.execute = function execute(this: Loop, executeMessage: ExecuteMessage): unknown {
  const expression = this.collection;
  if (!this.characteristics && typeof expression === 'string') {
    // Retried, the loop starts afresh: a redelivered message would mean its iterations already run.
    const retry = () => this.execute({ ...executeMessage, fields: { ...executeMessage.fields, redelivered: false } });
    const runtime = runtimeOf(this.activity);
    if (runtime.heldByIncident(executeMessage.content.executionId, 'EXTRACT_VALUE_ERROR', retry)) return undefined;
    const read = readCollection(this, expression, executeMessage);
    if ('problem' in read) {
      runtime.raiseIncident({
        type: 'EXTRACT_VALUE_ERROR',
        elementId: this.activity.id,
        executionId: executeMessage.content.executionId,
        message: read.problem,
        retry,
      });
      return undefined; // waits for the incident's resolution
    }
  }
  return Base.prototype.execute.call(this, executeMessage);
};
