/** A call activity: the child instance (key `<parent>.<execution>`) is started when the wait is live; its completion is applied here. */
import { resolveString } from '../../diagram/feel';
import type { ElementApi } from '../bpmn-elements-types';
import type { InstanceRunner } from '../instance-runner';
import { childInput, childOutput } from '../variable-rules';
import type { Waiter } from '../waiters';
import type { WaitKind } from './wait-kind';

type CallWaiter = Waiter & { kind: 'call' };

export function waitCall(inst: InstanceRunner, api: ElementApi): void {
  const w: Waiter = { kind: 'call', executionId: api.executionId, elementId: api.id, content: api.content, api, childKey: `${inst.key}.${api.executionId}` };
  inst.waiters.add(w);
  inst.track(inst.check(w));
}

async function lookAtChild(inst: InstanceRunner, w: CallWaiter, activating: boolean): Promise<void> {
  const { Instance, states } = inst.host.models;
  const child = await Instance.findById(w.childKey).select('status error parentNotified').lean();
  if (!inst.waiters.has(w)) return;
  const z = inst.compiled.zeebe.get(w.elementId);
  if (!child && !activating) return inst.toActivate(w);
  if (!child) {
    const ctx = inst.contextFor(w.content);
    const processId = resolveString(z?.calledElement?.processId, ctx) ?? '';
    const r = await inst.host.startChild(inst, { key: w.childKey, processId, variables: childInput(z, ctx), parentExecutionId: w.executionId });
    if (r === 'missing') {
      inst.raiseIncident({
        type: 'CALLED_ELEMENT_ERROR',
        elementId: w.elementId,
        executionId: w.executionId,
        message: `Expected process with BPMN process id '${processId}' to be deployed, but not found.`,
        retry: () => inst.track(inst.check(w)),
      });
    }
    return;
  }
  if (child.status === 'completed') {
    const st = await states.get(w.childKey);
    if (!inst.waiters.has(w)) return;
    inst.waiters.delete(w);
    inst.track(Instance.updateOne({ _id: w.childKey }, { $set: { parentNotified: true } }));
    const childVars = st ? (JSON.parse(st.variables) as Record<string, unknown>) : {};
    inst.applyResult(w.content, childOutput(z, childVars));
    w.api.signal(childVars);
  }
}

export const callWait: WaitKind<CallWaiter> = {
  check: (inst, w) => lookAtChild(inst, w, false),
  async activate(inst, w) {
    inst.track(lookAtChild(inst, w, true));
  },
  cancel(inst, w) {
    // Not awaited inside this actor: the child runs in its own actor.
    void inst.host.cancelInstance(w.childKey).catch((err: unknown) => inst.host.logger.error({ err, child: w.childKey }, 'cancel child failed'));
  },
};
