/**
 * How the inbox hears from Zeebe: at deploy time the cluster adapter adds, to every Camunda user
 * task, `creating`, `completing` and `canceling` task listeners, and to every executable process an `end`
 * execution listener. Zeebe turns each into a job of the types below; the adapter activates those
 * jobs over the Orchestration Cluster REST API (whose job record carries the user task's key,
 * assignee, candidates, due date and priority) and completes the job only after the inbox has
 * stored what it learnt. Zeebe waits for a `creating` listener before the task exists, so a task
 * is never open in Zeebe and missing in the inbox; a lost job is simply activated again.
 *
 * The diagrams in `processes/` stay free of these technical listeners: admins draw business steps.
 */
import BpmnModdle from 'bpmn-moddle';
import { userError } from '@ggzy/shared';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const zeebeDescriptor = require('zeebe-bpmn-moddle/resources/zeebe.json');

export const INBOX_TASK_LISTENER = 'ggzy.inbox.user-task';
export const INBOX_PROCESS_END_LISTENER = 'ggzy.inbox.process-end';

interface El {
  $type: string;
  id?: string;
  isExecutable?: boolean;
  extensionElements?: { values?: El[] };
  flowElements?: El[];
  [key: string]: unknown;
}

type Moddle = {
  create(type: string, attrs?: Record<string, unknown>): El;
  fromXML(xml: string): Promise<{ rootElement: El }>;
  toXML(el: El, opts?: { format?: boolean }): Promise<{ xml: string }>;
};

function extensions(moddle: Moddle, el: El): El[] {
  if (!el.extensionElements) el.extensionElements = moddle.create('bpmn:ExtensionElements', { values: [] }) as El['extensionElements'];
  const ext = el.extensionElements!;
  ext.values ??= [];
  return ext.values;
}

function addListeners(
  moddle: Moddle,
  el: El,
  container: 'zeebe:TaskListeners' | 'zeebe:ExecutionListeners',
  entries: Array<{ eventType: string; type: string }>,
) {
  const values = extensions(moddle, el);
  let holder = values.find((v) => v.$type === container);
  if (!holder) {
    holder = moddle.create(container, { listeners: [] });
    values.push(holder);
  }
  const listeners = ((holder.listeners as El[] | undefined) ?? (holder.listeners = [])) as El[];
  const item = container === 'zeebe:TaskListeners' ? 'zeebe:TaskListener' : 'zeebe:ExecutionListener';
  for (const e of entries) {
    if (listeners.some((l) => l.eventType === e.eventType && l.type === e.type)) continue;
    listeners.push(moddle.create(item, { eventType: e.eventType, type: e.type, retries: '10' }));
  }
}

function walk(moddle: Moddle, scope: El, counts: { userTasks: number }): void {
  for (const el of scope.flowElements ?? []) {
    if (el.$type === 'bpmn:UserTask' && (el.extensionElements?.values ?? []).some((v) => v.$type === 'zeebe:UserTask')) {
      addListeners(moddle, el, 'zeebe:TaskListeners', [
        { eventType: 'creating', type: INBOX_TASK_LISTENER },
        { eventType: 'completing', type: INBOX_TASK_LISTENER },
        { eventType: 'canceling', type: INBOX_TASK_LISTENER },
      ]);
      counts.userTasks++;
    }
    if (el.flowElements) walk(moddle, el, counts);
  }
}

/** The diagram as deployed to Zeebe: the same XML plus the inbox's listeners. */
export async function withInboxListeners(xml: string): Promise<{ xml: string; userTasks: number }> {
  const moddle = new BpmnModdle({ zeebe: zeebeDescriptor }) as unknown as Moddle;
  let root: El;
  try {
    root = (await moddle.fromXML(xml.trim())).rootElement;
  } catch (err) {
    throw userError('BPMN_PARSE_ERROR', `BPMN 文件无法解析：${(err as Error).message}`, `BPMN XML cannot be parsed: ${(err as Error).message}`);
  }
  const counts = { userTasks: 0 };
  for (const re of (root.rootElements as El[] | undefined) ?? []) {
    if (re.$type !== 'bpmn:Process' || re.isExecutable === false) continue;
    addListeners(moddle, re, 'zeebe:ExecutionListeners', [{ eventType: 'end', type: INBOX_PROCESS_END_LISTENER }]);
    walk(moddle, re, counts);
  }
  return { xml: (await moddle.toXML(root, { format: true })).xml, userTasks: counts.userTasks };
}
