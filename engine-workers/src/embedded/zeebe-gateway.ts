/**
 * Exclusive gateway with Zeebe's failure semantics: a condition that does not evaluate to a
 * boolean (a missing variable, a typo) raises an incident and the token waits at the gateway
 * until the incident is resolved, instead of failing the whole instance.
 */
import { Activity } from 'bpmn-elements';
import type { ActivityLike, ExecuteMessage } from './bpmn-elements-types';
import { runtimeOf } from './runtime-context';

interface FlowLike {
  id: string;
  isDefault?: boolean;
  behaviour: { conditionExpression?: { body?: string } };
}

function ZeebeExclusiveGatewayBehaviour(this: { activity: ActivityLike; broker: ActivityLike['broker'] }, activity: ActivityLike) {
  this.activity = activity;
  this.broker = activity.broker;
}

ZeebeExclusiveGatewayBehaviour.prototype.execute = function execute(
  this: { activity: ActivityLike; broker: ActivityLike['broker'] },
  executeMessage: ExecuteMessage,
) {
  const { content } = executeMessage;
  const runtime = runtimeOf(this.activity);
  const outbound = (this.activity.outbound ?? []) as FlowLike[];
  const problem = runtime.checkConditions(
    content,
    outbound
      .filter((f) => !f.isDefault && f.behaviour.conditionExpression?.body)
      .map((f) => ({ id: f.id, expression: f.behaviour.conditionExpression!.body! })),
  );
  if (problem) {
    runtime.raiseIncident({ type: 'CONDITION_ERROR', elementId: this.activity.id, executionId: content.executionId, message: problem });
    return; // wait: a resolved incident re-runs this element on resume
  }
  this.broker.publish('execution', 'execute.completed', { ...content, outboundTakeOne: true });
};

export function ZeebeExclusiveGateway(activityDef: unknown, context: unknown): unknown {
  return new (Activity as unknown as new (...args: unknown[]) => unknown)(ZeebeExclusiveGatewayBehaviour, activityDef, context);
}
