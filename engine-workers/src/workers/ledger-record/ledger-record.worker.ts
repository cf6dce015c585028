/**
 * ledger.record — a step's form becomes an item of a register (台账): header `ledger` names the
 * register, whose columns are the flow variables of the same names; `key` names the variable the
 * item is kept under (default: the instance, so a repeat writes the same item) and `by` the
 * variable holding who did the step.
 */
import { z } from 'zod';
import { jobOutcome } from '../../port/engine-port';
import { defineWorker } from '../worker-manifest';

export default defineWorker({
  taskType: 'ledger.record',
  title: '记入台账',
  inputSchema: z.looseObject({}),
  async handler(job, services) {
    const h = job.customHeaders;
    if (!h.ledger) return jobOutcome.fail('ledger.record: the task has no header `ledger` naming the register', { retries: 0 });
    const v = job.variables as Record<string, unknown>;
    const key = h.key ? v[h.key] : job.processInstanceKey;
    if (typeof key !== 'string' || !key) return jobOutcome.fail(`ledger.record: variable ${h.key} (the item's key) is not set`, { retries: 0 });
    const by = h.by && typeof v[h.by] === 'string' ? (v[h.by] as string) : 'system';
    const r = await services.recordLedger({ instanceId: job.processInstanceKey, kind: h.ledger, key, by, values: v });
    return jobOutcome.complete({ [`${h.ledger.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase())}No`]: r.no });
  },
});
