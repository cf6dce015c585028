/**
 * The flows people can start, read from the deployed diagrams themselves: the start form
 * (`zeebe:formDefinition` on the none start event) and who may start (`zeebe:property
 * starterGroups` on the process). An admin who redraws a diagram changes both without code.
 */
import { readDiagram, type EnginePort } from '@ggzy/engine-workers';
import { notFound, type FlowEntry, type ProcessDefinitionSummary, type UserDto } from '@ggzy/shared';

export type { FlowEntry };

export class FlowCatalog {
  private readonly compiled = new Map<string, Promise<{ startFormId?: string; properties: Record<string, string>; hasNoneStart: boolean }>>();

  constructor(private readonly engine: EnginePort) {}

  /** What the diagram of a deployed version says of its process: start form and properties. */
  info(key: string, processId: string) {
    let p = this.compiled.get(key);
    if (!p) {
      p = this.engine.getDefinition(key).then(async (d) => {
        const c = (await readDiagram(d.xml)).info;
        const proc = c.processes.find((x) => x.id === processId)!;
        return { startFormId: proc.startFormId, properties: proc.properties, hasNoneStart: proc.hasNoneStart };
      });
      this.compiled.set(key, p);
      p.catch(() => this.compiled.delete(key));
    }
    return p;
  }

  async latestVersions(): Promise<ProcessDefinitionSummary[]> {
    const latest = new Map<string, ProcessDefinitionSummary>();
    for (const d of await this.engine.listDefinitions()) {
      const cur = latest.get(d.processId);
      if (!cur || d.version > cur.version) latest.set(d.processId, d);
    }
    return [...latest.values()];
  }

  async list(u: UserDto): Promise<FlowEntry[]> {
    const out: FlowEntry[] = [];
    for (const d of await this.latestVersions()) {
      const i = await this.info(d.key, d.processId);
      const starterGroups = (i.properties.starterGroups ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      out.push({
        processId: d.processId,
        name: d.name ?? d.processId,
        version: d.version,
        definitionKey: d.key,
        ...(i.startFormId && { startFormId: i.startFormId }),
        starterGroups,
        ...(i.properties.category && { category: i.properties.category }),
        startable: i.hasNoneStart && mayStart(u, starterGroups),
      });
    }
    return out.sort((a, b) => a.processId.localeCompare(b.processId));
  }

  async entry(u: UserDto, processId: string): Promise<FlowEntry> {
    const e = (await this.list(u)).find((x) => x.processId === processId);
    if (!e) throw notFound('Process', '流程', processId);
    return e;
  }
}

/**
 * Who may start a flow: the groups its diagram names (`starterGroups`), and nobody else — admins
 * included, unless the diagram names `admin`. A diagram that names none (one just drawn) may be
 * started by admins only, to try it.
 */
export function mayStart(u: UserDto, starterGroups: string[]): boolean {
  if (!starterGroups.length) return u.roles.includes('admin');
  return starterGroups.some((g) => u.groups.includes(g));
}
