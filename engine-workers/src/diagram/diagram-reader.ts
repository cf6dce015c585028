/**
 * Reads a BPMN XML resource in the Zeebe dialect, for both adapters: parsed once, checked
 * against the set of elements the system runs (anything else is refused with the element named,
 * on a cluster too, so the same diagrams run in both modes), and what the engines and the API
 * need read out — processes, Zeebe extensions, messages, error catches, names.
 */
import BpmnModdle from 'bpmn-moddle';
import { isNcName, userError } from '@ggzy/shared';
import { readZeebe, type ZeebeInfo } from './zeebe-model';
import { checkDiagramLimits } from './diagram-limits';

// zeebe-bpmn-moddle ships no JS entry: its descriptor is the whole package.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const zeebeDescriptor = require('zeebe-bpmn-moddle/resources/zeebe.json');

export interface MessageInfo {
  id: string;
  name: string;
  correlationKey?: string;
}

export interface TimerStartInfo {
  elementId: string;
  kind: 'timeDate' | 'timeCycle' | 'timeDuration';
  value: string;
}

export interface ProcessInfo {
  id: string;
  name?: string;
  hasNoneStart: boolean;
  /** Form of the none start event (`zeebe:formDefinition formId`), the 发起 form. */
  startFormId?: string;
  /** `zeebe:properties` of the process, e.g. who may start it. */
  properties: Record<string, string>;
  timerStarts: TimerStartInfo[];
}

export interface DiagramInfo {
  definitionsId: string;
  processes: ProcessInfo[];
  zeebe: Map<string, ZeebeInfo>;
  /** Element id → its name, for task names and the timeline. */
  names: Map<string, string>;
  messages: Map<string, MessageInfo>;
  /** Catch event / receive task id → id of the message it waits for. */
  elementMessage: Map<string, string>;
  /** Activity id → error codes caught on it or on an enclosing scope ('*' = catch all). */
  errorCatch: Map<string, Set<string>>;
  /** Element id → its BPMN type (bpmn:ServiceTask, …). */
  elementTypes: Map<string, string>;
  taskTypes: Set<string>;
}

export interface ModdleElement {
  $type: string;
  id?: string;
  name?: string;
  [key: string]: unknown;
}

const SUPPORTED = new Set([
  'bpmn:StartEvent',
  'bpmn:EndEvent',
  'bpmn:IntermediateCatchEvent',
  'bpmn:IntermediateThrowEvent',
  'bpmn:BoundaryEvent',
  'bpmn:ServiceTask',
  'bpmn:SendTask',
  'bpmn:BusinessRuleTask',
  'bpmn:ScriptTask',
  'bpmn:UserTask',
  'bpmn:ReceiveTask',
  'bpmn:ManualTask',
  'bpmn:Task',
  'bpmn:ExclusiveGateway',
  'bpmn:ParallelGateway',
  'bpmn:EventBasedGateway',
  'bpmn:InclusiveGateway',
  'bpmn:SubProcess',
  'bpmn:CallActivity',
  'bpmn:SequenceFlow',
  'bpmn:TextAnnotation',
  'bpmn:Association',
  'bpmn:Group',
  'bpmn:DataObject',
  'bpmn:DataObjectReference',
  'bpmn:DataStoreReference',
]);

/** Tasks that create a job for a worker. */
export const JOB_TASKS = new Set(['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask']);

function refuse(element: ModdleElement, why: string, whyZh: string): never {
  const name = element.name ? ` "${element.name}"` : '';
  throw userError(
    'BPMN_UNSUPPORTED_ELEMENT',
    `元素 ${element.id ?? '?'}${name}（${element.$type}）无法执行：${whyZh}`,
    `Element ${element.id ?? '?'}${name} (${element.$type}) cannot be executed: ${why}`,
    { hint: 'Change the element in the modeler or pick a supported construct; see README "Supported BPMN".', details: { elementId: element.id } },
  );
}

function eventDefinitionTypes(el: ModdleElement): string[] {
  return ((el.eventDefinitions as ModdleElement[] | undefined) ?? []).map((d) => d.$type);
}

function extensionValues(el: ModdleElement): ModdleElement[] {
  return (el.extensionElements as { values?: ModdleElement[] } | undefined)?.values ?? [];
}

function zeebeProperties(el: ModdleElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of extensionValues(el)) {
    if (v.$type !== 'zeebe:Properties') continue;
    for (const p of (v.properties as ModdleElement[] | undefined) ?? []) if (p.name) out[String(p.name)] = String(p.value ?? '');
  }
  return out;
}

/**
 * Parse BPMN XML as bpmn-js and Camunda Modeler do (bpmn-moddle with the Zeebe extension). Unknown
 * extension elements and attributes pass; anything that would drop part of the diagram (an id
 * moddle refuses, an unparsable BPMN element, a dangling reference) is refused, naming what.
 */
export async function parseBpmn(xml: string): Promise<{ rootElement: ModdleElement; warnings: Array<{ message: string }> }> {
  checkDiagramLimits(xml);
  const moddle = new BpmnModdle({ zeebe: zeebeDescriptor });
  let parsed: { rootElement: ModdleElement; warnings: Array<{ message: string }> };
  try {
    parsed = (await moddle.fromXML(xml.trim())) as unknown as typeof parsed;
  } catch (err) {
    throw userError('BPMN_PARSE_ERROR', `BPMN 文件无法解析：${(err as Error).message}`, `BPMN XML cannot be parsed: ${(err as Error).message}`);
  }
  const illegal = parsed.warnings.map((w) => /illegal ID <([^>]*)>/.exec(w.message)?.[1]).find((id) => id !== undefined);
  if (illegal !== undefined) throw invalidId(illegal);
  const serious = parsed.warnings.filter((w) => {
    if (/unknown attribute/i.test(w.message)) return false;
    const prefix = /unparsable content <([a-z]+):/i.exec(w.message)?.[1];
    return !prefix || ['bpmn', 'bpmndi', 'dc', 'di'].includes(prefix);
  });
  if (serious.length) {
    const msg = serious.map((w) => w.message).join('; ');
    throw userError('BPMN_PARSE_ERROR', `BPMN 文件有错误：${msg}`, `BPMN XML has errors: ${msg}`);
  }
  if (parsed.rootElement?.$type !== 'bpmn:Definitions') {
    throw userError('BPMN_PARSE_ERROR', 'BPMN 文件的根元素必须是 definitions', 'The root element must be bpmn:definitions');
  }
  return parsed;
}

function invalidId(id: string) {
  return userError(
    'BPMN_INVALID_ID',
    `标识“${id}”不合规：须以英文字母或下划线开头，只含英文字母、数字、_ . -，不超过 100 个字符`,
    `The id "${id}" is not valid: a letter or _ first, then letters, digits, _ . -, at most 100 characters`,
    { details: { elementId: id, rule: 'element-id' } },
  );
}

/** The parsed diagram (moddle's tree) and what was read from it. */
export async function readDiagram(xml: string): Promise<{ info: DiagramInfo; parsed: unknown }> {
  const parsed = await parseBpmn(xml);
  const root = parsed.rootElement;

  const compiled: DiagramInfo = {
    definitionsId: String(root.id ?? 'definitions'),
    processes: [],
    zeebe: new Map(),
    names: new Map(),
    messages: new Map(),
    elementMessage: new Map(),
    errorCatch: new Map(),
    elementTypes: new Map(),
    taskTypes: new Set(),
  };

  const rootElements = (root.rootElements as ModdleElement[] | undefined) ?? [];
  for (const re of rootElements) {
    if (re.$type === 'bpmn:Message') {
      const sub = ((re.extensionElements as { values?: ModdleElement[] } | undefined)?.values ?? []).find((v) => v.$type === 'zeebe:Subscription');
      compiled.messages.set(String(re.id), {
        id: String(re.id),
        name: String(re.name ?? re.id),
        correlationKey: sub?.correlationKey as string | undefined,
      });
    }
  }

  for (const re of rootElements) {
    if (re.$type !== 'bpmn:Process' || re.isExecutable === false) continue;
    if (!isNcName(re.id)) throw invalidId(String(re.id));
    const info: ProcessInfo = { id: String(re.id), name: re.name, hasNoneStart: false, properties: zeebeProperties(re), timerStarts: [] };
    walkScope(re, [], compiled, info, true);
    compiled.processes.push(info);
  }
  if (!compiled.processes.length) {
    throw userError(
      'BPMN_NO_EXECUTABLE_PROCESS',
      'BPMN 文件中没有可执行的流程（isExecutable="true"）',
      'The resource has no executable process (isExecutable="true")',
    );
  }

  return { info: compiled, parsed };
}

function walkScope(scope: ModdleElement, catchStack: Set<string>[], compiled: DiagramInfo, proc: ProcessInfo, isProcess: boolean): void {
  const flowElements = (scope.flowElements as ModdleElement[] | undefined) ?? [];
  // Error boundary events of the activities in this scope.
  const boundaryCatch = new Map<string, Set<string>>();
  for (const el of flowElements) {
    if (el.$type !== 'bpmn:BoundaryEvent') continue;
    for (const d of (el.eventDefinitions as ModdleElement[] | undefined) ?? []) {
      if (d.$type !== 'bpmn:ErrorEventDefinition') continue;
      const attached = (el.attachedToRef as ModdleElement | undefined)?.id;
      if (!attached) continue;
      const set = boundaryCatch.get(attached) ?? new Set<string>();
      const code = (d.errorRef as ModdleElement | undefined)?.errorCode as string | undefined;
      set.add(code ?? '*');
      boundaryCatch.set(attached, set);
    }
  }

  for (const el of flowElements) {
    const id = String(el.id);
    compiled.elementTypes.set(id, el.$type);
    if (el.name) compiled.names.set(id, String(el.name));
    if (!SUPPORTED.has(el.$type)) refuse(el, 'this element type is not supported by the embedded engine', '内置引擎不支持此类元素');
    const z = readZeebe(el.extensionElements, (el.loopCharacteristics as ModdleElement | undefined)?.extensionElements);
    compiled.zeebe.set(id, z);
    const defs = eventDefinitionTypes(el);

    if (el.loopCharacteristics) {
      const lc = el.loopCharacteristics as ModdleElement;
      if (lc.$type !== 'bpmn:MultiInstanceLoopCharacteristics')
        refuse(el, 'standard loops are not supported, use multi-instance', '不支持标准循环，请使用多实例');
      if (!z.loop?.inputCollection) refuse(el, 'multi-instance needs zeebe:loopCharacteristics inputCollection', '多实例需要设置 inputCollection');
    }

    switch (el.$type) {
      case 'bpmn:StartEvent': {
        if (!isProcess) {
          if (defs.length) refuse(el, 'event start inside a sub-process (event sub-process) is not supported', '不支持子流程中的事件开始');
          break;
        }
        if (!defs.length) {
          proc.hasNoneStart = true;
          const form = extensionValues(el).find((v) => v.$type === 'zeebe:FormDefinition');
          if (form?.formId) proc.startFormId = String(form.formId);
        } else if (defs.length === 1 && defs[0] === 'bpmn:TimerEventDefinition') {
          const t = (el.eventDefinitions as ModdleElement[])[0];
          const kind = (['timeDate', 'timeCycle', 'timeDuration'] as const).find((k) => t[k]);
          const body = kind ? ((t[kind] as ModdleElement).body as string | undefined) : undefined;
          if (!kind || !body) refuse(el, 'the timer has no value', '定时器没有设置时间');
          proc.timerStarts.push({ elementId: id, kind, value: body });
        } else refuse(el, `start event with ${defs.join(', ')} is not supported`, `不支持此类开始事件：${defs.join(', ')}`);
        break;
      }
      case 'bpmn:EndEvent':
        for (const d of defs) {
          if (d !== 'bpmn:ErrorEventDefinition' && d !== 'bpmn:TerminateEventDefinition')
            refuse(el, `end event with ${d} is not supported`, `不支持此类结束事件：${d}`);
        }
        break;
      case 'bpmn:IntermediateThrowEvent':
        if (defs.length) refuse(el, `intermediate throw event with ${defs.join(', ')} is not supported`, `不支持此类中间抛出事件`);
        break;
      case 'bpmn:IntermediateCatchEvent':
      case 'bpmn:BoundaryEvent':
        if (defs.length !== 1) refuse(el, 'exactly one event definition is required', '必须有且仅有一个事件定义');
        if (el.$type === 'bpmn:IntermediateCatchEvent' && !['bpmn:TimerEventDefinition', 'bpmn:MessageEventDefinition'].includes(defs[0]))
          refuse(el, `${defs[0]} is not supported`, `不支持 ${defs[0]}`);
        if (el.$type === 'bpmn:BoundaryEvent' && !['bpmn:TimerEventDefinition', 'bpmn:MessageEventDefinition', 'bpmn:ErrorEventDefinition'].includes(defs[0]))
          refuse(el, `${defs[0]} is not supported`, `不支持 ${defs[0]}`);
        checkEventDefinition(el, compiled);
        break;
      case 'bpmn:ServiceTask':
      case 'bpmn:SendTask':
      case 'bpmn:BusinessRuleTask':
        if (!z.taskDefinition?.type) refuse(el, 'a job-based task needs zeebe:taskDefinition with a type', '服务任务需要设置 zeebe:taskDefinition 的 type');
        break;
      case 'bpmn:ScriptTask':
        if (!z.taskDefinition?.type && !z.script?.expression)
          refuse(el, 'a script task needs zeebe:script (FEEL) or zeebe:taskDefinition', '脚本任务需要 zeebe:script 或 zeebe:taskDefinition');
        break;
      case 'bpmn:ReceiveTask':
        checkMessageRef(el, el.messageRef as ModdleElement | undefined, compiled);
        break;
      case 'bpmn:CallActivity':
        if (!z.calledElement?.processId) refuse(el, 'a call activity needs zeebe:calledElement processId', '调用活动需要设置 zeebe:calledElement 的 processId');
        break;
      case 'bpmn:SubProcess':
        if (el.triggeredByEvent) refuse(el, 'event sub-processes are not supported', '不支持事件子流程');
        break;
    }
    if (z.taskDefinition?.type && !z.taskDefinition.type.startsWith('=')) compiled.taskTypes.add(z.taskDefinition.type);
    if (
      JOB_TASKS.has(el.$type) ||
      el.$type === 'bpmn:ScriptTask' ||
      el.$type === 'bpmn:UserTask' ||
      el.$type === 'bpmn:CallActivity' ||
      el.$type === 'bpmn:SubProcess'
    ) {
      const own = boundaryCatch.get(id);
      const merged = new Set<string>(own ?? []);
      for (const s of catchStack) for (const c of s) merged.add(c);
      compiled.errorCatch.set(id, merged);
    }
    if (el.$type === 'bpmn:SubProcess') {
      const own = boundaryCatch.get(id) ?? new Set<string>();
      walkScope(el, [own, ...catchStack], compiled, proc, false);
    }
  }
}

function checkEventDefinition(el: ModdleElement, compiled: DiagramInfo): void {
  const d = (el.eventDefinitions as ModdleElement[])[0];
  if (d.$type === 'bpmn:MessageEventDefinition') checkMessageRef(el, d.messageRef as ModdleElement | undefined, compiled);
  if (d.$type === 'bpmn:TimerEventDefinition') {
    const kind = (['timeDate', 'timeCycle', 'timeDuration'] as const).find((k) => d[k]);
    if (!kind || !(d[kind] as ModdleElement).body) refuse(el, 'the timer has no value', '定时器没有设置时间');
  }
}

function checkMessageRef(el: ModdleElement, ref: ModdleElement | undefined, compiled: DiagramInfo): void {
  if (!ref?.id) refuse(el, 'a message catch needs a message reference', '消息捕获需要引用消息');
  const msg = compiled.messages.get(String(ref.id));
  compiled.elementMessage.set(String(el.id), String(ref.id));
  if (!msg?.correlationKey)
    refuse(el, `message ${ref.id} needs zeebe:subscription correlationKey`, `消息 ${ref.id} 需要设置 zeebe:subscription 的 correlationKey`);
}
