/** An incident on an element: once an operator resolves it, the element is tried again. */
import type { Waiter } from '../waiters';
import type { WaitKind } from './wait-kind';

type IncidentWaiter = Waiter & { kind: 'incident' };

export const incidentWait: WaitKind<IncidentWaiter> = {
  async check(inst, w) {
    const doc = await inst.host.models.Incident.findById(w.incidentKey).lean();
    if (doc?.status === 'resolved' && inst.waiters.has(w)) {
      inst.waiters.delete(w);
      w.retry();
    }
  },
  async activate() {},
  cancel() {},
};
