/** venue.name-witness — the witness the section head named goes on the session, and on the hall board that day (2.8). */
import { z } from 'zod';
import { jobOutcome } from '../../port/engine-port';
import { defineWorker } from '../worker-manifest';

export default defineWorker({
  taskType: 'venue.name-witness',
  title: '见证人上屏公示',
  inputSchema: z.looseObject({ sessionId: z.string().min(1), witness: z.string().min(1), witnessNamer: z.string().min(1) }),
  async handler(job, services) {
    const v = job.variables;
    const r = await services.nameWitness({ sessionId: v.sessionId, witness: v.witness, by: v.witnessNamer });
    return jobOutcome.complete({ witnessName: r.witnessName });
  },
});
