/**
 * What every act on a task shares: the caller's right (the same answer that drives the buttons),
 * the refusal that says why not, the guarded write, the audit event, and the people it concerns.
 * Each family of acts (claim, hand over, complete and return, signers, withdraw, notes) is a
 * module of functions over this context.
 */
import type { Model } from 'mongoose';
import { AppError, conflict, userError, type UserDto } from '@ggzy/shared';
import type { AuditInput, AuditService } from '../../audit/audit.service';
import type { Notifier } from '../../notifications/notifier';
import { peopleModels } from '../../people/user.model';
import { toUserDto } from '../../people/auth.service';
import { forbidden } from '../../http/auth-context';
import { instanceMetaModel, type InstanceMetaDoc } from '../../instances/instance.model';
import { ccModel, type CcDoc } from '../../cc/cc.model';
import { Comments } from '../../comments/comments';
import { InstanceStates } from '../../instances/instance-states';
import type { InboxService } from '../inbox.service';
import type { TaskDoc } from '../task.model';
import type { TaskChange } from '../store/task-store';
import { HOLDING_ACTIONS, isCandidate, ownRequest, type TaskAction } from '../task-access';

export class ActContext {
  private readonly people;
  readonly Meta: Model<InstanceMetaDoc>;
  readonly states: InstanceStates;
  readonly Cc: Model<CcDoc>;
  readonly comments: Comments;

  constructor(
    readonly inbox: InboxService,
    readonly audit: AuditService,
    readonly notifier: Notifier,
    readonly opts: { urgeIntervalMs: number },
  ) {
    this.people = peopleModels(inbox.db);
    this.Meta = instanceMetaModel(inbox.db);
    this.states = new InstanceStates(inbox.db);
    this.Cc = ccModel(inbox.db);
    this.comments = new Comments(inbox.db);
    inbox.store.useAudit(audit, (err) => inbox.logger.error({ err }, 'an audit event waits to be chained; trying again'));
  }

  async require(u: UserDto, id: string, action: TaskAction): Promise<TaskDoc> {
    const { task, actions } = await this.inbox.load(u, id);
    if (!actions.includes(action)) throw this.refusal(task, u, action);
    return task;
  }

  /** Why an action is not allowed: 409 when the task's state stands in the way of someone entitled, else 403. */
  refusal(t: TaskDoc, u: UserDto, action: TaskAction) {
    if (t.status !== 'open' && action !== 'comment' && action !== 'cc')
      return conflict('TASK_NOT_OPEN', '任务已办结或已取消', 'The task is already completed or canceled');
    const mine = t.assignee === u.id;
    if (ownRequest(t, u) && HOLDING_ACTIONS.includes(action)) return separation();
    if (t.unrouted && !t.assignee && u.roles.includes('admin'))
      return forbidden('此环节流程图未指定办理人，管理员只能将其转办给同事', 'The diagram offers this step to nobody: admins may only hand it to a colleague');
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
   * The engine is told who holds the task. The inbox decides who may act on it, so an engine that
   * cannot take the assignment now does not undo the claim; it is logged.
   */
  async syncAssignee(id: string, assignee: string | null): Promise<void> {
    await this.inbox.engine.assignUserTask(id, assignee).catch((err: unknown) => {
      this.inbox.logger.warn({ err, task: id, assignee }, 'the engine did not take the assignment');
    });
  }

  /**
   * The guarded write: applies only if nobody changed the task since it was read. With `audit`,
   * the act's audit event is stored with the change (see TaskStore.change).
   */
  async update(t: TaskDoc, set: TaskChange['set'], more: Omit<TaskChange, 'set'> = {}, audit?: AuditInput): Promise<TaskDoc> {
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
  async settle(id: string, ch: TaskChange, when: (t: TaskDoc) => boolean = () => true): Promise<TaskDoc | null> {
    for (let i = 0; i < 10; i++) {
      const t = await this.inbox.store.get(id);
      if (!t || !when(t)) return null;
      const after = await this.inbox.store.change(id, t.version, ch, { anyStatus: true });
      if (after) return after;
    }
    return null;
  }

  /** A colleague who may take the task `t` (or a part in it) from `u`. */
  async colleague(id: string, u: UserDto, t?: TaskDoc): Promise<UserDto> {
    const doc = await this.people.User.findById(id).lean();
    if (!doc || !doc.active || doc.roles.includes('external')) {
      throw userError('USER_NOT_FOUND', `找不到可接收任务的同事：${id}`, `No colleague who can take tasks: ${id}`, { status: 422 });
    }
    if (doc._id === u.id) throw userError('SELF_TARGET', '不能选择自己', 'You cannot choose yourself', { status: 422 });
    if (t && ownRequest(t, { id: doc._id })) throw separation(422);
    return toUserDto(doc);
  }

  /** The audit event of an act on a task. */
  event(u: UserDto, action: string, t: TaskDoc, data: Record<string, unknown> = {}): AuditInput {
    return { actor: u.id, action, instanceId: t.instanceId, taskId: t._id, data: { taskName: t.name, ...data } };
  }

  log(u: UserDto, action: string, t: TaskDoc, data: Record<string, unknown> = {}) {
    return this.audit.append(this.event(u, action, t, data));
  }

  async notifyOwners(t: TaskDoc, key: string, kind: string, title: string, body: string): Promise<number> {
    const to = t.assignee ? { users: [t.assignee] } : { users: t.candidateUsers, groups: t.candidateGroups };
    return this.notifier.send({ key, ...to, kind, title, body, instanceId: t.instanceId, taskId: t._id });
  }

  /** Tell people of an act on a task (`taskId`: the task it is about, when not `t` itself). */
  tell(users: string[], t: TaskDoc, n: { key: string; kind: string; title: string; body: string; taskId?: string }): Promise<number> {
    return this.notifier.send({ users, instanceId: t.instanceId, taskId: n.taskId ?? t._id, key: n.key, kind: n.kind, title: n.title, body: n.body });
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

/** The refusal of separation of duties: nobody checks or approves their own request. */
function separation(status = 403) {
  return new AppError({
    code: 'SEPARATION_OF_DUTIES',
    status,
    zh: '不能审查或审批自己提交的申请或自己起草的文稿',
    en: 'Nobody holds a check, review or approval step of their own request or draft',
  });
}
