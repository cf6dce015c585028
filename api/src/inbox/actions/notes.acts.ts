/** 抄送, 催办 and 评论: copy a task to colleagues, urge its holder, comment on its flow. */
import { randomUUID } from 'node:crypto';
import { userError, type UserDto } from '@ggzy/shared';
import type { TaskDoc } from '../task.model';
import type { ActContext } from './act-context';

export async function cc(ctx: ActContext, u: UserDto, id: string, users: string[], note?: string): Promise<{ added: string[] }> {
  const t = await ctx.require(u, id, 'cc');
  const added: string[] = [];
  for (const uid of users) {
    const target = await ctx.colleague(uid, u);
    try {
      const at = new Date();
      await ctx.Cc.create({ _id: `${t._id}:${target.id}`, taskId: t._id, instanceId: t.instanceId, userId: target.id, from: u.id, note, at, readAt: null });
      await ctx.inbox.store.addCc(t, target.id, at);
      added.push(target.id);
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
    }
  }
  if (added.length) {
    await ctx.log(u, 'task.cc', t, { to: added, opinion: note ?? null });
    await ctx.tell(added, t, {
      key: `cc:${t._id}:${Date.now()}`,
      kind: 'task.cc',
      title: `【抄送】${t.title}`,
      body: `${u.name}抄送给您：${t.name}。${note ?? ''}`,
    });
  }
  return { added };
}

/** 催办 by a person; the SLA monitor urges through `urgeBySystem`. */
export async function urge(ctx: ActContext, u: UserDto, id: string, note?: string): Promise<TaskDoc> {
  const t = await ctx.require(u, id, 'urge');
  if (t.lastUrgedAt && Date.now() - t.lastUrgedAt.getTime() < ctx.opts.urgeIntervalMs) {
    throw userError('URGED_RECENTLY', '刚刚催办过，请稍后再催', 'This task was urged a moment ago; try again later', { status: 429 });
  }
  // The notice first (keyed by the urge it is: sent again after a crash, it is not sent twice), then
  // the mark with its audit event in one write — a crash leaves no mark without its notice.
  await ctx.notifyOwners(t, `urge:${t._id}:${t.urgeCount + 1}`, 'task.urged', `【催办】${t.name}`, `${u.name}催办“${t.title}”，请尽快办理。${note ?? ''}`);
  return ctx.update(t, { lastUrgedAt: new Date() }, { inc: { urgeCount: 1 } }, ctx.event(u, 'task.urged', t, { opinion: note ?? null }));
}

export async function comment(ctx: ActContext, u: UserDto, id: string, text: string) {
  const t = await ctx.require(u, id, 'comment');
  const c = { _id: randomUUID(), instanceId: t.instanceId, taskId: t._id, author: u.id, authorName: u.name, text, at: new Date() };
  await ctx.comments.add(c);
  if (t.status === 'open' && !t.touched && u.id !== t.starter) await ctx.settle(t._id, { set: { touched: true } }, (x) => x.status === 'open');
  await ctx.log(u, 'task.commented', t, { opinion: text });
  return { id: c._id, author: c.author, authorName: c.authorName, text: c.text, at: c.at.toISOString(), taskId: t._id };
}
