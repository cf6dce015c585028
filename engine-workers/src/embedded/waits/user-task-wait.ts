/** A user task: written to the engine's task collection when live, completed by the inbox, applied here. */
import { resolveList, resolveString, resolveValue } from '../../diagram/feel';
import type { ElementApi } from '../bpmn-elements-types';
import type { InstanceRunner } from '../instance-runner';
import type { Waiter } from '../waiters';
import { insertIfAbsent, type WaitKind } from './wait-kind';

type UserTaskWaiter = Waiter & { kind: 'userTask' };

export function waitUserTask(inst: InstanceRunner, api: ElementApi): void {
  inst.usedCollections = true;
  const w: Waiter = { kind: 'userTask', executionId: api.executionId, elementId: api.id, content: api.content, api, taskKey: `${inst.key}:${api.executionId}` };
  inst.waiters.add(w);
  inst.track(inst.check(w));
}

function userTaskFields(inst: InstanceRunner, w: UserTaskWaiter) {
  const z = inst.compiled.zeebe.get(w.elementId);
  const ctx = inst.contextFor(w.content);
  const due = resolveString(z?.schedule?.dueDate, ctx);
  const follow = resolveString(z?.schedule?.followUpDate, ctx);
  const priority = Number(resolveValue(z?.priority, ctx) ?? 50);
  return {
    instanceKey: inst.key,
    processId: inst.def.processId,
    processVersion: inst.def.version,
    executionId: w.executionId,
    elementId: w.elementId,
    name: inst.compiled.names.get(w.elementId),
    status: 'created' as const,
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
    const { UserTask } = inst.host.models;
    const doc = await UserTask.findById(w.taskKey).lean();
    if (!inst.waiters.has(w)) return;
    // Not written yet: it is, once the state that waits for it is (see activate).
    if (!doc) return inst.toActivate(w);
    if (doc.status === 'completed') {
      inst.waiters.delete(w);
      if (!doc.applied) inst.track(UserTask.updateOne({ _id: doc._id }, { $set: { applied: true } }));
      const result = doc.result ? (JSON.parse(doc.result) as Record<string, unknown>) : {};
      inst.applyResult(w.content, result);
      w.api.signal(result);
    }
  },

  async activate(inst, w) {
    // An insert (not an update): on FerretDB 1.x an update by _id reads the whole table.
    const doc = { _id: w.taskKey, ...userTaskFields(inst, w) };
    if (await insertIfAbsent(inst.host.models.UserTask.collection, doc)) inst.emitLater('userTask.created', doc);
  },

  cancel(inst, w) {
    inst.track(
      inst.host.models.UserTask.findOneAndUpdate(
        { _id: w.taskKey, status: 'created' },
        { $set: { status: 'canceled', completedAt: new Date() } },
        { returnDocument: 'after' },
      )
        .lean()
        .then((doc) => doc && inst.emitLater('userTask.canceled', doc)),
    );
  },
};
