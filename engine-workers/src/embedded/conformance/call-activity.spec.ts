import { jobOutcome } from '../../port/engine-port';
import { harness, type Harness } from './harness';

describe('call activities and embedded sub-processes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness('call-activity', ['call-activity.parent.bpmn', 'call-activity.child.bpmn'], {
      'call.inner': async (job) => jobOutcome.complete({ inner: `seen ${String(job.variables.fromChild)}` }),
    });
  });
  afterAll(() => h.close());

  it('starts the child with the parent variables, waits for it, maps its output back, then runs the sub-process', async () => {
    const { key } = await h.engine.createInstance({ processId: 'call-parent', variables: { projectNo: 'P-7' } });
    const child = await h.engine.models.Instance.findOne({ parentKey: key }).lean();
    expect(child).toMatchObject({ processId: 'call-child', status: 'active' });
    expect((await h.engine.getInstance(child!._id)).variables).toEqual({ projectNo: 'P-7' });
    const [task] = await h.waitTasks(child!._id, 'childWork');
    await h.engine.completeUserTask(task.key, { childResult: 'done', childOnly: 1 });
    const v = await h.ended(key);
    // propagateAllChildVariables="false": only the output mapping comes back
    expect(v.variables).toEqual({ projectNo: 'P-7', fromChild: 'done', inner: 'seen done' });
    expect((await h.engine.getInstance(child!._id)).status).toBe('completed');
  });

  it('cancelling the parent cancels the child and its tasks', async () => {
    const { key } = await h.engine.createInstance({ processId: 'call-parent', variables: {} });
    const child = await h.engine.models.Instance.findOne({ parentKey: key }).lean();
    const [task] = await h.waitTasks(child!._id, 'childWork');
    await h.engine.cancelInstance(key);
    expect((await h.engine.getInstance(key)).status).toBe('canceled');
    expect((await h.engine.getInstance(child!._id)).status).toBe('canceled');
    expect((await h.engine.models.UserTask.findById(task.key).lean())?.status).toBe('canceled');
  });
});
