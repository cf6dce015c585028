/**
 * The per-instance runtime that bpmn-elements' activities reach through their environment.
 * Behaviours and extensions are created by bpmn-elements, not by us, so this is how they find
 * the instance they belong to.
 */
import type { ActivityLike, ExecuteMessage, MessageContent } from './bpmn-elements-types';
import type { FeelContext } from '../diagram/feel';

export interface IncidentInput {
  type: 'JOB_NO_RETRIES' | 'UNHANDLED_ERROR_EVENT' | 'CONDITION_ERROR' | 'EXTRACT_VALUE_ERROR' | 'IO_MAPPING_ERROR' | 'CALLED_ELEMENT_ERROR';
  elementId: string;
  executionId: string;
  message: string;
  jobKey?: string;
}

export interface InstanceRuntime {
  contextFor(content: MessageContent | undefined): FeelContext;
  /** Returns a problem description, or undefined when every condition yields a boolean. */
  checkConditions(content: MessageContent, flows: Array<{ id: string; expression: string }>): string | undefined;
  raiseIncident(incident: IncidentInput & { retry?: () => void }): void;
  /** Whether the element waits behind an open incident of this type (re-armed with `retry`). */
  heldByIncident(executionId: string, type: IncidentInput['type'], retry: () => void): boolean;
  executeJob(elementId: string, message: ExecuteMessage, callback: (err: unknown, out?: unknown) => void): void;
}

/**
 * The `Service` of every job-based task: set once on the shared serialized behaviour at deploy;
 * bpmn-elements constructs it per execution with the activity, through which it finds its instance.
 */
export function ZeebeJobService(this: { execute: unknown }, activity: ActivityLike): void {
  this.execute = (message: ExecuteMessage, callback: (err: unknown, out?: unknown) => void) => runtimeOf(activity).executeJob(activity.id, message, callback);
}

export const RUNTIME_OPTION = 'zeebeRuntime';

export function runtimeOf(activity: ActivityLike): InstanceRuntime {
  const rt = activity.environment.options[RUNTIME_OPTION] as InstanceRuntime | undefined;
  if (!rt) throw new Error(`activity ${activity.id} has no instance runtime`);
  return rt;
}
