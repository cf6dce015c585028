/**
 * 办理 and 退回: complete a step with its form (a delegate's answer goes back to the owner), or
 * return it with an opinion. The completion is stored before the engine moves on.
 */
import { conflict, userError, type UserDto } from '@ggzy/shared';
import { fieldWithRole, validateFormData } from '../../forms/form-validator';
import type { TaskDoc } from '../task.model';
import type { ActContext } from './act-context';
import { isClassified } from '../task-access';
import { sign } from './signers.acts';

/** 退回: complete with the form's decision set to `return` and the opinion in the form's opinion field. */
export function returnTask(ctx: ActContext, u: UserDto, id: string, opinion: string, data: Record<string, unknown> = {}): Promise<TaskDoc> {
  return complete(ctx, u, id, data, 'return', opinion);
}

export async function complete(
  ctx: ActContext,
  u: UserDto,
  id: string,
  data: Record<string, unknown>,
  mode: 'complete' | 'return' = 'complete',
  returnOpinion?: string,
): Promise<TaskDoc> {
  const t = await ctx.require(u, id, mode);
  if (t.kind === 'add-sign') return sign(ctx, u, t, data);
  const vars = await ctx.inbox.store.variables(t._id);
  let values = data;
  let outcome: string | null = null;
  let opinion: string | null = null;
  if (t.formId) {
    const { form } = await ctx.inbox.forms.get(t.formId);
    const decision = fieldWithRole(form, 'decision');
    const op = fieldWithRole(form, 'opinion');
    if (mode === 'return')
      values = { ...data, ...(decision?.key && { [decision.key]: 'return' }), ...(op?.key && returnOpinion !== undefined && { [op.key]: returnOpinion }) };
    values = validateFormData(form, values, { ...vars, ...(await ctx.inbox.optionsOf(u, form)) });
    outcome = decision?.key ? String(values[decision.key] ?? '') || null : null;
    opinion = op?.key && typeof values[op.key] === 'string' ? (values[op.key] as string) : null;
    // Who wrote it, for the steps that must be held by someone else (`separateFrom`).
    if (t.holderAs) values = { ...values, [t.holderAs]: u.id };
  } else if (Object.keys(data).length) {
    throw userError('FORM_INVALID', '此任务没有表单，不接受数据', 'This task has no form and takes no data', { status: 422 });
  }

  if (t.delegationState === 'pending' && t.owner) {
    // 委派: the delegate's answer goes back to the owner, who completes the task.
    // One write with its audit event: a crash cannot keep the one without the other.
    const after = await ctx.update(
      t,
      { assignee: t.owner, delegationState: 'resolved', draft: JSON.stringify(values) },
      {},
      ctx.event(u, 'task.delegation-resolved', t, { opinion, proposal: values, after: { assignee: t.owner } }),
    );
    await ctx.tell([t.owner], t, {
      key: `resolved:${t._id}:${t.version}`,
      kind: 'task.resolved',
      title: `【委派已办理】${t.name}`,
      body: `${u.name}已办理委派的任务“${t.title}”，请审定。`,
    });
    return after;
  }

  const variables = { ...values, [`${t.elementId}By`]: u.id, [`${t.elementId}ByName`]: u.name };
  const now = new Date();
  // One write with its audit event (recorded before the engine moves on, so the trail reads in the
  // order things happened; a crash cannot keep the completion without its event).
  const after = await ctx.update(
    t,
    { status: 'completed', completedAt: now, completedBy: u.id, outcome, opinion, result: JSON.stringify(variables) },
    {},
    ctx.event(u, mode === 'return' ? 'task.returned' : 'task.completed', t, { outcome, opinion, values }),
  );
  try {
    await ctx.inbox.engine.completeUserTask(id, variables);
    ctx.inbox.store.engineConfirmed(id);
  } catch (err) {
    if ((err as { code?: string }).code === 'TASK_NOT_OPEN') {
      // Voided once: the engine's cancel event may have done it already (InboxService.onTaskEnded).
      if (await ctx.settle(id, { set: { status: 'canceled', result: null } }, (x) => x.status === 'completed')) {
        await ctx.log(u, 'task.completion-void', t, { reason: 'the flow had already left this step' });
      }
      throw conflict('TASK_NOT_OPEN', '流程已越过此环节（如超时或被撤回），提交未生效', 'The flow has already moved past this step; nothing was submitted');
    }
    // The inbox has the completion; a cluster that cannot take it now gets it from the catch-up.
    if ((err as { code?: string }).code !== 'TASK_BUSY') throw err;
  }
  if (typeof values.classification === 'string') {
    // (left out of the monitor's pages first, so a stop in between never shows it to those who may not see it)
    if (isClassified({ classification: values.classification })) await ctx.states.lists.noteClassified(t.instanceId);
    await ctx.Meta.updateOne({ _id: t.instanceId }, { $set: { classification: values.classification } });
    await ctx.inbox.store.changeAll({ instanceId: t.instanceId }, { set: { classification: values.classification } });
  }
  return after;
}
