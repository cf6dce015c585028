import { jobOutcome } from '../../port/engine-port';
import { eventually } from '../../testing/test-db';
import { harness, type Harness } from './harness';

describe('call activities and embedded sub-processes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness('call-activity', ['call-activity.parent.bpmn', 'call-activity.child.bpmn'], {
      'call.inner': async (job) => jobOutcome.complete({ inner: `seen ${String(job.variables.fromChild)}` }),
    });
  });
  afterAll(() => h.close());

  /** The child of a parent waiting at its call activity (its key is `<parent>.<execution>`). */
  const childOf = (key: string) =>
    eventually(async () => {
      const wait = (await h.engine.inspect(key)).runtime?.waits.find((w) => w.id.startsWith('c:'));
      return wait?.id.slice(2);
    });

  it('starts the child with the parent variables, waits for it, maps its output back, then runs the sub-process', async () => {
    const { key } = await h.engine.createInstance({ processId: 'call-parent', variables: { projectNo: 'P-7' } });
    const child = await childOf(key);
    expect(await h.engine.getInstance(child)).toMatchObject({ processId: 'call-child', status: 'active', parentKey: key, variables: { projectNo: 'P-7' } });
    const [task] = await h.waitTasks(child, 'childWork');
    await h.engine.completeUserTask(task.key, { childResult: 'done', childOnly: 1 });
    const v = await h.ended(key);
    // propagateAllChildVariables="false": only the output mapping comes back
    expect(v.variables).toEqual({ projectNo: 'P-7', fromChild: 'done', inner: 'seen done' });
    expect((await h.engine.getInstance(child)).status).toBe('completed');
    // the parent's trail holds the call, the child's history its task
    expect((await h.engine.inspect(key)).history?.trail).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'call', key: child, status: 'completed' })]),
    );
  });

  it('cancelling the parent cancels the child and its tasks', async () => {
    const { key } = await h.engine.createInstance({ processId: 'call-parent', variables: {} });
    const child = await childOf(key);
    const [task] = await h.waitTasks(child, 'childWork');
    await h.engine.cancelInstance(key);
    expect((await h.engine.getInstance(key)).status).toBe('canceled');
    await h.ended(child, 'canceled');
    const { history } = await h.engine.inspect(child);
    expect(history?.trail.find((t) => t.key === task.key)).toMatchObject({ status: 'canceled' });
    // the cancel request for the child is done with
    expect(await h.engine.models.outcomes.countDocuments({})).toBe(0);
  });
});
