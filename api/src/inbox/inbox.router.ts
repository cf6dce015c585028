/**
 * GET /api/tasks, GET /api/tasks/counts, GET /api/tasks/:id,
 * POST /api/tasks/:id/{claim,unclaim,complete,transfer,delegate,return,withdraw,add-signer,cc,urge,comments}.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import { TASK_VIEWS } from '@ggzy/shared';
import { DirectRouter } from '../http/direct-router';
import { parseBody, parseParams, parseQuery } from '../http/validate';
import type { AuthService } from '../people/auth.service';
import type { InboxService } from './inbox.service';
import type { TaskActions } from './task-actions';

export const taskListQuery = z.strictObject({
  view: z.enum(TASK_VIEWS).default('mine'),
  processId: z.string().max(100).optional(),
  projectId: z.string().max(100).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  priorityMin: z.coerce.number().int().min(0).max(100).optional(),
  dueBefore: z.iso.datetime({ offset: true }).optional(),
  sort: z.enum(['priority', 'due', 'created', '-created']).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

const id = z.string().regex(/^[A-Za-z0-9:_-]{1,100}$/, 'not a task id');
const userId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'not a username');
export const completeBody = z.strictObject({ variables: z.record(z.string(), z.unknown()).default({}) });
export const returnBody = z.strictObject({ opinion: z.string().trim().min(1).max(2000), variables: z.record(z.string(), z.unknown()).optional() });
export const toUserBody = z.strictObject({ userId, comment: z.string().max(500).optional() });
export const ccBody = z.strictObject({ userIds: z.array(userId).min(1).max(50), note: z.string().max(500).optional() });
export const noteBody = z.strictObject({ note: z.string().max(500).optional() });
export const reasonBody = z.strictObject({ reason: z.string().max(500).optional() });
export const commentBody = z.strictObject({ text: z.string().trim().min(1).max(2000) });

// Made once: a zod schema compiles itself the first time it parses.
const idParams = z.object({ id });
const emptyBody = z.strictObject({});

/**
 * The inbox's routes, served by a DirectRouter ahead of Express (they are by far the busiest).
 * `limitBytes`: the largest JSON body taken, as for the rest of the API.
 */
export function inboxRoutes(inbox: InboxService, actions: TaskActions, http: { auth: AuthService; logger: Logger; limitBytes: number }): DirectRouter {
  const r = new DirectRouter('/api/tasks', http.auth, http.logger, http.limitBytes);
  const taskId = (p: unknown) => parseParams(idParams, p).id;
  const dto = async (t: Promise<Parameters<InboxService['toDto']>[0]>) => ({ json: inbox.toDto(await t) });

  r.get('/', async ({ user, query }) => {
    const q = parseQuery(taskListQuery, query);
    return {
      bytes: await inbox.listJson(user, { ...q, overdue: q.overdue === 'true', dueBefore: q.dueBefore ? new Date(q.dueBefore) : undefined }),
    };
  });
  r.get('/counts', async ({ user }) => ({ json: await inbox.counts(user) }));
  r.get('/:id', async ({ user, params }) => ({ json: await inbox.detail(user, taskId(params)) }));

  r.post('/:id/claim', ({ user, params, body }) => {
    parseBody(emptyBody, body);
    return dto(actions.claim(user, taskId(params)));
  });
  r.post('/:id/unclaim', ({ user, params, body }) => {
    parseBody(emptyBody, body);
    return dto(actions.unclaim(user, taskId(params)));
  });
  r.post('/:id/complete', ({ user, params, body }) => {
    const b = parseBody(completeBody, body);
    return dto(actions.complete(user, taskId(params), b.variables));
  });
  r.post('/:id/return', ({ user, params, body }) => {
    const b = parseBody(returnBody, body);
    return dto(actions.returnTask(user, taskId(params), b.opinion, b.variables));
  });
  // 转办, 委派, 加签: the task handed to, or shared with, one colleague.
  const toColleague = { transfer: 'transfer', delegate: 'delegate', 'add-signer': 'addSigner' } as const;
  for (const [path, act] of Object.entries(toColleague)) {
    r.post(`/:id/${path}`, ({ user, params, body }) => {
      const b = parseBody(toUserBody, body);
      return dto(actions[act](user, taskId(params), b.userId, b.comment));
    });
  }
  r.post('/:id/cc', async ({ user, params, body }) => {
    const b = parseBody(ccBody, body);
    return { json: await actions.cc(user, taskId(params), b.userIds, b.note) };
  });
  r.post('/:id/urge', ({ user, params, body }) => {
    const b = parseBody(noteBody, body);
    return dto(actions.urge(user, taskId(params), b.note));
  });
  r.post('/:id/withdraw', async ({ user, params, body }) => {
    const b = parseBody(reasonBody, body);
    await actions.withdraw(user, taskId(params), b.reason);
    return { json: { withdrawn: true } };
  });
  r.post('/:id/comments', async ({ user, params, body }) => {
    const b = parseBody(commentBody, body);
    return { status: 201, json: await actions.comment(user, taskId(params), b.text) };
  });
  return r;
}
