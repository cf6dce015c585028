/**
 * Where each deployed process version came from — a file in `processes/` or an admin's redraw
 * (and which admin) — and which content of each file was last deployed.
 *
 * At start a diagram file is deployed only when the file itself changed since it was last
 * deployed from the file: an admin's version stays the latest until an admin or a changed file
 * replaces it. (Comparing the file with the latest stored version instead would undo every admin's
 * redraw at the next restart.)
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Schema, type Connection, type Model } from 'mongoose';
import type { EnginePort } from '@ggzy/engine-workers';
import type { DefinitionOrigin, ProcessDefinitionSummary } from '@ggzy/shared';
import type { Logger } from 'pino';
import { modelOn } from '../db/model-on';
import { peopleModels } from '../people/user.model';

interface OriginDoc {
  /** The engine's definition key. */
  _id: string;
  source: 'file' | 'admin';
  by?: string;
  file?: string;
  at: Date;
}

interface FileDoc {
  /** `bpmn:<file name>` */
  _id: string;
  checksum: string;
  deployedAt: Date;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export class DefinitionOrigins {
  private readonly Origin: Model<OriginDoc>;
  private readonly File: Model<FileDoc>;

  constructor(
    private readonly db: Connection,
    private readonly engine: EnginePort,
    private readonly logger: Logger,
  ) {
    this.Origin = modelOn<OriginDoc>(
      db,
      'DefinitionOrigin',
      new Schema<OriginDoc>({ _id: String, source: String, by: String, file: String, at: Date }, { versionKey: false, collection: 'definition_origins' }),
    );
    this.File = modelOn<FileDoc>(
      db,
      'ProcessFile',
      new Schema<FileDoc>({ _id: String, checksum: String, deployedAt: Date }, { versionKey: false, collection: 'process_files' }),
    );
  }

  /** Record who made the versions a deploy returned (a version deployed before keeps its origin). */
  async record(processes: ProcessDefinitionSummary[], origin: Omit<OriginDoc, '_id' | 'at'>): Promise<void> {
    const at = new Date();
    for (const p of processes) await this.Origin.updateOne({ _id: p.key }, { $setOnInsert: { ...origin, at } }, { upsert: true });
  }

  /**
   * Deploy the diagrams of `dir` whose content changed since they were last deployed from there;
   * `extra` (the forms as admins last saved them) goes with them. Returns what was deployed.
   */
  async deployFiles(dir: string, extra: () => Promise<Array<{ name: string; content: string }>>): Promise<ProcessDefinitionSummary[]> {
    if (!existsSync(dir)) return [];
    const changed: Array<{ name: string; content: string; checksum: string }> = [];
    let stored: Map<string, string> | null = null;
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.bpmn'))) {
      const content = readFileSync(path.join(dir, name), 'utf8');
      const checksum = sha256(content);
      const seen = await this.File.findById(`bpmn:${name}`).lean();
      if (seen?.checksum === checksum) continue;
      if (!seen) {
        // A database from before files were tracked: a file whose content is stored as some version
        // was deployed already (the versions after it may be an admin's).
        stored ??= await this.storedChecksums();
        if (stored.has(checksum)) {
          await this.File.updateOne({ _id: `bpmn:${name}` }, { $set: { checksum, deployedAt: new Date() } }, { upsert: true });
          continue;
        }
      }
      changed.push({ name, content, checksum });
    }
    if (!changed.length) return [];
    const { processes } = await this.engine.deploy([...changed.map(({ name, content }) => ({ name, content })), ...(await extra())]);
    for (const f of changed) {
      const mine = processes.filter((p) => p.resourceName === f.name);
      await this.record(mine, { source: 'file', file: f.name });
      await this.File.updateOne({ _id: `bpmn:${f.name}` }, { $set: { checksum: f.checksum, deployedAt: new Date() } }, { upsert: true });
      for (const p of mine) this.logger.info({ processId: p.processId, version: p.version, file: f.name }, 'process deployed from its file');
    }
    return processes;
  }

  /** Every version, each with where it came from (and the admin's name). */
  async annotate(versions: ProcessDefinitionSummary[]): Promise<ProcessDefinitionSummary[]> {
    // One read of each small collection (a document per version, a few admins), not one per version.
    const origins = new Map((await this.Origin.find({}).lean()).map((o) => [o._id, o]));
    const admins = [...new Set([...origins.values()].map((o) => o.by).filter((b): b is string => !!b))];
    const { User } = peopleModels(this.db);
    const names = new Map(
      (
        await User.find({ _id: { $in: admins } })
          .select('name')
          .lean()
      ).map((u) => [u._id, u.name]),
    );
    return versions.map((v) => {
      const o = origins.get(v.key);
      const origin: DefinitionOrigin | undefined = o && {
        source: o.source,
        ...(o.file && { file: o.file }),
        ...(o.by && { by: o.by, byName: names.get(o.by) ?? o.by }),
      };
      return origin ? { ...v, origin } : v;
    });
  }

  private async storedChecksums(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const d of await this.engine.listDefinitions()) out.set(sha256((await this.engine.getDefinition(d.key)).xml), d.key);
    return out;
  }
}
