import { harness, type Harness } from './harness';

describe('Camunda user tasks', () => {
  let h: Harness;
  const created: string[] = [];
  beforeAll(async () => {
    h = await harness('user-task', ['user-task.assignment.bpmn']);
    h.engine.on('userTask.created', (t) => created.push(t.key));
  });
  afterAll(() => h.close());

  it('creates the task with assignee, candidates, due date, priority, form and headers from the diagram', async () => {
    // given / when
    const { key } = await h.engine.createInstance({ processId: 'ut-assign', variables: { owner: 'eng_head', section: 'engineering', urgent: true } });
    // then
    const [task] = await h.waitTasks(key, 'review');
    expect(task).toMatchObject({
      name: '科室负责人审核',
      status: 'created',
      assignee: 'eng_head',
      candidateGroups: ['engineering.head'],
      candidateUsers: ['alice', 'bob'],
      dueDate: '2030-01-02T09:00:00.000Z',
      priority: 90,
      formId: 'review-form',
      customHeaders: { kind: 'approval' },
      processId: 'ut-assign',
      processVersion: 1,
    });
    expect(created).toContain(task.key);
    const view = await h.engine.getInstance(key);
    expect(view.status).toBe('active');
    expect(view.activeElements).toEqual(['review']);
    // the instance waits on disk, not in memory
    expect(h.engine.loadedCount).toBe(0);
  });

  it('completes the task and maps its result through the output mapping', async () => {
    const { key } = await h.engine.createInstance({ processId: 'ut-assign', variables: { owner: 'x', section: 'it', urgent: false } });
    const [task] = await h.waitTasks(key, 'review');
    expect(task.priority).toBe(40);
    await h.engine.completeUserTask(task.key, { approved: true, note: 'ok' });
    const view = await h.ended(key);
    expect(view.variables).toEqual({ owner: 'x', section: 'it', urgent: false, headApproved: true });
  });

  it('refuses to complete a task twice', async () => {
    const { key } = await h.engine.createInstance({ processId: 'ut-assign', variables: { owner: 'x', section: 'it', urgent: false } });
    const [task] = await h.waitTasks(key, 'review');
    await h.engine.completeUserTask(task.key, { approved: false });
    await expect(h.engine.completeUserTask(task.key, { approved: true })).rejects.toMatchObject({ code: 'TASK_NOT_OPEN', status: 409 });
    const view = await h.ended(key);
    expect(view.variables.headApproved).toBe(false);
  });
});
