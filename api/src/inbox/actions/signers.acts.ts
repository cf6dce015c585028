/** 加签: a colleague is asked to sign an opinion before the step can be completed. */
import { createHash } from 'node:crypto';
import { conflict, userError, type UserDto } from '@ggzy/shared';
import type { TaskDoc } from '../task.model';
import type { ActContext } from './act-context';

export async function addSigner(ctx: ActContext, u: UserDto, id: string, to: string, comment?: string): Promise<TaskDoc> {
  const t = await ctx.require(u, id, 'add-signer');
  const target = await ctx.colleague(to, u, t);
  if (t.pendingSigners.includes(target.id)) throw conflict('ALREADY_SIGNER', `${target.name}已是加签人`, `${target.name} is already an added signer`);
  // The signer's task first (its id names the step's version, so an act made again after a crash
  // finds it instead of adding a second), then the step waits for it, with the audit event, in one
  // write: a crash never leaves the step waiting for a task that does not exist.
  const child: TaskDoc = {
    ...t,
    _id: `sign-${createHash('sha256').update(`${t._id}|${target.id}|${t.version}`).digest('hex').slice(0, 32)}`,
    kind: 'add-sign',
    name: `加签：${t.name}`,
    formId: null,
    assignee: target.id,
    owner: null,
    delegationState: null,
    candidateGroups: [],
    candidateUsers: [],
    createdAt: new Date(),
    claimedAt: new Date(),
    pendingSigners: [],
    parentTaskId: t._id,
    returnable: false,
    urgeCount: 0,
    touched: true,
    version: 1,
    urgedAt: null,
    supervisedAt: null,
  };
  const fresh = await ctx.inbox.store.insert(child);
  const after = await ctx.update(
    t,
    { touched: true },
    { push: { pendingSigners: target.id } },
    ctx.event(u, 'task.signer-added', t, { signer: target.id, childTaskId: child._id, opinion: comment ?? null }),
  );
  await ctx.tell([target.id], t, {
    key: `sign:${child._id}`,
    kind: 'task.add-signer',
    title: `【加签】${t.name}`,
    body: `${u.name}请您对“${t.title}”签署意见。${comment ?? ''}`,
    taskId: child._id,
  });
  if (fresh) ctx.inbox.emit(child, 'created');
  return after;
}

export async function sign(ctx: ActContext, u: UserDto, t: TaskDoc, data: Record<string, unknown>): Promise<TaskDoc> {
  const opinion = typeof data.opinion === 'string' ? data.opinion.trim() : '';
  const agree = data.agree;
  if (Object.keys(data).some((k) => k !== 'opinion' && k !== 'agree') || !opinion || opinion.length > 2000 || typeof agree !== 'boolean') {
    throw userError('FORM_INVALID', '加签需填写意见（opinion）并表明是否同意（agree）', 'An added signature needs an opinion and agree: true/false', {
      status: 422,
    });
  }
  // The step stops waiting first, then the signature with its audit event in one write: a crash
  // never leaves the step waiting for a signature that was given.
  if (t.parentTaskId) await ctx.settle(t.parentTaskId, { pull: { pendingSigners: u.id } }, (p) => p.status === 'open');
  return ctx.update(
    t,
    { status: 'completed', completedAt: new Date(), completedBy: u.id, outcome: agree ? 'agree' : 'disagree', opinion },
    {},
    ctx.event(u, 'task.signed', t, { opinion, agree, parentTaskId: t.parentTaskId }),
  );
}
