import type { Connection } from 'mongoose';
import { jobOutcome } from '../../port/engine-port';
import type { EmbeddedEngine } from '../embedded-engine';
import { connectTestDb, eventually, testEngine } from '../../testing/test-db';
import { fixture } from './fixtures';

describe('service tasks, io mappings, exclusive gateway', () => {
  let conn: Connection;
  let engine: EmbeddedEngine;
  const seen: Array<{ type: string; variables: Record<string, unknown>; headers: Record<string, string> }> = [];

  beforeAll(async () => {
    conn = await connectTestDb('service-task');
    engine = testEngine(conn);
    engine.createWorker({
      taskType: 'calc.add',
      handler: async (job) => {
        seen.push({ type: job.type, variables: job.variables, headers: job.customHeaders });
        const { a, b } = job.variables as { a: number; b: number };
        return jobOutcome.complete({ result: a + b, leaked: 'not mapped' });
      },
    });
    engine.createWorker({
      taskType: 'calc.mark',
      handler: async (job) => {
        seen.push({ type: job.type, variables: job.variables, headers: job.customHeaders });
        return jobOutcome.complete({ size: job.customHeaders.size });
      },
    });
    await engine.start();
    await engine.deploy([fixture('service-task.io-mapping.bpmn')]);
  });

  afterAll(async () => {
    await engine.stop();
    await conn.dropDatabase();
    await conn.close();
  });

  it('maps inputs locally, outputs to the process, and takes the branch the FEEL condition picks', async () => {
    // given
    seen.length = 0;
    // when
    const { key } = await engine.createInstance({ processId: 'svc-io', variables: { x: 6 } });
    // then
    const view = await eventually(async () => {
      const v = await engine.getInstance(key);
      return v.status === 'completed' && v;
    });
    expect(view.variables).toEqual({ x: 6, sum: 17, size: 'big' });
    expect(seen[0]).toEqual({ type: 'calc.add', variables: expect.objectContaining({ x: 6, a: 7, b: 10 }), headers: { unit: '元' } });
    expect(seen[1].headers).toEqual({ size: 'big' });
    expect(view.variables).not.toHaveProperty('a');
    expect(view.variables).not.toHaveProperty('leaked');
  });

  it('takes the default flow when no condition holds', async () => {
    const { key } = await engine.createInstance({ processId: 'svc-io', variables: { x: 1 } });
    const view = await eventually(async () => {
      const v = await engine.getInstance(key);
      return v.status === 'completed' && v;
    });
    expect(view.variables).toEqual({ x: 1, sum: 12, size: 'small' });
  });
});
