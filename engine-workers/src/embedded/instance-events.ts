/**
 * What an instance does when its bpmn-elements Definition tells of a step: a task or message to
 * wait for, a child to call, a BPMN error caught (its variables through the catching event's
 * output mappings), an element left (its waits closed), the end.
 */
import type { ElementApi, ExecuteMessage } from './bpmn-elements-types';
import type { InstanceRunner } from './instance-runner';
import { waitKindOf } from './waits';
import { waitCall } from './waits/call-wait';
import { waitMessage } from './waits/message-wait';
import { waitUserTask } from './waits/user-task-wait';

export function onEngineEvent(inst: InstanceRunner, routingKey: string, message: ExecuteMessage, owner: { getApi(m: unknown): ElementApi }): void {
  const content = message.content;
  switch (routingKey) {
    case 'activity.wait': {
      const api = owner.getApi(message);
      if (content.type === 'bpmn:UserTask') return waitUserTask(inst, api);
      if (content.type === 'bpmn:ManualTask' || content.type === 'bpmn:Task') return api.signal();
      if (inst.compiled.messages.size) return waitMessage(inst, api);
      return;
    }
    case 'activity.call':
      return waitCall(inst, owner.getApi(message));
    case 'activity.catch': {
      // An error boundary caught: the error's variables are its result. With output mappings only
      // those leave it (they also see `errorCode` and `errorMessage`); without, all merge.
      const error = (content as { error?: { code?: string; message?: string } }).error;
      if (content.type !== 'bpmn:ErrorEventDefinition' || !content.attachedTo || !error) return;
      const caught = inst.caughtError;
      inst.caughtError = null;
      const z = inst.compiled.zeebe.get(content.id);
      const variables = caught?.variables ?? {};
      const result = z?.outputs.length
        ? { errorCode: caught?.code ?? error.code ?? null, errorMessage: caught?.message ?? error.message ?? null, ...variables }
        : variables;
      inst.applyResult(content, result);
      return;
    }
    case 'activity.leave':
      for (const w of inst.waiters.byElement(content.id)) {
        inst.waiters.delete(w);
        waitKindOf(w).cancel(inst, w);
      }
      return;
    case 'definition.leave':
      if (!inst.ended) inst.ended = 'completed';
      return;
    case 'definition.error': {
      const err = (content as { error?: { message?: string } }).error;
      inst.ended = 'failed';
      inst.endError = err?.message ?? 'engine error';
      inst.host.logger.error({ instance: inst.key, error: inst.endError }, 'instance failed');
      return;
    }
  }
}
