/** 认领 and 释放: take a task offered to one's section, or give it back. */
import type { UserDto } from '@ggzy/shared';
import type { TaskDoc } from '../task.model';
import type { ActContext } from './act-context';

export async function claim(ctx: ActContext, u: UserDto, id: string): Promise<TaskDoc> {
  const t = await ctx.require(u, id, 'claim');
  const after = await ctx.update(
    t,
    { assignee: u.id, claimedAt: new Date(), touched: true },
    {},
    ctx.event(u, 'task.claimed', t, { before: { assignee: null }, after: { assignee: u.id } }),
  );
  await ctx.syncAssignee(id, u.id);
  return after;
}

export async function unclaim(ctx: ActContext, u: UserDto, id: string): Promise<TaskDoc> {
  const t = await ctx.require(u, id, 'unclaim');
  const after = await ctx.update(
    t,
    { assignee: null, claimedAt: null },
    {},
    ctx.event(u, 'task.unclaimed', t, { before: { assignee: u.id }, after: { assignee: null } }),
  );
  await ctx.syncAssignee(id, null);
  return after;
}
