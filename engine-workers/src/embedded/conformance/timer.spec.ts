import { jobOutcome } from '../../port/engine-port';
import { eventually } from '../../testing/test-db';
import { harness, type Harness } from './harness';
import { fixture } from './fixtures';

describe('timers', () => {
  let h: Harness;
  const notes: Array<{ instance: string; what: string; at: number }> = [];
  beforeAll(async () => {
    h = await harness('timer', ['timer.boundary.bpmn', 'timer.intermediate.bpmn'], {
      'timer.note': async (job) => {
        notes.push({ instance: job.processInstanceKey, what: job.customHeaders.what, at: Date.now() });
        return jobOutcome.complete();
      },
    });
  });
  afterAll(() => h.close());

  it('waits on a duration, then on a FEEL date, with the instance off memory in between', async () => {
    const started = Date.now();
    const wakeAt = new Date(started + 900).toISOString();
    const { key } = await h.engine.createInstance({ processId: 'timer-wait', variables: { wakeAt } });
    expect(h.engine.loadedCount).toBe(0);
    const view = await eventually(async () => {
      const v = await h.engine.getInstance(key);
      return v.status === 'completed' && v;
    });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(850);
    expect(took).toBeLessThan(5000);
    expect(view.activeElements).toEqual([]);
  });

  it('non-interrupting cycle urges while the task stays; the interrupting duration cancels the task', async () => {
    // given: urge every 200 ms (3 times), overdue after 1 s
    const { key } = await h.engine.createInstance({ processId: 'timer-boundary', variables: { urgeCycle: 'R3/PT0.2S', limit: 'PT1S' } });
    const [task] = await h.waitTasks(key, 'work');
    // then: three urges, then overdue, the task cancelled, the instance ended
    await h.ended(key);
    const mine = notes.filter((n) => n.instance === key).map((n) => n.what);
    expect(mine).toEqual(['urge', 'urge', 'urge', 'overdue']);
    const { history } = await h.engine.inspect(key);
    expect(history?.trail.find((t) => t.key === task.key)).toMatchObject({ kind: 'userTask', status: 'canceled' });
  });

  it('completing the task in time cancels its boundary timers', async () => {
    const { key } = await h.engine.createInstance({ processId: 'timer-boundary', variables: { urgeCycle: 'R1/PT5S', limit: 'PT10S' } });
    const [task] = await h.waitTasks(key, 'work');
    await h.engine.completeUserTask(task.key, {});
    const view = await h.ended(key);
    expect(view.status).toBe('completed');
    // ended: moved to history, nothing left in the runtime, and its timers never fired
    expect(await h.engine.inspect(key)).toMatchObject({ runtime: null, history: { status: 'completed' } });
    await new Promise((r) => setTimeout(r, 300));
    expect(notes.filter((n) => n.instance === key)).toEqual([]);
  });
});

describe('timer start events', () => {
  let h: Harness;
  const ticks: number[] = [];
  beforeAll(async () => {
    h = await harness('timer-start', [], {
      'timer.note': async () => {
        ticks.push(Date.now());
        return jobOutcome.complete();
      },
    });
  });
  afterAll(() => h.close());

  it('starts an instance at every occurrence of the cycle, and no more', async () => {
    await h.engine.deploy([fixture('timer.start.bpmn')]);
    await eventually(async () => ticks.length >= 2, 5000, 'two ticks');
    await new Promise((r) => setTimeout(r, 800));
    expect(ticks).toHaveLength(2);
    const instances = await h.engine.models.history.find({ processId: 'timer-start' }).toArray();
    expect(instances.map((i) => i.status)).toEqual(['completed', 'completed']);
    expect(await h.engine.models.runtime.countDocuments({ processId: 'timer-start' })).toBe(0);
  });
});
