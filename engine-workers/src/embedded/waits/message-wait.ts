/**
 * A message catch event or receive task: a subscription (name and correlation key) opened when
 * the wait is live; a message published before it is taken from the buffer.
 */
import { FeelError, resolveValue } from '../../diagram/feel';
import type { ElementApi } from '../bpmn-elements-types';
import type { InstanceRunner } from '../instance-runner';
import type { SubscriptionDoc } from '../models';
import type { Waiter } from '../waiters';
import { insertIfAbsent, type WaitKind } from './wait-kind';

type MessageWaiter = Waiter & { kind: 'message' };

export function waitMessage(inst: InstanceRunner, api: ElementApi): void {
  const messageId = inst.compiled.elementMessage.get(api.id);
  if (!messageId) return;
  inst.usedCollections = true;
  const w: Waiter = { kind: 'message', executionId: api.executionId, elementId: api.id, content: api.content, api, messageId };
  inst.waiters.add(w);
  inst.track(inst.check(w));
}

function subscriptionFields(inst: InstanceRunner, w: MessageWaiter): SubscriptionDoc | null {
  if (w.correlationKey === undefined) return null;
  const info = inst.compiled.messages.get(w.messageId)!;
  return {
    _id: `${inst.key}:${w.executionId}`,
    instanceKey: inst.key,
    executionId: w.executionId,
    elementId: w.elementId,
    messageName: info.name,
    correlationKey: w.correlationKey,
    status: 'open',
    createdAt: new Date(),
  };
}

export const messageWait: WaitKind<MessageWaiter> = {
  async check(inst, w) {
    const { Subscription, Message } = inst.host.models;
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
        retry: () => inst.track(inst.check(w)),
      });
    }
    const subKey = `${inst.key}:${w.executionId}`;
    let sub: SubscriptionDoc | null = await Subscription.findById(subKey).lean();
    if (!sub) {
      w.correlationKey = correlationKey;
      return inst.toActivate(w); // opened once the state that waits for it is written
    }
    if (sub.status === 'open') {
      // A message may have been published before we subscribed: take it from the buffer.
      const msg = await Message.findOneAndUpdate(
        { name: info.name, correlationKey, status: 'buffered', expiresAt: { $gt: new Date() } },
        { $set: { status: 'correlated', correlatedTo: inst.key } },
        { sort: { createdAt: 1 }, returnDocument: 'after' },
      ).lean();
      if (msg) {
        sub = await Subscription.findOneAndUpdate(
          { _id: subKey, status: 'open' },
          { $set: { status: 'correlated', variables: msg.variables, messageKey: msg._id, correlatedAt: new Date() } },
          { returnDocument: 'after' },
        ).lean();
        if (!sub) {
          await Message.updateOne({ _id: msg._id }, { $set: { status: 'buffered' }, $unset: { correlatedTo: 1 } });
          sub = await Subscription.findById(subKey).lean();
        }
      }
    }
    if (sub?.status === 'correlated' && inst.waiters.has(w)) {
      inst.waiters.delete(w);
      if (!sub.applied) inst.track(Subscription.updateOne({ _id: subKey }, { $set: { applied: true } }));
      const vars = sub.variables ? (JSON.parse(sub.variables) as Record<string, unknown>) : {};
      inst.applyResult(w.content, vars);
      w.api.signal(vars);
    }
  },

  async activate(inst, w) {
    const sub = subscriptionFields(inst, w);
    if (sub) await insertIfAbsent(inst.host.models.Subscription.collection, sub);
    inst.track(messageWait.check(inst, w));
  },

  cancel(inst, w) {
    inst.track(inst.host.models.Subscription.updateOne({ _id: `${inst.key}:${w.executionId}`, status: 'open' }, { $set: { status: 'closed' } }));
  },
};
