/** Deploying to Zeebe: the same checks as the embedded engine, the inbox's listeners added, the drawn XML kept. */
import { notFound, type ProcessDefinitionSummary } from '@ggzy/shared';
import { readDiagram, type DiagramInfo } from '../diagram/diagram-reader';
import type { DefinitionDetail, DeployResult } from '../port/engine-port';
import type { ClusterDefinitionDoc } from './cluster-models';
import type { ClusterContext } from './cluster-context';
import { withInboxListeners } from './inbox-listeners';

export async function deploy(ctx: ClusterContext, resources: { name: string; content: string }[]): Promise<DeployResult> {
  // Zeebe tells resources apart by their file name's ending.
  const diagrams = resources.filter((r) => !r.name.endsWith('.form')).map((r) => (/\.(bpmn|xml)$/i.test(r.name) ? r : { ...r, name: `${r.name}.bpmn` }));
  const forms = resources.filter((r) => r.name.endsWith('.form'));
  // The same checks as the embedded engine (one bad resource deploys nothing), then the listeners.
  const prepared: Array<{ r: { name: string; content: string }; c: DiagramInfo; deployed: string }> = [];
  for (const r of diagrams) {
    const c = (await readDiagram(r.content)).info;
    prepared.push({ r, c, deployed: (await withInboxListeners(r.content)).xml });
  }
  const response = await ctx.grpc.deployResources([
    ...prepared.map((p) => ({ name: p.r.name, process: Buffer.from(p.deployed) })),
    ...forms.map((f) => ({ name: f.name, form: Buffer.from(f.content) })),
  ]);
  const out: DeployResult = { processes: [] };
  const deployments = (response as { deployments?: Array<{ process?: Record<string, unknown> }> }).deployments ?? [];
  for (const d of deployments) {
    if (!d.process) continue;
    const p = d.process as { bpmnProcessId: string; version: number; processDefinitionKey: string | number; resourceName: string };
    const source = prepared.find((x) => x.r.name === p.resourceName) ?? prepared.find((x) => x.c.processes.some((q) => q.id === p.bpmnProcessId));
    if (!source) continue;
    const key = String(p.processDefinitionKey);
    const doc: ClusterDefinitionDoc = {
      _id: key,
      processId: p.bpmnProcessId,
      version: Number(p.version),
      name: source.c.processes.find((q) => q.id === p.bpmnProcessId)?.name,
      resourceName: p.resourceName,
      xml: source.r.content,
      deployedAt: new Date(),
    };
    const existing = await ctx.models.Definition.findById(key).lean();
    if (!existing) await ctx.models.Definition.create(doc).catch((err: { code?: number }) => (err.code === 11000 ? undefined : Promise.reject(err)));
    ctx.compiled.set(key, Promise.resolve(source.c));
    out.processes.push(toSummary(existing ?? doc));
  }
  return out;
}

export async function listDefinitions(ctx: ClusterContext): Promise<ProcessDefinitionSummary[]> {
  const docs = await ctx.models.Definition.find({}).select('-xml').sort({ processId: 1, version: -1 }).lean();
  return docs.map(toSummary);
}

export async function getDefinition(ctx: ClusterContext, key: string): Promise<DefinitionDetail> {
  const d = await ctx.models.Definition.findById(key).lean();
  if (!d) throw notFound('Process definition', '流程定义', key);
  return { ...toSummary(d), xml: d.xml };
}

function toSummary(d: Omit<ClusterDefinitionDoc, 'xml'> & { xml?: string }): ProcessDefinitionSummary {
  return {
    key: d._id,
    processId: d.processId,
    name: d.name,
    version: d.version,
    resourceName: d.resourceName,
    deployedAt: d.deployedAt.toISOString(),
  };
}
