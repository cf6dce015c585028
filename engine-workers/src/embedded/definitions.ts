/**
 * Deployed process versions: stored with their XML, compiled once per version and cached. A
 * resource whose content is unchanged keeps its version; every change is a new version, and new
 * instances take the latest while running ones finish on theirs.
 */
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { notFound, type ProcessDefinitionSummary } from '@ggzy/shared';
import type { DefinitionDetail, DeployResult } from '../port/engine-port';
import { compileDefinition, type CompiledDefinition } from './definition-compiler';
import type { CompiledEntry } from './instance-runner';
import type { DefinitionDoc, EngineModels } from './models';
import type { TimerStarts } from './timer-starts';

export class Definitions {
  private readonly compiledCache = new Map<string, Promise<CompiledEntry>>();
  private readonly latest = new Map<string, { doc: DefinitionDoc; at: number }>();

  constructor(
    private readonly models: EngineModels,
    private readonly timerStarts: TimerStarts,
  ) {}

  async deploy(resources: { name: string; content: string }[]): Promise<DeployResult> {
    const out: DeployResult = { processes: [] };
    const compiled: Array<{ r: { name: string; content: string }; c: CompiledDefinition }> = [];
    // Compile everything first so that one bad resource deploys nothing.
    for (const r of resources) compiled.push({ r, c: await compileDefinition(r.content) });
    for (const { r, c } of compiled) {
      const checksum = createHash('sha256').update(r.content).digest('hex');
      for (const p of c.processes) {
        const doc = await this.storeVersion(p.id, p.name, r, checksum);
        this.compiledCache.set(doc._id, Promise.resolve({ key: doc._id, processId: p.id, version: doc.version, compiled: c }));
        this.latest.delete(p.id);
        if (doc.isNew) await this.timerStarts.schedule(doc._id, p.id, p.timerStarts);
        out.processes.push(toSummary(doc));
      }
    }
    return out;
  }

  private async storeVersion(
    processId: string,
    name: string | undefined,
    r: { name: string; content: string },
    checksum: string,
  ): Promise<DefinitionDoc & { isNew: boolean }> {
    const { Definition } = this.models;
    for (let attempt = 0; ; attempt++) {
      const latest = await Definition.findOne({ processId }).sort({ version: -1 }).lean();
      if (latest && latest.checksum === checksum) return { ...latest, isNew: false };
      const doc: DefinitionDoc = {
        _id: new Types.ObjectId().toHexString(),
        processId,
        version: (latest?.version ?? 0) + 1,
        name,
        resourceName: r.name,
        xml: r.content,
        checksum,
        deployedAt: new Date(),
      };
      try {
        await Definition.create(doc);
        return { ...doc, isNew: true };
      } catch (err) {
        if ((err as { code?: number }).code !== 11000 || attempt > 5) throw err;
      }
    }
  }

  async list(): Promise<ProcessDefinitionSummary[]> {
    const docs = await this.models.Definition.find({}).select('-xml').sort({ processId: 1, version: -1 }).lean();
    return docs.map((d) => toSummary(d));
  }

  async get(key: string): Promise<DefinitionDetail> {
    const d = await this.models.Definition.findById(key).lean();
    if (!d) throw notFound('Process definition', '流程定义', key);
    return { ...toSummary(d), xml: d.xml };
  }

  compiled(definitionKey: string): Promise<CompiledEntry> {
    let entry = this.compiledCache.get(definitionKey);
    if (!entry) {
      entry = (async () => {
        const d = await this.models.Definition.findById(definitionKey).lean();
        if (!d) throw notFound('Process definition', '流程定义', definitionKey);
        return { key: d._id, processId: d.processId, version: d.version, compiled: await compileDefinition(d.xml) };
      })();
      this.compiledCache.set(definitionKey, entry);
      entry.catch(() => this.compiledCache.delete(definitionKey));
    }
    return entry;
  }

  /** A version of a process, the latest when none is given (cached for two seconds). */
  async find(processId: string, version?: number): Promise<DefinitionDoc | null> {
    if (version) return this.models.Definition.findOne({ processId, version }).lean();
    const hit = this.latest.get(processId);
    if (hit && Date.now() - hit.at < 2000) return hit.doc;
    const doc = await this.models.Definition.findOne({ processId }).sort({ version: -1 }).lean();
    if (doc) this.latest.set(processId, { doc, at: Date.now() });
    return doc;
  }
}

function toSummary(d: Omit<DefinitionDoc, 'xml'>): ProcessDefinitionSummary {
  return { key: d._id, processId: d.processId, name: d.name, version: d.version, resourceName: d.resourceName, deployedAt: d.deployedAt.toISOString() };
}
