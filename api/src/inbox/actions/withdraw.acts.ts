/** 撤回: the starter takes the request back while nobody has touched the next step. */
import type { UserDto } from '@ggzy/shared';
import type { ActContext } from './act-context';

export async function withdraw(ctx: ActContext, u: UserDto, id: string, reason?: string): Promise<void> {
  const t = await ctx.require(u, id, 'withdraw');
  const others = await ctx.inbox.store.find({ instanceId: t.instanceId });
  const actedOn = others.some((x) => x.touched || (x.status === 'completed' && x.completedBy !== u.id));
  if (actedOn) throw ctx.refusal({ ...t, touched: true }, u, 'withdraw');
  await ctx.update(t, { touched: true });
  await ctx.Meta.updateOne({ _id: t.instanceId }, { $set: { state: 'withdrawn', endedAt: new Date() } });
  await ctx.inbox.engine.cancelInstance(t.instanceId);
  await ctx.inbox.store.changeAll({ instanceId: t.instanceId, status: 'open' }, { set: { status: 'canceled', completedAt: new Date() } });
  await ctx.log(u, 'instance.withdrawn', t, { opinion: reason ?? null });
}
