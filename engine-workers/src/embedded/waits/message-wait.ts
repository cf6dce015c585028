/**
 * A message catch event or receive task: a subscription (name and correlation key) entered in the
 * correlation index once the state that waits for it is written; a message published before it
 * is taken from the buffer then. The message reaches the instance as an outcome `m:<subscription>`.
 */
import { FeelError, resolveValue } from '../../diagram/feel';
import type { ElementApi } from '../bpmn-elements-types';
import type { InstanceRunner } from '../instance-runner';
import { subscribe, unsubscribe, subscriptionIndex } from '../messages';
import type { Waiter } from '../waiters';
import type { WaitKind } from './wait-kind';

type MessageWaiter = Waiter & { kind: 'message' };

export function waitMessage(inst: InstanceRunner, api: ElementApi): void {
  const messageId = inst.compiled.elementMessage.get(api.id);
  if (!messageId) return;
  const w: MessageWaiter = {
    kind: 'message',
    executionId: api.executionId,
    elementId: api.id,
    content: api.content,
    api,
    messageId,
    subKey: `${inst.key}:${api.executionId}`,
  };
  inst.waiters.add(w);
  if (inst.hasWait(`m:${w.subKey}`)) {
    // Resumed: the subscription is entered again (a crash may have come before), then looked at.
    w.correlationKey = inst.waitIndex(`m:${w.subKey}`);
    inst.toActivate(w);
    return;
  }
  open(inst, w);
}

function open(inst: InstanceRunner, w: MessageWaiter): void {
  const info = inst.compiled.messages.get(w.messageId)!;
  let correlationKey: string | undefined;
  try {
    const raw = resolveValue(info.correlationKey, inst.contextFor(w.content));
    if (typeof raw === 'string' || typeof raw === 'number') correlationKey = String(raw);
  } catch (err) {
    if (!(err instanceof FeelError)) throw err;
  }
  if (correlationKey === undefined) {
    return inst.raiseIncident({
      type: 'EXTRACT_VALUE_ERROR',
      elementId: w.elementId,
      executionId: w.executionId,
      message: `Failed to extract the correlation key for '${info.correlationKey}': the value must be a string or number`,
      retry: () => open(inst, w),
    });
  }
  w.correlationKey = subscriptionIndex(info.name, correlationKey);
  inst.openWait({ id: `m:${w.subKey}`, index: w.correlationKey });
  inst.toActivate(w);
}

export const messageWait: WaitKind<MessageWaiter> = {
  async check(inst, w) {
    const outcome = await inst.findOutcome(`m:${w.subKey}`);
    if (!outcome || !inst.waiters.has(w)) return;
    inst.waiters.delete(w);
    inst.closeWait(outcome._id, true);
    // At once: a resumed state that still waits subscribes again.
    if (w.correlationKey) inst.track(unsubscribe(inst.host.models, w.correlationKey, w.subKey));
    inst.trail.push({ kind: 'message', key: w.subKey, elementId: w.elementId, status: 'completed', endedAt: outcome.at });
    const vars = JSON.parse(outcome.payload) as Record<string, unknown>;
    inst.applyResult(w.content, vars);
    w.api.signal(vars);
  },

  async activate(inst, w) {
    if (!w.correlationKey || !inst.waiters.has(w)) return;
    await subscribe(inst.host.models, inst.host.commit, w.correlationKey, w.subKey);
    inst.track(messageWait.check(inst, w));
  },

  cancel(inst, w) {
    if (!inst.hasWait(`m:${w.subKey}`)) return;
    inst.closeWait(`m:${w.subKey}`, true);
    if (w.correlationKey) inst.track(unsubscribe(inst.host.models, w.correlationKey, w.subKey));
    inst.trail.push({ kind: 'message', key: w.subKey, elementId: w.elementId, status: 'canceled', endedAt: new Date() });
  },
};
