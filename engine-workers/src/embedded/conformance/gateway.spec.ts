import { jobOutcome } from '../../port/engine-port';
import { eventually } from '../../testing/test-db';
import { harness, type Harness } from './harness';

describe('parallel gateway and condition incidents', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness('gateway', ['gateway.parallel.bpmn', 'condition.incident.bpmn'], {
      'par.notify': async (job) => jobOutcome.complete({ sent: `to ${String(job.variables.to)}` }),
    });
  });
  afterAll(() => h.close());

  it('forks three branches and joins when all have arrived', async () => {
    const { key } = await h.engine.createInstance({ processId: 'parallel' });
    const [task] = await h.waitTasks(key, 'ack');
    // the two service branches are done, the join waits for the user task
    const mid = await eventually(async () => {
      const v = await h.engine.getInstance(key);
      return Object.keys(v.variables).length === 2 && v.activeElements.length === 2 && v;
    });
    expect(mid.status).toBe('active');
    expect(mid.variables).toEqual({ supNotified: 'to supervision', leaderNotified: 'to leader' });
    expect(mid.activeElements.sort()).toEqual(['ack', 'join']);
    await h.engine.completeUserTask(task.key, { acked: true });
    const v = await h.ended(key);
    expect(v.variables).toEqual({ supNotified: 'to supervision', leaderNotified: 'to leader', acked: true });
  });

  it('a condition on a missing variable is an incident, not a dead instance; setting it and resolving moves on', async () => {
    // given no `amount`
    const { key } = await h.engine.createInstance({ processId: 'condition-incident' });
    // then an open incident names the flow and the variable
    const view = await h.engine.getInstance(key);
    expect(view.status).toBe('active');
    expect(view.activeElements).toEqual(['gw']);
    expect(view.incidents).toHaveLength(1);
    expect(view.incidents[0]).toMatchObject({ type: 'CONDITION_ERROR', elementId: 'gw', status: 'open' });
    expect(view.incidents[0].message).toMatch(/BOOLEAN.*NULL.*amount/);
    // when the variable is set and the incident resolved
    await h.engine.setVariables(key, { amount: 250 });
    await h.engine.resolveIncident(view.incidents[0].key);
    // then it takes the right branch
    const done = await h.ended(key);
    expect(done.variables.amount).toBe(250);
    const doc = (await h.engine.inspect(key)).history;
    expect(doc?.state).toContain('endYes');
  });
});
