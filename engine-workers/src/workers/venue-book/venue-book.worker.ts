/**
 * venue.book — books the room and time 综合科 confirmed (2.8). A slot taken meanwhile is not an
 * error: the flow goes back to the step with what is in the way (`bookingProblem`).
 */
import { z } from 'zod';
import { jobOutcome } from '../../port/engine-port';
import { defineWorker } from '../worker-manifest';

export default defineWorker({
  taskType: 'venue.book',
  title: '预约场地',
  inputSchema: z.looseObject({
    projectId: z.string().min(1),
    room: z.string().min(1),
    sessionDay: z.string().min(10),
    sessionStart: z.string().regex(/^\d\d:\d\d$/),
    sessionEnd: z.string().regex(/^\d\d:\d\d$/),
    purpose: z.string().min(1),
    venueBooker: z.string().min(1),
  }),
  async handler(job, services) {
    const v = job.variables;
    if (v.sessionStart >= v.sessionEnd) return jobOutcome.complete({ booked: false, bookingProblem: '结束时间应晚于开始时间' });
    const r = await services.bookVenue({
      instanceId: job.processInstanceKey,
      by: v.venueBooker,
      attempt: job.key,
      projectId: v.projectId,
      room: v.room,
      day: v.sessionDay.slice(0, 10),
      start: v.sessionStart,
      end: v.sessionEnd,
      purpose: v.purpose,
    });
    return r.booked
      ? jobOutcome.complete({ booked: true, bookingProblem: null, sessionId: r.sessionId, bookingSummary: r.summary })
      : jobOutcome.complete({ booked: false, bookingProblem: r.problem });
  },
});
