/**
 * Turns a BPMN XML resource into what the embedded engine runs: read once (diagram-reader.ts),
 * then serialized for bpmn-elements with the Zeebe behaviours plugged in, and shared by every
 * instance of that version.
 */
import * as Elements from 'bpmn-elements';
import serializer, { TypeResolver } from 'moddle-context-serializer';
import { JOB_TASKS, readDiagram, type DiagramInfo } from '../diagram/diagram-reader';
import { ZeebeExclusiveGateway } from './zeebe-gateway';
import { ZeebeMultiInstance } from './zeebe-multi-instance';
import { ZeebeJobService } from './runtime-context';

export interface CompiledDefinition extends DiagramInfo {
  /** Serialized context shared by every instance (bpmn-elements `Context` source). */
  context: unknown;
}

export async function compileDefinition(xml: string): Promise<CompiledDefinition> {
  const { info, parsed } = await readDiagram(xml);
  const compiled: CompiledDefinition = { ...info, context: undefined };
  const typeResolver = TypeResolver({ ...Elements, ExclusiveGateway: ZeebeExclusiveGateway, MultiInstanceLoopCharacteristics: ZeebeMultiInstance } as never);
  compiled.context = serializer(parsed as never, typeResolver);
  // Multi-instance: bpmn-elements reads `collection`/`elementVariable` from the loop behaviour.
  const ctx = compiled.context as { getActivityById(id: string): { behaviour: { loopCharacteristics?: { behaviour: Record<string, unknown> } } } | undefined };
  for (const [id, z] of compiled.zeebe) {
    const activity = ctx.getActivityById(id);
    if (activity && JOB_TASKS.has(compiled.elementTypes.get(id) ?? '')) (activity.behaviour as Record<string, unknown>).Service = ZeebeJobService;
    if (!z.loop) continue;
    const loopBehaviour = activity?.behaviour.loopCharacteristics?.behaviour;
    if (loopBehaviour) {
      loopBehaviour.collection = z.loop.inputCollection;
      loopBehaviour.elementVariable = z.loop.inputElement ?? 'item';
    }
  }
  return compiled;
}
