/**
 * What people do to tasks: claim, unclaim, complete (approve / return with an opinion), transfer,
 * delegate and resolve, add a signer, CC, urge, withdraw, comment. Each checks the caller's right,
 * then changes one document guarded by the state it read (`version`), so of two people acting at
 * the same moment exactly one wins and the other gets a 409. Every change leaves an audit event.
 */
import { randomUUID } from 'node:crypto';
import { conflict, userError, type UserDto } from '@ggzy/shared';
import type { AuditInput, AuditService } from '../audit/audit.service';
import type { Notifier } from '../notifications/notifier';
import { peopleModels } from '../people/user.model';
import { toUserDto } from '../people/auth.service';
import { fieldWithRole, validateFormData } from '../forms/form-validator';
import { forbidden } from '../http/auth-context';
import type { InboxService } from './inbox.service';
import type { TaskDoc } from './task.model';
import type { TaskChange } from './task-store';
import { isCandidate, type TaskAction } from './task-access';

export class TaskActions {
  private readonly people;

  constructor(
    private readonly inbox: InboxService,
    private readonly audit: AuditService,
    private readonly notifier: Notifier,
    private readonly opts: { urgeIntervalMs: number },
  ) {
    this.people = peopleModels(inbox.db);
    inbox.store.useAudit(audit, (err) => inbox.logger.error({ err }, 'an audit event waits to be chained; trying again'));
    inbox.onCompletionVoid = (t) =>
      this.audit
        .append({
          actor: t.completedBy ?? 'system',
          action: 'task.completion-void',
          instanceId: t.instanceId,
          taskId: t._id,
          data: { taskName: t.name, reason: 'the flow had already left this step before the completion reached it' },
        })
        .then(() => undefined);
  }

  private async require(u: UserDto, id: string, action: TaskAction): Promise<TaskDoc> {
    const { task, actions } = await this.inbox.load(u, id);
    if (!actions.includes(action)) throw this.refusal(task, u, action);
    return task;
  }

  /** Why an action is not allowed: 409 when the task's state stands in the way of someone entitled, else 403. */
  private refusal(t: TaskDoc, u: UserDto, action: TaskAction) {
    if (t.status !== 'open' && action !== 'comment' && action !== 'cc')
      return conflict('TASK_NOT_OPEN', '任务已办结或已取消', 'The task is already completed or canceled');
    const mine = t.assignee === u.id;
    if (action === 'claim' && t.assignee && isCandidate(t, u))
      return conflict('TASK_ALREADY_CLAIMED', `任务已被 ${t.assignee} 认领`, `The task is already claimed by ${t.assignee}`);
    if ((action === 'complete' || action === 'return') && mine && t.pendingSigners.length) {
      return conflict(
        'SIGNERS_PENDING',
        `还有加签人未办理：${t.pendingSigners.join('、')}`,
        `Added signers have not signed yet: ${t.pendingSigners.join(', ')}`,
      );
    }
    if (action === 'return' && mine && !t.returnable) return userError('RETURN_NOT_ALLOWED', '此环节不能退回', 'This step cannot be returned', { status: 409 });
    if ((action === 'complete' || action === 'return') && !t.assignee && isCandidate(t, u))
      return conflict('TASK_NOT_CLAIMED', '请先认领任务', 'Claim the task first');
    if (action === 'withdraw' && t.starter === u.id && t.touched) {
      return conflict('TASK_TOUCHED', '下一环节已有人处理，不能撤回', 'Someone has already acted on the next step; it cannot be withdrawn');
    }
    return forbidden(`无权对此任务执行“${ACTION_NAMES[action]}”`, `You may not ${action} this task`);
  }

  /**
   * On a cluster, Zeebe is told who holds the task. The inbox decides who may act on it, so a
   * cluster that cannot take the assignment now does not undo the claim; it is logged.
   */
  private async syncAssignee(id: string, assignee: string | null): Promise<void> {
    if (this.inbox.engine.mode !== 'cluster') return;
    await this.inbox.engine.assignUserTask(id, assignee).catch((err: unknown) => {
      this.inbox.logger.warn({ err, task: id, assignee }, 'the cluster did not take the assignment');
    });
  }

  /**
   * The guarded write: applies only if nobody changed the task since it was read. With `audit`,
   * the act's audit event is stored with the change (see TaskStore.change).
   */
  private async update(t: TaskDoc, set: TaskChange['set'], more: Omit<TaskChange, 'set'> = {}, audit?: AuditInput): Promise<TaskDoc> {
    const after = await this.inbox.store.change(t._id, t.version, { set, ...more }, {}, audit);
    if (!after) {
      const now = await this.inbox.store.get(t._id);
      if (now?.status === 'open' && now.assignee && now.assignee !== t.assignee) {
        throw conflict('TASK_ALREADY_CLAIMED', `任务已被 ${now.assignee} 认领`, `The task was just claimed by ${now.assignee}`);
      }
      throw conflict('TASK_CHANGED', '任务刚被他人处理，请刷新后重试', 'Someone else just changed this task; reload and try again');
    }
    this.inbox.emit(after, 'updated');
    return after;
  }

  /** A change that must land eventually (not a user's race): re-read and retry a few times. */
  private async settle(id: string, ch: TaskChange, when: (t: TaskDoc) => boolean = () => true): Promise<TaskDoc | null> {
    for (let i = 0; i < 10; i++) {
      const t = await this.inbox.store.get(id);
      if (!t || !when(t)) return null;
      const after = await this.inbox.store.change(id, t.version, ch, { anyStatus: true });
      if (after) return after;
    }
    return null;
  }

  private async colleague(id: string, u: UserDto): Promise<UserDto> {
    const doc = await this.people.User.findById(id).lean();
    if (!doc || !doc.active || doc.roles.includes('external')) {
      throw userError('USER_NOT_FOUND', `找不到可接收任务的同事：${id}`, `No colleague who can take tasks: ${id}`, { status: 422 });
    }
    if (doc._id === u.id) throw userError('SELF_TARGET', '不能选择自己', 'You cannot choose yourself', { status: 422 });
    return toUserDto(doc);
  }

  /** The audit event of an act on a task. */
  private event(u: UserDto, action: string, t: TaskDoc, data: Record<string, unknown> = {}): AuditInput {
    return { actor: u.id, action, instanceId: t.instanceId, taskId: t._id, data: { taskName: t.name, ...data } };
  }

  private log(u: UserDto, action: string, t: TaskDoc, data: Record<string, unknown> = {}) {
    return this.audit.append(this.event(u, action, t, data));
  }

  async claim(u: UserDto, id: string): Promise<TaskDoc> {
    const t = await this.require(u, id, 'claim');
    const after = await this.update(
      t,
      { assignee: u.id, claimedAt: new Date(), touched: true },
      {},
      this.event(u, 'task.claimed', t, { before: { assignee: null }, after: { assignee: u.id } }),
    );
    await this.syncAssignee(id, u.id);
    return after;
  }

  async unclaim(u: UserDto, id: string): Promise<TaskDoc> {
    const t = await this.require(u, id, 'unclaim');
    const after = await this.update(
      t,
      { assignee: null, claimedAt: null },
      {},
      this.event(u, 'task.unclaimed', t, { before: { assignee: u.id }, after: { assignee: null } }),
    );
    await this.syncAssignee(id, null);
    return after;
  }

  /** 退回: complete with the form's decision set to `return` and the opinion in the form's opinion field. */
  returnTask(u: UserDto, id: string, opinion: string, data: Record<string, unknown> = {}): Promise<TaskDoc> {
    return this.complete(u, id, data, 'return', opinion);
  }

  async complete(u: UserDto, id: string, data: Record<string, unknown>, mode: 'complete' | 'return' = 'complete', returnOpinion?: string): Promise<TaskDoc> {
    const t = await this.require(u, id, mode);
    if (t.kind === 'add-sign') return this.sign(u, t, data);
    const vars = await this.inbox.store.variables(t._id);
    let values = data;
    let outcome: string | null = null;
    let opinion: string | null = null;
    if (t.formId) {
      const { form } = await this.inbox.forms.get(t.formId);
      const decision = fieldWithRole(form, 'decision');
      const op = fieldWithRole(form, 'opinion');
      if (mode === 'return')
        values = { ...data, ...(decision?.key && { [decision.key]: 'return' }), ...(op?.key && returnOpinion !== undefined && { [op.key]: returnOpinion }) };
      values = validateFormData(form, values, vars);
      outcome = decision?.key ? String(values[decision.key] ?? '') || null : null;
      opinion = op?.key && typeof values[op.key] === 'string' ? (values[op.key] as string) : null;
    } else if (Object.keys(data).length) {
      throw userError('FORM_INVALID', '此任务没有表单，不接受数据', 'This task has no form and takes no data', { status: 422 });
    }

    if (t.delegationState === 'pending' && t.owner) {
      // 委派: the delegate's answer goes back to the owner, who completes the task.
      const after = await this.update(t, { assignee: t.owner, delegationState: 'resolved', draft: JSON.stringify(values) });
      await this.log(u, 'task.delegation-resolved', t, { opinion, proposal: values, after: { assignee: t.owner } });
      await this.notifier.send({
        key: `resolved:${t._id}:${t.version}`,
        users: [t.owner],
        kind: 'task.resolved',
        title: `【委派已办理】${t.name}`,
        body: `${u.name}已办理委派的任务“${t.title}”，请审定。`,
        instanceId: t.instanceId,
        taskId: t._id,
      });
      return after;
    }

    const variables = { ...values, [`${t.elementId}By`]: u.id, [`${t.elementId}ByName`]: u.name };
    const now = new Date();
    const after = await this.update(t, { status: 'completed', completedAt: now, completedBy: u.id, outcome, opinion, result: JSON.stringify(variables) });
    // Recorded before the engine moves on, so the trail reads in the order things happened.
    await this.log(u, mode === 'return' ? 'task.returned' : 'task.completed', t, { outcome, opinion, values });
    try {
      await this.inbox.engine.completeUserTask(id, variables);
    } catch (err) {
      if ((err as { code?: string }).code === 'TASK_NOT_OPEN') {
        // Voided once: the engine's cancel event may have done it already (InboxService.onTaskEnded).
        if (await this.settle(id, { set: { status: 'canceled', result: null } }, (x) => x.status === 'completed')) {
          await this.log(u, 'task.completion-void', t, { reason: 'the flow had already left this step' });
        }
        throw conflict('TASK_NOT_OPEN', '流程已越过此环节（如超时或被撤回），提交未生效', 'The flow has already moved past this step; nothing was submitted');
      }
      // The inbox has the completion; a cluster that cannot take it now gets it from the catch-up.
      if ((err as { code?: string }).code !== 'TASK_BUSY') throw err;
    }
    if (typeof values.classification === 'string') {
      await this.inbox.Meta.updateOne({ _id: t.instanceId }, { $set: { classification: values.classification } });
      await this.inbox.store.changeAll({ instanceId: t.instanceId }, { set: { classification: values.classification } });
    }
    return after;
  }

  private async sign(u: UserDto, t: TaskDoc, data: Record<string, unknown>): Promise<TaskDoc> {
    const opinion = typeof data.opinion === 'string' ? data.opinion.trim() : '';
    const agree = data.agree;
    if (Object.keys(data).some((k) => k !== 'opinion' && k !== 'agree') || !opinion || opinion.length > 2000 || typeof agree !== 'boolean') {
      throw userError('FORM_INVALID', '加签需填写意见（opinion）并表明是否同意（agree）', 'An added signature needs an opinion and agree: true/false', {
        status: 422,
      });
    }
    const after = await this.update(t, { status: 'completed', completedAt: new Date(), completedBy: u.id, outcome: agree ? 'agree' : 'disagree', opinion });
    if (t.parentTaskId) await this.settle(t.parentTaskId, { pull: { pendingSigners: u.id } }, (p) => p.status === 'open');
    await this.log(u, 'task.signed', t, { opinion, agree, parentTaskId: t.parentTaskId });
    return after;
  }

  async transfer(u: UserDto, id: string, to: string, comment?: string): Promise<TaskDoc> {
    const t = await this.require(u, id, 'transfer');
    const target = await this.colleague(to, u);
    // A step offered to certain groups (e.g. leaders' sign-off) may only be handed to someone the diagram offers it to.
    if ((t.candidateGroups.length || t.candidateUsers.length) && !isCandidate(t, target)) {
      throw userError(
        'TRANSFER_TARGET_NOT_ELIGIBLE',
        `${target.name}不在此环节的办理范围内，不能转办给他`,
        `${target.name} is not among those this step is offered to`,
        { status: 422 },
      );
    }
    const after = await this.update(
      t,
      { assignee: target.id, claimedAt: new Date(), touched: true, owner: null, delegationState: null },
      {},
      this.event(u, 'task.transferred', t, { before: { assignee: t.assignee ?? null }, after: { assignee: target.id }, opinion: comment ?? null }),
    );
    await this.syncAssignee(id, target.id);
    await this.notifier.send({
      key: `transfer:${t._id}:${after.version}`,
      users: [target.id],
      kind: 'task.transferred',
      title: `【转办】${t.name}`,
      body: `${u.name}将任务“${t.title}”转办给您。${comment ?? ''}`,
      instanceId: t.instanceId,
      taskId: t._id,
    });
    return after;
  }

  async delegate(u: UserDto, id: string, to: string, comment?: string): Promise<TaskDoc> {
    const t = await this.require(u, id, 'delegate');
    const target = await this.colleague(to, u);
    const after = await this.update(
      t,
      { assignee: target.id, owner: u.id, delegationState: 'pending' },
      {},
      this.event(u, 'task.delegated', t, { before: { assignee: u.id }, after: { assignee: target.id, owner: u.id }, opinion: comment ?? null }),
    );
    await this.notifier.send({
      key: `delegate:${t._id}:${after.version}`,
      users: [target.id],
      kind: 'task.delegated',
      title: `【委派】${t.name}`,
      body: `${u.name}委派您办理“${t.title}”，办理后将交回。${comment ?? ''}`,
      instanceId: t.instanceId,
      taskId: t._id,
    });
    return after;
  }

  async addSigner(u: UserDto, id: string, to: string, comment?: string): Promise<TaskDoc> {
    const t = await this.require(u, id, 'add-signer');
    const target = await this.colleague(to, u);
    if (t.pendingSigners.includes(target.id)) throw conflict('ALREADY_SIGNER', `${target.name}已是加签人`, `${target.name} is already an added signer`);
    const after = await this.update(t, { touched: true }, { push: { pendingSigners: target.id } });
    const child: TaskDoc = {
      ...t,
      _id: randomUUID(),
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
    await this.inbox.store.insert(child);
    await this.log(u, 'task.signer-added', t, { signer: target.id, childTaskId: child._id, opinion: comment ?? null });
    await this.notifier.send({
      key: `sign:${child._id}`,
      users: [target.id],
      kind: 'task.add-signer',
      title: `【加签】${t.name}`,
      body: `${u.name}请您对“${t.title}”签署意见。${comment ?? ''}`,
      instanceId: t.instanceId,
      taskId: child._id,
    });
    this.inbox.emit(child, 'created');
    return after;
  }

  async cc(u: UserDto, id: string, users: string[], note?: string): Promise<{ added: string[] }> {
    const t = await this.require(u, id, 'cc');
    const added: string[] = [];
    for (const uid of users) {
      const target = await this.colleague(uid, u);
      try {
        await this.inbox.extra.Cc.create({
          _id: `${t._id}:${target.id}`,
          taskId: t._id,
          instanceId: t.instanceId,
          userId: target.id,
          from: u.id,
          note,
          at: new Date(),
          readAt: null,
        });
        added.push(target.id);
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
      }
    }
    if (added.length) {
      await this.log(u, 'task.cc', t, { to: added, opinion: note ?? null });
      await this.notifier.send({
        key: `cc:${t._id}:${Date.now()}`,
        users: added,
        kind: 'task.cc',
        title: `【抄送】${t.title}`,
        body: `${u.name}抄送给您：${t.name}。${note ?? ''}`,
        instanceId: t.instanceId,
        taskId: t._id,
      });
    }
    return { added };
  }

  /** 催办 by a person; the SLA monitor urges through `urgeBySystem`. */
  async urge(u: UserDto, id: string, note?: string): Promise<TaskDoc> {
    const t = await this.require(u, id, 'urge');
    if (t.lastUrgedAt && Date.now() - t.lastUrgedAt.getTime() < this.opts.urgeIntervalMs) {
      throw userError('URGED_RECENTLY', '刚刚催办过，请稍后再催', 'This task was urged a moment ago; try again later', { status: 429 });
    }
    const after = await this.update(t, { lastUrgedAt: new Date() }, { inc: { urgeCount: 1 } });
    await this.notifyOwners(t, `urge:${t._id}:${after.urgeCount}`, 'task.urged', `【催办】${t.name}`, `${u.name}催办“${t.title}”，请尽快办理。${note ?? ''}`);
    await this.log(u, 'task.urged', t, { opinion: note ?? null });
    return after;
  }

  async notifyOwners(t: TaskDoc, key: string, kind: string, title: string, body: string): Promise<number> {
    const to = t.assignee ? { users: [t.assignee] } : { users: t.candidateUsers, groups: t.candidateGroups };
    return this.notifier.send({ key, ...to, kind, title, body, instanceId: t.instanceId, taskId: t._id });
  }

  /** 撤回: the starter takes the request back while nobody has touched the next step. */
  async withdraw(u: UserDto, id: string, reason?: string): Promise<void> {
    const t = await this.require(u, id, 'withdraw');
    const others = await this.inbox.store.find({ instanceId: t.instanceId });
    const actedOn = others.some((x) => x.touched || (x.status === 'completed' && x.completedBy !== u.id));
    if (actedOn) throw this.refusal({ ...t, touched: true }, u, 'withdraw');
    await this.update(t, { touched: true });
    await this.inbox.Meta.updateOne({ _id: t.instanceId }, { $set: { state: 'withdrawn', endedAt: new Date() } });
    await this.inbox.engine.cancelInstance(t.instanceId);
    await this.inbox.store.changeAll({ instanceId: t.instanceId, status: 'open' }, { set: { status: 'canceled', completedAt: new Date() } });
    await this.log(u, 'instance.withdrawn', t, { opinion: reason ?? null });
  }

  async comment(u: UserDto, id: string, text: string) {
    const t = await this.require(u, id, 'comment');
    const c = { _id: randomUUID(), instanceId: t.instanceId, taskId: t._id, author: u.id, authorName: u.name, text, at: new Date() };
    await this.inbox.extra.Comment.create(c);
    if (t.status === 'open' && !t.touched && u.id !== t.starter) await this.settle(t._id, { set: { touched: true } }, (x) => x.status === 'open');
    await this.log(u, 'task.commented', t, { opinion: text });
    return { id: c._id, author: c.author, authorName: c.authorName, text: c.text, at: c.at.toISOString(), taskId: t._id };
  }
}

export const ACTION_NAMES: Record<TaskAction, string> = {
  claim: '认领',
  unclaim: '释放',
  complete: '办理',
  return: '退回',
  transfer: '转办',
  delegate: '委派',
  'add-signer': '加签',
  cc: '抄送',
  urge: '催办',
  withdraw: '撤回',
  comment: '评论',
};
