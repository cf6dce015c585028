/**
 * bpmn-elements' Definition for one loaded instance, wired to the Zeebe glue: FEEL for every
 * expression (Zeebe's rule: `=` starts FEEL, anything else is a literal), FEEL script tasks,
 * timers that run inside the instance's actor, and the engine events the runner listens to.
 */
import * as Elements from 'bpmn-elements';
import { isFeel } from '../diagram/feel';
import type { ElementApi, ExecuteMessage, MessageContent } from './bpmn-elements-types';
import type { InstanceRunner } from './instance-runner';
import { RUNTIME_OPTION } from './runtime-context';

/** The part of bpmn-elements' Definition used here. */
export interface BpmnDefinition {
  run(opts: { processId: string }): void;
  recover(state: never): void;
  resume(): void;
  stop(): void;
  getState(): unknown;
  getPostponed(): unknown[];
  environment: { timers: { executing: Array<{ expireAt: Date }> } };
  broker: { subscribeTmp(exchange: string, pattern: string, fn: never, opts: Record<string, unknown>): void };
}

export type EngineEventHandler = (routingKey: string, message: ExecuteMessage, owner: { getApi(m: unknown): ElementApi }) => void;

const noopLogger = () => ({ debug() {}, error() {}, warn() {} });

export function createDefinition(inst: InstanceRunner, onEvent: EngineEventHandler): BpmnDefinition {
  let startTimerFired = false;
  const environment = new Elements.Environment({
    Logger: noopLogger as never,
    // Non-strict: an error a job throws reaches error boundary events by code. Technical errors never
    // reach the engine (they become incidents), so catch-all boundaries only see BPMN errors.
    settings: { strict: false },
    variables: {},
    expressions: {
      resolveExpression: (expr: unknown, from: { content?: MessageContent }) => inst.resolveForEngine(expr, from?.content),
      isExpression: (text: unknown) => isFeel(text),
      hasExpression: (text: unknown) => isFeel(text),
    } as never,
    scripts: {
      register() {},
      getScript: (_language: string, activity: { id: string; type?: string }) => {
        // Only script tasks: sequence-flow conditions are FEEL expressions, not scripts.
        if (activity.type !== 'bpmn:ScriptTask') return undefined;
        return {
          execute: (executionContext: { content: MessageContent; fields: ExecuteMessage['fields'] }, callback: (err: unknown, out?: unknown) => void) => {
            inst.executeScript(activity.id, executionContext as unknown as ExecuteMessage, callback);
          },
        };
      },
    } as never,
    timers: new Elements.Timers({
      setTimeout: (fn: (...a: unknown[]) => void, delay: number, ...args: unknown[]) => {
        const first = args[0] as { id?: string } | undefined;
        // The timer of a timer start event fires at once: the occurrence is already due.
        const immediate = inst.meta.startElementId && first?.id === inst.meta.startElementId && !startTimerFired;
        if (immediate) startTimerFired = true;
        const handle = setTimeout(
          () => {
            inst.host.fire(inst.key, async (loaded) => {
              if (loaded !== inst || inst.stopped) return;
              fn(...args);
              await inst.host.afterTimer(inst);
            });
          },
          immediate ? 0 : delay,
        );
        handle.unref?.();
        return handle;
      },
      clearTimeout: (h: NodeJS.Timeout) => clearTimeout(h),
    } as never),
    ...{ [RUNTIME_OPTION]: inst },
  } as never);
  const context = new (Elements.Context as unknown as new (c: unknown, e: unknown) => unknown)(inst.compiled.context, environment);
  const definition = new (Elements.Definition as unknown as new (c: unknown) => BpmnDefinition)(context);
  const listen: EngineEventHandler = (routingKey, message, owner) => {
    if (!inst.stopped) onEvent(routingKey, message, owner);
  };
  for (const key of ['activity.wait', 'activity.call', 'activity.catch', 'activity.leave', 'definition.leave', 'definition.error']) {
    definition.broker.subscribeTmp('event', key, listen as never, { noAck: true });
  }
  return definition;
}

/** The elements where tokens of a running definition are now (a flow waiting at a join counts as its gateway). */
export function waitingElements(definition: BpmnDefinition): Set<string> {
  const ids = new Set<string>();
  const walk = (items: Array<{ id: string; type?: string; content?: { targetId?: string }; getPostponed?: () => unknown[] }>) => {
    for (const a of items) {
      if (a.type === 'bpmn:Process') walk((a.getPostponed?.() ?? []) as never);
      else if (a.type === 'bpmn:SequenceFlow') {
        if (a.content?.targetId) ids.add(a.content.targetId);
      } else ids.add(a.id);
    }
  };
  walk(definition.getPostponed() as never);
  return ids;
}
