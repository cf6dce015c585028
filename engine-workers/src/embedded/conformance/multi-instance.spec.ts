import { harness, type Harness } from './harness';

describe('multi-instance user tasks (countersigning)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness('multi-instance', ['multi-instance.bpmn']);
  });
  afterAll(() => h.close());

  it('parallel: one task per signer at once, opinions collected in order; sequential: one after another', async () => {
    const { key } = await h.engine.createInstance({
      processId: 'countersign',
      variables: { signers: ['deputy', 'director', 'sup_head'], approvers: ['a1', 'a2'] },
    });
    // parallel: three tasks at once, each assigned from the collection
    const tasks = await h.waitTasks(key, 'sign', 3);
    expect(tasks.map((t) => t.assignee).sort()).toEqual(['deputy', 'director', 'sup_head']);
    // complete out of order
    const by = (a: string) => tasks.find((t) => t.assignee === a)!;
    await h.engine.completeUserTask(by('director').key, { opinion: '同意' });
    await h.engine.completeUserTask(by('sup_head').key, { opinion: '请补充' });
    await h.engine.completeUserTask(by('deputy').key, { opinion: '同意' });
    // sequential: a1 first, then a2
    const [first] = await h.waitTasks(key, 'seq', 1);
    expect(first.assignee).toBe('a1');
    await h.engine.completeUserTask(first.key, {});
    const [second] = await h.waitTasks(key, 'seq', 1);
    expect(second.assignee).toBe('a2');
    await h.engine.completeUserTask(second.key, {});
    const v = await h.ended(key);
    expect(v.variables.opinions).toEqual(['deputy:同意', 'director:同意', 'sup_head:请补充']);
  });
});
