/**
 * A call activity: the child instance (key `<parent>.<execution>`) is started once the state that
 * waits for it is written; its completion reaches the parent as an outcome `c:<child key>`.
 */
import { resolveString } from '../../diagram/feel';
import type { ElementApi } from '../bpmn-elements-types';
import type { InstanceRunner } from '../instance-runner';
import { childInput, childOutput } from '../variable-rules';
import type { Waiter } from '../waiters';
import type { WaitKind } from './wait-kind';

type CallWaiter = Waiter & { kind: 'call' };

export function waitCall(inst: InstanceRunner, api: ElementApi): void {
  const w: CallWaiter = {
    kind: 'call',
    executionId: api.executionId,
    elementId: api.id,
    content: api.content,
    api,
    childKey: `${inst.key}.${api.executionId}`,
  };
  inst.waiters.add(w);
  if (!inst.hasWait(`c:${w.childKey}`)) inst.openWait({ id: `c:${w.childKey}` });
  // Started (again: starting is idempotent by key) once the state that waits for it is written.
  inst.toActivate(w);
}

async function startChild(inst: InstanceRunner, w: CallWaiter): Promise<void> {
  const z = inst.compiled.zeebe.get(w.elementId);
  const ctx = inst.contextFor(w.content);
  const processId = resolveString(z?.calledElement?.processId, ctx) ?? '';
  const r = await inst.host.startChild(inst, { key: w.childKey, processId, variables: childInput(z, ctx), parentExecutionId: w.executionId });
  if (r === 'missing' && inst.waiters.has(w)) {
    inst.raiseIncident({
      type: 'CALLED_ELEMENT_ERROR',
      elementId: w.elementId,
      executionId: w.executionId,
      message: `Expected process with BPMN process id '${processId}' to be deployed, but not found.`,
      retry: () => inst.toActivate(w),
    });
  }
}

export const callWait: WaitKind<CallWaiter> = {
  async check(inst, w) {
    const outcome = await inst.findOutcome(`c:${w.childKey}`);
    if (!outcome || !inst.waiters.has(w)) return;
    inst.waiters.delete(w);
    inst.closeWait(outcome._id, true);
    inst.trail.push({ kind: 'call', key: w.childKey, elementId: w.elementId, status: 'completed', endedAt: outcome.at });
    const childVars = JSON.parse(outcome.payload) as Record<string, unknown>;
    inst.applyResult(w.content, childOutput(inst.compiled.zeebe.get(w.elementId), childVars));
    w.api.signal(childVars);
  },

  async activate(inst, w) {
    if (!inst.waiters.has(w)) return;
    await startChild(inst, w);
    inst.track(callWait.check(inst, w));
  },

  cancel(inst, w) {
    inst.closeWait(`c:${w.childKey}`, true);
    inst.trail.push({ kind: 'call', key: w.childKey, elementId: w.elementId, status: 'canceled', endedAt: new Date() });
    // A durable request first (a crash before the child is canceled does not leave it running),
    // then the cancel, not awaited inside this actor: the child runs in its own actor.
    inst.afterWrite(() => inst.host.requestCancel(w.childKey));
  },
};
