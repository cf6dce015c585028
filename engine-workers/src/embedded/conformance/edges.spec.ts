/**
 * Where diagrams drawn for Camunda 8 once ran differently here: each case behaves as Zeebe 8.8
 * documents — an incident on the element that an operator can fix and retry, FEEL's `is defined`,
 * the output mapping of an error boundary event.
 */
import { jobOutcome, type InstanceView } from '../../port/engine-port';
import { eventually } from '../../testing/test-db';
import { harness, type Harness } from './harness';

describe('the embedded engine where Zeebe raises incidents or maps variables', () => {
  let h: Harness;
  const charged: string[] = [];
  beforeAll(async () => {
    h = await harness(
      'edges',
      ['edges.mi-null.bpmn', 'edges.is-defined.bpmn', 'edges.error-output.bpmn', 'edges.job-type.bpmn', 'edges.runaway.bpmn', 'edges.failure.bpmn'],
      {
        'edges.charge': async (job) => {
          charged.push(job.processInstanceKey);
          return jobOutcome.error('creditCardError', 'card expired', { declineReason: 'expired', other: 'not mapped' });
        },
        'edges.validate': async () => jobOutcome.complete({ valid: true }),
        'edges.send': async (job) => jobOutcome.complete({ sentTo: job.variables.to }),
      },
    );
  });
  afterAll(() => h.close());

  const openIncident = (key: string) =>
    eventually(
      async () => {
        const v = await h.engine.getInstance(key);
        return v.incidents.find((i) => i.status === 'open') && v;
      },
      10_000,
      `an open incident on ${key}`,
    ) as Promise<InstanceView>;

  describe('a multi-instance whose input collection is not a list', () => {
    it('raises EXTRACT_VALUE_ERROR on the element; the instance stays active; fixed and retried, it runs', async () => {
      const { key } = await h.engine.createInstance({ processId: 'edges-campaign', variables: {} });
      const v = await openIncident(key);
      expect(v.status).toBe('active');
      expect(v.incidents).toEqual([
        expect.objectContaining({
          type: 'EXTRACT_VALUE_ERROR',
          elementId: 'send',
          status: 'open',
          message: expect.stringContaining("'recipients' to be 'ARRAY', but was 'NULL'"),
        }),
      ]);
      await h.engine.setVariables(key, { recipients: ['张三', '李四', '王五'] });
      await new Promise((r) => setTimeout(r, 300));
      expect((await h.engine.getInstance(key)).incidents[0]?.status).toBe('open');
      await h.engine.resolveIncident(v.incidents[0]!.key);
      const done = await h.ended(key);
      // one notification per recipient
      expect(await h.engine.models.history.countDocuments({ parentKey: key })).toBe(3);
      expect(done.incidents).toEqual([expect.objectContaining({ type: 'EXTRACT_VALUE_ERROR', status: 'resolved' })]);
      expect((await h.engine.inspect(key)).history?.state).toContain('"end"');
    });

    it('a value that is not a list (a text) is an incident too, and the instance can be cancelled', async () => {
      const { key } = await h.engine.createInstance({ processId: 'edges-campaign', variables: { recipients: '张三,李四' } });
      const v = await openIncident(key);
      expect(v.incidents[0]).toMatchObject({ type: 'EXTRACT_VALUE_ERROR', elementId: 'send', message: expect.stringContaining("but was 'STRING'") });
      await h.engine.cancelInstance(key);
      const gone = await h.ended(key, 'canceled');
      expect(gone.incidents.every((i) => i.status === 'resolved')).toBe(true);
    });
  });

  describe("FEEL's is defined", () => {
    it('takes the path of the variable that does not exist, and the other once it does', async () => {
      const a = await h.engine.createInstance({ processId: 'edges-breakfast', variables: {} });
      const b = await h.engine.createInstance({ processId: 'edges-breakfast', variables: { breakfastPrepared: true } });
      expect((await h.ended(a.key)).incidents).toEqual([]);
      expect((await h.ended(b.key)).incidents).toEqual([]);
      expect((await h.engine.inspect(a.key)).history?.state).toContain('"prepare"');
      expect((await h.engine.inspect(b.key)).history?.state).toContain('"eat"');
    });
  });

  describe('an error boundary event with output mappings', () => {
    it("sets the mapped variables from the error's message, code and variables, and only those", async () => {
      const { key } = await h.engine.createInstance({ processId: 'edges-payment', variables: { amount: 100 } });
      const v = await h.ended(key);
      expect(charged).toContain(key);
      expect(v.variables).toEqual({ amount: 100, paymentError: 'card expired', paymentErrorCode: 'creditCardError', why: 'expired' });
      expect((await h.engine.inspect(key)).history?.state).toContain('"endFailed"');
    });
  });

  describe('a job type given as an expression that evaluates to nothing', () => {
    it('raises EXTRACT_VALUE_ERROR; with the variable set and the incident resolved, the job runs', async () => {
      const { key } = await h.engine.createInstance({ processId: 'edges-job-type', variables: {} });
      const v = await openIncident(key);
      expect(v.status).toBe('active');
      expect(v.incidents).toEqual([
        expect.objectContaining({
          type: 'EXTRACT_VALUE_ERROR',
          elementId: 'validate',
          message: expect.stringContaining("'validateDataType' to be a non-empty 'STRING'"),
        }),
      ]);
      expect(await h.engine.models.jobs.countDocuments({ instanceKey: key })).toBe(0); // no job of type '' waiting
      await h.engine.setVariables(key, { validateDataType: 'edges.validate' });
      // fixed but not yet retried: it still waits behind its incident
      await new Promise((r) => setTimeout(r, 300));
      const waiting = await h.engine.getInstance(key);
      expect([waiting.status, waiting.incidents[0]?.status, waiting.variables.valid]).toEqual(['active', 'open', undefined]);
      await h.engine.resolveIncident(v.incidents[0]!.key);
      expect((await h.ended(key)).variables).toMatchObject({ valid: true });
    });
  });

  describe('an expression that runs away is stopped at its limits and becomes an incident', () => {
    it('a script task counting to a hundred million: EXTRACT_VALUE_ERROR; with a sane bound and a retry it completes', async () => {
      const { key } = await h.engine.createInstance({ processId: 'edges-runaway-script', variables: { upTo: 100_000_000 } });
      const v = await openIncident(key);
      expect(v.incidents[0]).toMatchObject({ type: 'EXTRACT_VALUE_ERROR', elementId: 'count', message: expect.stringContaining('went over the limits') });
      await h.engine.setVariables(key, { upTo: 1000 });
      await h.engine.resolveIncident(v.incidents[0]!.key);
      expect((await h.ended(key)).variables).toMatchObject({ n: 1000 });
    });

    it('a condition joining twenty million strings: CONDITION_ERROR on the gateway', async () => {
      const { key } = await h.engine.createInstance({ processId: 'edges-runaway-condition', variables: { parts: 20_000_000 } });
      const v = await openIncident(key);
      expect(v.incidents[0]).toMatchObject({ type: 'CONDITION_ERROR', elementId: 'long', message: expect.stringContaining('went over the limits') });
      // the same diagram with a sane input takes its path
      const ok = await h.engine.createInstance({ processId: 'edges-runaway-condition', variables: { parts: 3 } });
      expect((await h.ended(ok.key)).incidents).toEqual([]);
    });
  });

  describe('an input mapping that fails', () => {
    it('raises IO_MAPPING_ERROR on the element; fixed and retried, the job gets the mapped value', async () => {
      const { key } = await h.engine.createInstance({ processId: 'edges-bad-input', variables: {} });
      const v = await openIncident(key);
      expect(v.status).toBe('active');
      expect(v.incidents).toEqual([
        expect.objectContaining({ type: 'IO_MAPPING_ERROR', elementId: 'send', message: expect.stringContaining('recipient is required') }),
      ]);
      await h.engine.setVariables(key, { recipient: '张三' });
      await h.engine.resolveIncident(v.incidents[0]!.key);
      expect((await h.ended(key)).variables).toMatchObject({ sentTo: '张三' });
    });
  });
});
