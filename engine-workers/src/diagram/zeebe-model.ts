/**
 * Reads the Zeebe extension elements of one BPMN element into a typed shape. Done once per
 * deployment and cached, so a running instance never walks extension elements again.
 */

export interface IoParam {
  source: string;
  target: string;
}

export interface ZeebeInfo {
  taskDefinition?: { type: string; retries: string };
  taskHeaders: Record<string, string>;
  inputs: IoParam[];
  outputs: IoParam[];
  userTask: boolean;
  assignment?: { assignee?: string; candidateGroups?: string; candidateUsers?: string };
  schedule?: { dueDate?: string; followUpDate?: string };
  form?: { formKey?: string; formId?: string; externalReference?: string };
  priority?: string;
  calledElement?: { processId?: string; propagateAllChildVariables: boolean; propagateAllParentVariables: boolean };
  loop?: { inputCollection?: string; inputElement?: string; outputCollection?: string; outputElement?: string };
  script?: { expression: string; resultVariable?: string };
}

interface ModdleLike {
  $type: string;
  [key: string]: unknown;
}

function values(extensionElements: unknown): ModdleLike[] {
  const ext = extensionElements as { values?: ModdleLike[] } | undefined;
  return ext?.values ?? [];
}

export function readZeebe(extensionElements: unknown, loopExtensionElements?: unknown): ZeebeInfo {
  const info: ZeebeInfo = { taskHeaders: {}, inputs: [], outputs: [], userTask: false };
  for (const v of values(extensionElements)) {
    switch (v.$type) {
      case 'zeebe:TaskDefinition':
        info.taskDefinition = { type: String(v.type ?? ''), retries: String(v.retries ?? '3') };
        break;
      case 'zeebe:TaskHeaders':
        for (const h of (v.values as ModdleLike[] | undefined) ?? []) info.taskHeaders[String(h.key)] = String(h.value ?? '');
        break;
      case 'zeebe:IoMapping':
        for (const p of (v.inputParameters as ModdleLike[] | undefined) ?? [])
          info.inputs.push({ source: String(p.source ?? ''), target: String(p.target ?? '') });
        for (const p of (v.outputParameters as ModdleLike[] | undefined) ?? [])
          info.outputs.push({ source: String(p.source ?? ''), target: String(p.target ?? '') });
        break;
      case 'zeebe:UserTask':
        info.userTask = true;
        break;
      case 'zeebe:AssignmentDefinition':
        info.assignment = {
          assignee: v.assignee as string | undefined,
          candidateGroups: v.candidateGroups as string | undefined,
          candidateUsers: v.candidateUsers as string | undefined,
        };
        break;
      case 'zeebe:TaskSchedule':
        info.schedule = { dueDate: v.dueDate as string | undefined, followUpDate: v.followUpDate as string | undefined };
        break;
      case 'zeebe:FormDefinition':
        info.form = {
          formKey: v.formKey as string | undefined,
          formId: v.formId as string | undefined,
          externalReference: v.externalReference as string | undefined,
        };
        break;
      case 'zeebe:PriorityDefinition':
        info.priority = v.priority as string | undefined;
        break;
      case 'zeebe:CalledElement':
        info.calledElement = {
          processId: (v.processId as string | undefined) ?? (v.processIdExpression as string | undefined),
          propagateAllChildVariables: v.propagateAllChildVariables !== false && v.propagateAllChildVariables !== 'false',
          propagateAllParentVariables: v.propagateAllParentVariables !== false && v.propagateAllParentVariables !== 'false',
        };
        break;
      case 'zeebe:Script':
        info.script = { expression: String(v.expression ?? ''), resultVariable: v.resultVariable as string | undefined };
        break;
    }
  }
  for (const v of values(loopExtensionElements)) {
    if (v.$type === 'zeebe:LoopCharacteristics') {
      info.loop = {
        inputCollection: v.inputCollection as string | undefined,
        inputElement: v.inputElement as string | undefined,
        outputCollection: v.outputCollection as string | undefined,
        outputElement: v.outputElement as string | undefined,
      };
    }
  }
  return info;
}
