/** 转办 and 委派: hand a task to a colleague, for good or to be handed back. */
import { userError, type UserDto } from '@ggzy/shared';
import type { TaskDoc } from '../task.model';
import { isCandidate } from '../task-access';
import type { ActContext } from './act-context';

export async function transfer(ctx: ActContext, u: UserDto, id: string, to: string, comment?: string): Promise<TaskDoc> {
  const t = await ctx.require(u, id, 'transfer');
  const target = await ctx.colleague(to, u, t);
  // A step offered to certain groups (e.g. leaders' sign-off) may only be handed to someone the diagram offers it to.
  if (!t.unrouted && (t.candidateGroups.length || t.candidateUsers.length) && !isCandidate(t, target)) {
    throw userError(
      'TRANSFER_TARGET_NOT_ELIGIBLE',
      `${target.name}不在此环节的办理范围内，不能转办给他`,
      `${target.name} is not among those this step is offered to`,
      { status: 422 },
    );
  }
  const after = await ctx.update(
    t,
    { assignee: target.id, claimedAt: new Date(), touched: true, owner: null, delegationState: null },
    {},
    ctx.event(u, 'task.transferred', t, { before: { assignee: t.assignee ?? null }, after: { assignee: target.id }, opinion: comment ?? null }),
  );
  await ctx.syncAssignee(id, target.id);
  await ctx.tell([target.id], t, {
    key: `transfer:${t._id}:${after.version}`,
    kind: 'task.transferred',
    title: `【转办】${t.name}`,
    body: `${u.name}将任务“${t.title}”转办给您。${comment ?? ''}`,
  });
  return after;
}

export async function delegate(ctx: ActContext, u: UserDto, id: string, to: string, comment?: string): Promise<TaskDoc> {
  const t = await ctx.require(u, id, 'delegate');
  const target = await ctx.colleague(to, u, t);
  const after = await ctx.update(
    t,
    { assignee: target.id, owner: u.id, delegationState: 'pending' },
    {},
    ctx.event(u, 'task.delegated', t, { before: { assignee: u.id }, after: { assignee: target.id, owner: u.id }, opinion: comment ?? null }),
  );
  await ctx.tell([target.id], t, {
    key: `delegate:${t._id}:${after.version}`,
    kind: 'task.delegated',
    title: `【委派】${t.name}`,
    body: `${u.name}委派您办理“${t.title}”，办理后将交回。${comment ?? ''}`,
  });
  return after;
}
