/**
 * Script tasks: a job when the diagram gives a job type, otherwise a FEEL expression (`zeebe:script`)
 * evaluated in the instance, its value set as the result variable. An expression that fails is an
 * incident; resolving it evaluates it again.
 */
import { resolveValue } from '../../diagram/feel';
import type { ExecuteMessage } from '../bpmn-elements-types';
import type { InstanceRunner } from '../instance-runner';

export function executeScript(inst: InstanceRunner, elementId: string, message: ExecuteMessage, callback: (err: unknown, out?: unknown) => void): void {
  const z = inst.compiled.zeebe.get(elementId);
  if (z?.taskDefinition?.type) return inst.executeJob(elementId, message, callback);
  try {
    const value = resolveValue(z?.script?.expression, inst.contextFor(message.content));
    if (z?.script?.resultVariable) inst.vars[z.script.resultVariable] = value;
    callback(null, value);
  } catch (err) {
    inst.raiseIncident({
      type: 'EXTRACT_VALUE_ERROR',
      elementId,
      executionId: message.content.executionId,
      message: (err as Error).message,
      retry: () => executeScript(inst, elementId, message, callback),
    });
  }
}
