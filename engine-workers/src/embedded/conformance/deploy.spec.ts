import { harness, type Harness } from './harness';
import { fixture } from './fixtures';

const v1 = fixture('user-task.assignment.bpmn');
// Version 2 of the same process: an extra service task in front of the review.
const v2 = {
  name: 'user-task.assignment.bpmn',
  content: v1.content.replace(
    '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />',
    '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="pre" /><bpmn:scriptTask id="pre"><bpmn:extensionElements><zeebe:script expression="=&quot;v2&quot;" resultVariable="madeBy" /></bpmn:extensionElements></bpmn:scriptTask><bpmn:sequenceFlow id="f0" sourceRef="pre" targetRef="review" />',
  ),
};

describe('deployment and versions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness('deploy', []);
  });
  afterAll(() => h.close());

  it('keeps every version; new instances take the latest, running ones finish on theirs', async () => {
    const d1 = await h.engine.deploy([v1]);
    expect(d1.processes[0]).toMatchObject({ processId: 'ut-assign', version: 1 });
    const old = await h.engine.createInstance({ processId: 'ut-assign', variables: { owner: 'a', section: 's', urgent: false } });
    // same content again: no new version
    expect((await h.engine.deploy([v1])).processes[0].version).toBe(1);
    const d2 = await h.engine.deploy([v2]);
    expect(d2.processes[0].version).toBe(2);
    const fresh = await h.engine.createInstance({ processId: 'ut-assign', variables: { owner: 'b', section: 's', urgent: false } });
    expect(fresh.version).toBe(2);
    // the old instance completes on version 1 (no script task), the new one ran version 2's
    const [oldTask] = await h.waitTasks(old.key, 'review');
    await h.engine.completeUserTask(oldTask.key, { approved: true });
    expect((await h.ended(old.key)).variables).not.toHaveProperty('madeBy');
    const [newTask] = await h.waitTasks(fresh.key, 'review');
    await h.engine.completeUserTask(newTask.key, { approved: true });
    expect((await h.ended(fresh.key)).variables.madeBy).toBe('v2');
    // a pinned version can still be started
    expect((await h.engine.createInstance({ processId: 'ut-assign', version: 1, variables: {} })).version).toBe(1);
  });

  it('refuses an element it cannot run, naming it, and deploys nothing', async () => {
    await expect(h.engine.deploy([fixture('unsupported.signal.bpmn')])).rejects.toMatchObject({
      code: 'BPMN_UNSUPPORTED_ELEMENT',
      message: expect.stringContaining('waitSignal'),
      messageZh: expect.stringContaining('等信号'),
    });
    expect(await h.engine.models.Definition.countDocuments({ processId: 'unsupported' })).toBe(0);
  });

  it('refuses malformed XML with a clear message', async () => {
    await expect(
      h.engine.deploy([{ name: 'bad.bpmn', content: '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="x"' }]),
    ).rejects.toMatchObject({
      code: 'BPMN_PARSE_ERROR',
    });
  });

  it('refuses a service task without a job type', async () => {
    const xml = v1.content.replace(/<bpmn:userTask id="review"[\s\S]*?<\/bpmn:userTask>/, '<bpmn:serviceTask id="review" name="无类型" />');
    await expect(h.engine.deploy([{ name: 'no-type.bpmn', content: xml }])).rejects.toMatchObject({
      code: 'BPMN_UNSUPPORTED_ELEMENT',
      message: expect.stringContaining('zeebe:taskDefinition'),
    });
  });

  it('refuses to start an unknown process', async () => {
    await expect(h.engine.createInstance({ processId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });
});
