/** An incident on an element: once an operator resolves it (an outcome `i:<incident key>`), the element is tried again. */
import type { InstanceRunner } from '../instance-runner';
import type { IncidentRec } from '../models';
import type { IncidentInput } from '../runtime-context';
import type { Waiter } from '../waiters';
import type { WaitKind } from './wait-kind';

type IncidentWaiter = Waiter & { kind: 'incident' };

export const incidentWait: WaitKind<IncidentWaiter> = {
  async check(inst, w) {
    const outcome = await inst.findOutcome(`i:${w.incidentKey}`);
    if (!outcome || !inst.waiters.has(w)) return;
    inst.waiters.delete(w);
    inst.closeWait(outcome._id, true);
    const rec = inst.incidents.find((i) => i.key === w.incidentKey);
    if (rec) Object.assign(rec, { status: 'resolved', resolvedAt: outcome.at });
    w.retry?.();
  },
  async activate() {},
  cancel(inst, w) {
    inst.resolveIncidentsOf(w.executionId);
  },
};

export function raiseIncident(inst: InstanceRunner, incident: IncidentInput & { retry?: () => void }): IncidentWaiter {
  const key = `${inst.key}:${incident.executionId}:${incident.type}`;
  const { retry, ...rest } = incident;
  const waiter: IncidentWaiter = { kind: 'incident', executionId: incident.executionId, elementId: incident.elementId, incidentKey: key, retry };
  inst.waiters.add(waiter);
  const open = inst.incidents.find((x) => x.key === key && x.status === 'open');
  if (open && inst.hasWait(`i:${key}`)) return waiter; // raised again as a resumed element runs again
  const rec: IncidentRec = { key, ...rest, status: 'open', createdAt: new Date() };
  const i = inst.incidents.findIndex((x) => x.key === key);
  if (i >= 0) inst.incidents[i] = rec;
  else inst.incidents.push(rec);
  inst.openWait({ id: `i:${key}` });
  inst.emitLater('incident.created', {
    key,
    instanceKey: inst.key,
    elementId: rec.elementId,
    type: rec.type,
    message: rec.message,
    jobKey: rec.jobKey,
    status: rec.status,
    createdAt: rec.createdAt.toISOString(),
  });
  return waiter;
}

/**
 * A resumed element that had an incident of this type waits for its resolution, also when the
 * variables would now let it go on (Zeebe: only resolving the incident retries the element).
 */
export function heldByIncident(inst: InstanceRunner, executionId: string, type: IncidentInput['type'], retry: () => void): boolean {
  const open = inst.incidents.find((i) => i.executionId === executionId && i.type === type && i.status === 'open');
  if (!open || !inst.hasWait(`i:${open.key}`)) return false;
  // resolved meanwhile? (the resolution is an outcome document; resuming looks for it)
  inst.track(incidentWait.check(inst, raiseIncident(inst, { ...open, retry })));
  return true;
}

export function resolveIncidentsOf(inst: InstanceRunner, executionId: string): void {
  for (const rec of inst.incidents) {
    if (rec.executionId !== executionId || rec.status !== 'open') continue;
    Object.assign(rec, { status: 'resolved', resolvedAt: new Date() });
    inst.closeWait(`i:${rec.key}`, true);
  }
  for (const w of inst.waiters.all()) if (w.kind === 'incident' && w.executionId === executionId) inst.waiters.delete(w);
}
