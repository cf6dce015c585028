/**
 * GET /tasks, GET /tasks/:id, POST /tasks/:id/{claim,unclaim,complete,transfer,delegate,return,withdraw,add-signer,cc,urge,comments}.
 * The router is mounted at `/api/tasks`.
 */
import { Router } from 'express';
import { z } from 'zod';
import { TASK_VIEWS } from '@ggzy/shared';
import { currentUser } from '../http/auth-context';
import { parseBody, parseParams, parseQuery } from '../http/validate';
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

export function inboxRouter(inbox: InboxService, actions: TaskActions): Router {
  const r = Router();
  const taskId = (p: unknown) => parseParams(idParams, p).id;

  r.get('/', async (req, res) => {
    const q = parseQuery(taskListQuery, req.query);
    const page = await inbox.listJson(currentUser(req), {
      ...q,
      overdue: q.overdue === 'true',
      dueBefore: q.dueBefore ? new Date(q.dueBefore) : undefined,
    });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': page.length }).end(page);
  });
  r.get('/counts', async (req, res) => {
    res.json(await inbox.counts(currentUser(req)));
  });
  r.get('/:id', async (req, res) => {
    res.json(await inbox.detail(currentUser(req), taskId(req.params)));
  });

  const dto = (t: Parameters<InboxService['toDto']>[0]) => inbox.toDto(t);
  r.post('/:id/claim', async (req, res) => {
    parseBody(emptyBody, req.body);
    res.json(dto(await actions.claim(currentUser(req), taskId(req.params))));
  });
  r.post('/:id/unclaim', async (req, res) => {
    parseBody(emptyBody, req.body);
    res.json(dto(await actions.unclaim(currentUser(req), taskId(req.params))));
  });
  r.post('/:id/complete', async (req, res) => {
    const b = parseBody(completeBody, req.body);
    res.json(dto(await actions.complete(currentUser(req), taskId(req.params), b.variables)));
  });
  r.post('/:id/return', async (req, res) => {
    const b = parseBody(returnBody, req.body);
    res.json(dto(await actions.returnTask(currentUser(req), taskId(req.params), b.opinion, b.variables)));
  });
  r.post('/:id/transfer', async (req, res) => {
    const b = parseBody(toUserBody, req.body);
    res.json(dto(await actions.transfer(currentUser(req), taskId(req.params), b.userId, b.comment)));
  });
  r.post('/:id/delegate', async (req, res) => {
    const b = parseBody(toUserBody, req.body);
    res.json(dto(await actions.delegate(currentUser(req), taskId(req.params), b.userId, b.comment)));
  });
  r.post('/:id/add-signer', async (req, res) => {
    const b = parseBody(toUserBody, req.body);
    res.json(dto(await actions.addSigner(currentUser(req), taskId(req.params), b.userId, b.comment)));
  });
  r.post('/:id/cc', async (req, res) => {
    const b = parseBody(ccBody, req.body);
    res.json(await actions.cc(currentUser(req), taskId(req.params), b.userIds, b.note));
  });
  r.post('/:id/urge', async (req, res) => {
    const b = parseBody(noteBody, req.body);
    res.json(dto(await actions.urge(currentUser(req), taskId(req.params), b.note)));
  });
  r.post('/:id/withdraw', async (req, res) => {
    const b = parseBody(reasonBody, req.body);
    await actions.withdraw(currentUser(req), taskId(req.params), b.reason);
    res.json({ withdrawn: true });
  });
  r.post('/:id/comments', async (req, res) => {
    const b = parseBody(commentBody, req.body);
    res.status(201).json(await actions.comment(currentUser(req), taskId(req.params), b.text));
  });
  return r;
}
