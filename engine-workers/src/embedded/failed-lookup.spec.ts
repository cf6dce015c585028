/**
 * A look-up an instance makes while it runs (an outcome, a stored job) that fails — the database
 * away for a moment — is not left at a log line: the instance's waits are looked at again after a
 * back-off, and the instance goes on.
 */
import { eventually } from '../testing/test-db';
import { harness, type Harness } from './conformance/harness';

describe('a failed look-up', () => {
  let h: Harness;
  beforeAll(async () => {
    // Recovery's own pass (which finds outcomes left unapplied) is kept out of the way: the instance's retry alone must do it.
    h = await harness('failed-lookup', ['failed-lookup.bpmn'], {}, { pollMs: 600_000 });
  });
  afterAll(() => h.close());

  it('is made again after a back-off, and the instance goes on', async () => {
    const { engine } = h;
    const { key } = await engine.createInstance({ processId: 'failed-lookup' });
    const [{ key: task }] = await h.waitTasks(key, 'review');
    // the next look-up of the task's outcome fails once
    const outcomes = engine.models.outcomes;
    const findOne = outcomes.findOne.bind(outcomes);
    let failed = 0;
    outcomes.findOne = ((...args: Parameters<typeof findOne>) => {
      if (!failed && JSON.stringify(args[0]).includes(`t:${task}`)) {
        failed++;
        return Promise.reject(new Error('the database is away for a moment'));
      }
      return findOne(...args);
    }) as typeof outcomes.findOne;
    try {
      await engine.completeUserTask(task!, { approved: true });
      const ended = await eventually(async () => (await engine.inspect(key)).history, 15_000, 'the instance to end');
      expect(failed).toBe(1);
      expect(JSON.parse(ended.variables)).toEqual({ approved: true });
    } finally {
      outcomes.findOne = findOne;
    }
  });
});
