/**
 * A user task: kept in its instance's runtime document while open (so it is live exactly when
 * the state that waits for it is written), completed by an outcome `t:<task key>`.
 */
import { resolveList, resolveString, resolveValue } from '../../diagram/feel';
import type { ElementApi } from '../bpmn-elements-types';
import type { InstanceRunner } from '../instance-runner';
import type { OpenTask } from '../models';
import type { Waiter } from '../waiters';
import type { WaitKind } from './wait-kind';

type UserTaskWaiter = Waiter & { kind: 'userTask' };

export function waitUserTask(inst: InstanceRunner, api: ElementApi): void {
  const w: UserTaskWaiter = {
    kind: 'userTask',
    executionId: api.executionId,
    elementId: api.id,
    content: api.content,
    api,
    taskKey: `${inst.key}:${api.executionId}`,
  };
  inst.waiters.add(w);
  if (inst.tasks.has(w.taskKey)) {
    inst.track(userTaskWait.check(inst, w)); // resumed: it may have been completed meanwhile
    return;
  }
  const task = openTask(inst, w);
  inst.tasks.set(task.key, task);
  inst.openWait({ id: `t:${task.key}` });
  inst.emitLater('userTask.created', inst.taskRecord(task));
}

function openTask(inst: InstanceRunner, w: UserTaskWaiter): OpenTask {
  const z = inst.compiled.zeebe.get(w.elementId);
  const ctx = inst.contextFor(w.content);
  const due = resolveString(z?.schedule?.dueDate, ctx);
  const follow = resolveString(z?.schedule?.followUpDate, ctx);
  const priority = Number(resolveValue(z?.priority, ctx) ?? 50);
  return {
    key: w.taskKey,
    executionId: w.executionId,
    elementId: w.elementId,
    name: inst.compiled.names.get(w.elementId),
    processVersion: inst.def.version,
    assignee: resolveString(z?.assignment?.assignee, ctx) ?? null,
    candidateGroups: resolveList(z?.assignment?.candidateGroups, ctx),
    candidateUsers: resolveList(z?.assignment?.candidateUsers, ctx),
    dueDate: due ? new Date(due) : null,
    followUpDate: follow ? new Date(follow) : null,
    formKey: z?.form?.formKey,
    formId: z?.form?.formId,
    priority: Number.isFinite(priority) ? priority : 50,
    customHeaders: z?.taskHeaders ?? {},
    variables: JSON.stringify(ctx),
    createdAt: new Date(),
  };
}

export const userTaskWait: WaitKind<UserTaskWaiter> = {
  async check(inst, w) {
    const outcome = await inst.findOutcome(`t:${w.taskKey}`);
    if (!outcome || !inst.waiters.has(w)) return;
    inst.waiters.delete(w);
    const task = inst.tasks.get(w.taskKey);
    inst.tasks.delete(w.taskKey);
    inst.closeWait(outcome._id, true);
    inst.trail.push({
      kind: 'userTask',
      key: w.taskKey,
      elementId: w.elementId,
      name: task?.name,
      status: 'completed',
      createdAt: task?.createdAt,
      endedAt: outcome.at,
    });
    const result = JSON.parse(outcome.payload) as Record<string, unknown>;
    inst.applyResult(w.content, result);
    w.api.signal(result);
  },

  async activate() {},

  cancel(inst, w) {
    const task = inst.tasks.get(w.taskKey);
    if (!task) return;
    inst.tasks.delete(w.taskKey);
    // A completion that came too late (the step was left meanwhile) is dropped with the task.
    inst.closeWait(`t:${w.taskKey}`, true);
    inst.trail.push({
      kind: 'userTask',
      key: task.key,
      elementId: task.elementId,
      name: task.name,
      status: 'canceled',
      createdAt: task.createdAt,
      endedAt: new Date(),
    });
    inst.emitLater('userTask.canceled', { ...inst.taskRecord(task), status: 'canceled' });
  },
};
