/**
 * 撤回: the starter takes the request back while nobody has touched the next step. The act is one
 * write with its audit event (the task marked with the withdrawal); what follows from it (the
 * instance's state, the engine's cancel, the open steps closed) is carried through from that mark,
 * now or, when the process stops half-way, at the next start (`resumeWithdrawals`).
 */
import type { UserDto } from '@ggzy/shared';
import type { TaskDoc } from '../task.model';
import type { ActContext } from './act-context';

export async function withdraw(ctx: ActContext, u: UserDto, id: string, reason?: string): Promise<void> {
  const t = await ctx.require(u, id, 'withdraw');
  const others = await ctx.inbox.store.find({ instanceId: t.instanceId });
  const actedOn = others.some((x) => x.touched || (x.status === 'completed' && x.completedBy !== u.id));
  if (actedOn) throw ctx.refusal({ ...t, touched: true }, u, 'withdraw');
  const marked = await ctx.update(
    t,
    { touched: true, withdrawal: JSON.stringify({ by: u.id, reason: reason ?? null }) },
    {},
    ctx.event(u, 'instance.withdrawn', t, { opinion: reason ?? null }),
  );
  await carryOut(ctx, marked);
}

/** What a withdrawal leads to; each step is safe to do again. */
async function carryOut(ctx: ActContext, t: TaskDoc): Promise<void> {
  const now = new Date();
  // Before the cancel: the engine's cancel event then finds the instance no longer active and
  // leaves its state as 撤回.
  await ctx.states.end(t.instanceId, 'withdrawn', now);
  try {
    await ctx.inbox.engine.cancelInstance(t.instanceId);
  } catch (err) {
    // Ended already: by this withdrawal's cancel before a stop, or by the engine.
    if (!['INSTANCE_NOT_ACTIVE', 'NOT_FOUND'].includes(String((err as { code?: string }).code))) throw err;
  }
  await ctx.inbox.store.changeAll({ instanceId: t.instanceId, status: 'open' }, { set: { status: 'canceled', completedAt: now } });
}

/** At start: withdrawals whose act was stored but whose carrying-through a stop cut short. */
export async function resumeWithdrawals(ctx: ActContext): Promise<number> {
  const marked = (await ctx.inbox.store.find({ status: 'open' })).filter((t) => t.withdrawal);
  for (const t of marked) await carryOut(ctx, t);
  return marked.length;
}
