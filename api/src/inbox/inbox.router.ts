/** The inbox's routes: the views, a task's detail, and the acts on a task. */
import { Router } from 'express';
import { API } from '@ggzy/shared/api';
import { bind } from '../http/bind-route';
import type { InboxService } from './inbox.service';
import type { TaskActions } from './actions/task-actions';

export function inboxRouter(inbox: InboxService, actions: TaskActions): Router {
  const r = Router();
  const dto = async (t: Promise<Parameters<InboxService['toDto']>[0]>) => inbox.toDto(await t);

  bind(r, API.tasks, async ({ user, query, res }) => {
    const page = await inbox.listJson(user, {
      ...query,
      overdue: query.overdue === 'true',
      dueBefore: query.dueBefore ? new Date(query.dueBefore) : undefined,
    });
    // Assembled from each task version's cached JSON (see listJson).
    res.type('application/json').send(page);
  });
  bind(r, API.taskCounts, ({ user }) => inbox.counts(user));
  bind(r, API.task, ({ user, params }) => inbox.detail(user, params.id));

  bind(r, API.claim, ({ user, params }) => dto(actions.claim(user, params.id)));
  bind(r, API.unclaim, ({ user, params }) => dto(actions.unclaim(user, params.id)));
  bind(r, API.complete, ({ user, params, body }) => dto(actions.complete(user, params.id, body.variables)));
  bind(r, API.return, ({ user, params, body }) => dto(actions.returnTask(user, params.id, body.opinion, body.variables)));
  // 转办, 委派, 加签: the task handed to, or shared with, one colleague.
  bind(r, API.transfer, ({ user, params, body }) => dto(actions.transfer(user, params.id, body.userId, body.comment)));
  bind(r, API.delegate, ({ user, params, body }) => dto(actions.delegate(user, params.id, body.userId, body.comment)));
  bind(r, API.addSigner, ({ user, params, body }) => dto(actions.addSigner(user, params.id, body.userId, body.comment)));
  bind(r, API.cc, ({ user, params, body }) => actions.cc(user, params.id, body.userIds, body.note));
  bind(r, API.urge, ({ user, params, body }) => dto(actions.urge(user, params.id, body.note)));
  bind(r, API.withdraw, async ({ user, params, body }) => {
    await actions.withdraw(user, params.id, body.reason);
    return { withdrawn: true };
  });
  bind(r, API.comment, ({ user, params, body }) => actions.comment(user, params.id, body.text));
  return r;
}
