import { jobOutcome, type JobOutcome } from '../../port/engine-port';
import { eventually } from '../../testing/test-db';
import { harness, type Harness } from './harness';

describe('BPMN errors, job failures and incidents', () => {
  let h: Harness;
  const plan = new Map<string, JobOutcome[]>();
  const runs = new Map<string, number>();
  const throwOnce = new Set<string>();
  beforeAll(async () => {
    h = await harness('error-incident', ['error.boundary.bpmn'], {
      'err.check': async (job) => {
        const mode = String(job.variables.mode);
        runs.set(job.processInstanceKey, (runs.get(job.processInstanceKey) ?? 0) + 1);
        if (throwOnce.delete(mode)) throw new Error('unexpected bug');
        const queue = plan.get(mode) ?? [];
        return queue.length > 1 ? queue.shift()! : queue[0];
      },
    });
    plan.set('refuse', [jobOutcome.error('REFUSED', '材料不全', { reason: 'missing id' })]);
    plan.set('unknown-code', [jobOutcome.error('NOT_MODELLED')]);
    plan.set('flaky', [jobOutcome.fail('db down', { retryBackOff: 100 }), jobOutcome.complete({ checked: true })]);
    plan.set('broken', [jobOutcome.fail('always broken')]);
  });
  afterAll(() => h.close());

  it('a BPMN error with a modelled code is caught by the boundary event', async () => {
    const { key } = await h.engine.createInstance({ processId: 'error-boundary', variables: { mode: 'refuse' } });
    const v = await h.ended(key);
    expect(v.variables.reason).toBe('missing id');
    expect((await h.engine.inspect(key)).history?.state).toContain('endRefused');
  });

  it('an error code nobody catches raises an incident and the instance waits', async () => {
    const { key } = await h.engine.createInstance({ processId: 'error-boundary', variables: { mode: 'unknown-code' } });
    const v = await eventually(async () => {
      const x = await h.engine.getInstance(key);
      return x.incidents.length > 0 && x;
    });
    expect(v.status).toBe('active');
    expect(v.incidents[0]).toMatchObject({ type: 'UNHANDLED_ERROR_EVENT', elementId: 'check', status: 'open' });
    expect(v.incidents[0].message).toContain('NOT_MODELLED');
  });

  it('a failing job is retried after its back-off and then completes', async () => {
    const { key } = await h.engine.createInstance({ processId: 'error-boundary', variables: { mode: 'flaky' } });
    const v = await h.ended(key);
    expect(v.variables.checked).toBe(true);
    expect(runs.get(key)).toBe(2);
    expect(v.incidents).toEqual([]);
  });

  it('retries run out → incident; resolving with new retries runs the job again', async () => {
    const { key } = await h.engine.createInstance({ processId: 'error-boundary', variables: { mode: 'broken' } });
    const v = await eventually(async () => {
      const x = await h.engine.getInstance(key);
      return x.incidents.length > 0 && x;
    });
    expect(v.incidents[0]).toMatchObject({ type: 'JOB_NO_RETRIES', message: 'always broken' });
    expect(runs.get(key)).toBe(2); // retries="2" in the diagram
    // when fixed and resolved
    plan.set('broken', [jobOutcome.complete({ fixed: true })]);
    await h.engine.resolveIncident(v.incidents[0].key, { retries: 1 });
    const done = await h.ended(key);
    expect(done.variables.fixed).toBe(true);
    expect(runs.get(key)).toBe(3);
    expect(done.incidents[0].status).toBe('resolved');
  });

  it('a thrown exception counts as a failure, never a lost job', async () => {
    // given a handler that throws on its first run for this mode
    plan.set('throws', [jobOutcome.complete({ recovered: true })]);
    throwOnce.add('throws');
    // when
    const { key } = await h.engine.createInstance({ processId: 'error-boundary', variables: { mode: 'throws' } });
    // then it is retried and completes
    const v = await h.ended(key);
    expect(v.variables.recovered).toBe(true);
    expect(runs.get(key)).toBe(2);
  });
});
