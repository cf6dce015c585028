/**
 * A start is written down before the engine hears of it, so that no instance runs without its
 * record and its audit event, and a start the client sends again (the answer was lost) makes no
 * second instance:
 *
 * 1. the request is stored (`start_requests`, by id: the client's `Idempotency-Key` for this user,
 *    or a fresh one) with the instance key chosen for it;
 * 2. the engine creates the instance with that key (asked again, it returns the first instance:
 *    the embedded engine by the key, the cluster by searching for it);
 * 3. the instance's record, its attachments and its `instance.started` event are written (each
 *    once: by id, and the event by its reference), and the request marked done with its answer.
 *
 * A process killed between the steps leaves a pending request; at the next start (and every
 * minute) pending requests are carried through from step 2. The collection holds the starts of
 * the last day only (done requests answer a repeated key meanwhile), so reading it whole is cheap.
 */
import { linkToProject } from '../projects/project.model';
import { randomBytes } from 'node:crypto';
import { Types, Schema, type Connection, type Model } from 'mongoose';
import type { EnginePort, InstanceStartedInfo } from '@ggzy/engine-workers';
import type { Logger } from 'pino';
import type { AuditService } from '../audit/audit.service';
import type { AttachmentStore } from '../attachments/attachments';
import { modelOn } from '../db/model-on';
import { instanceMetaModel, type InstanceMetaDoc } from './instance.model';
import { InstanceStates } from './instance-states';

export interface StartReply {
  id: string;
  processId: string;
  version: number;
  title: string;
}

interface StartRequestDoc {
  _id: string;
  /** The instance key chosen for it (the engine's key when the engine does not take ours). */
  instanceKey: string;
  state: 'pending' | 'done';
  user: string;
  processId: string;
  /** JSON: the variables the instance starts with. */
  variables: string;
  /** The instance record without what the engine decides (key, version, definition). */
  meta: Omit<InstanceMetaDoc, '_id' | 'version' | 'definitionKey'>;
  attachmentIds: string[];
  /** JSON: the form values, for the audit event. */
  values: string;
  at: Date;
  reply?: StartReply;
}

const KEEP_MS = 86_400_000;

/** An instance that started (its row written): what the dashboard counts. */
export interface StartedInstance {
  instanceId: string;
  processId: string;
  by: string;
  at: Date;
  variables: Record<string, unknown>;
}

export class StartRequests {
  /** Told of each start once its row is written (again when a start is carried again: the listener counts once). */
  onStarted?: (s: StartedInstance) => Promise<void>;
  private readonly Request: Model<StartRequestDoc>;
  private readonly Meta;
  private readonly states: InstanceStates;
  private timer?: NodeJS.Timeout;
  private running: Promise<void> | null = null;

  constructor(
    private readonly db: Connection,
    private readonly engine: EnginePort,
    private readonly audit: AuditService,
    private readonly files: AttachmentStore,
    private readonly logger: Logger,
  ) {
    this.Request = modelOn<StartRequestDoc>(
      db,
      'StartRequest',
      new Schema<StartRequestDoc>(
        {
          _id: String,
          instanceKey: String,
          state: String,
          user: String,
          processId: String,
          variables: String,
          meta: Schema.Types.Mixed,
          attachmentIds: [String],
          values: String,
          at: Date,
          reply: Schema.Types.Mixed,
        },
        { versionKey: false, _id: false, collection: 'start_requests' },
      ),
    );
    this.Meta = instanceMetaModel(db);
    this.states = new InstanceStates(db);
  }

  /** The answer to a start this user made before with this key, if any (carried through first if it was cut short). */
  async repeated(user: string, idempotencyKey: string | undefined): Promise<StartReply | null> {
    if (!idempotencyKey) return null;
    const doc = await this.Request.findById(`${user}:${idempotencyKey}`).lean();
    if (!doc) return null;
    return doc.reply ?? (await this.carry(doc, true));
  }

  /** Write the start down, then carry it through. */
  async start(
    req: Omit<StartRequestDoc, '_id' | 'instanceKey' | 'state' | 'at' | 'reply' | 'variables'> & { variables: Record<string, unknown> },
    idempotencyKey?: string,
  ): Promise<StartReply> {
    const doc: StartRequestDoc = {
      ...req,
      _id: idempotencyKey ? `${req.user}:${idempotencyKey}` : new Types.ObjectId().toHexString(),
      // Random, so that one instance's id says nothing of its neighbours'.
      instanceKey: randomBytes(12).toString('hex'),
      state: 'pending',
      variables: JSON.stringify(req.variables),
      at: new Date(),
    };
    try {
      await this.Request.collection.insertOne(doc as never);
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      // the same key at the same time: one of them starts it, both get its answer
      const again = await this.repeated(req.user, idempotencyKey);
      if (again) return again;
      throw err;
    }
    return this.carry(doc, false);
  }

  /** Steps 2 and 3; `again`: it may have been carried part of the way before (its event may be in the trail). */
  private async carry(doc: StartRequestDoc, again: boolean): Promise<StartReply> {
    const created = await this.engine.createInstance({
      processId: doc.processId,
      variables: JSON.parse(doc.variables) as Record<string, unknown>,
      requestKey: doc.instanceKey,
      repeat: again,
    });
    const key = created.key;
    const meta: InstanceMetaDoc = { ...doc.meta, _id: key, version: created.version, definitionKey: created.definitionKey };
    await this.Meta.updateOne({ _id: key }, { $setOnInsert: meta }, { upsert: true });
    await this.states.lists.started(key);
    // (counted once per instance, also when carried again)
    await this.onStarted?.({
      instanceId: key,
      processId: doc.processId,
      by: doc.user,
      at: doc.at,
      variables: JSON.parse(doc.variables) as Record<string, unknown>,
    });
    // (on the project's page; carried again after a crash, it adds nothing)
    if (meta.projectId) await linkToProject(this.db, meta.projectId, { instanceId: key });
    // A flow that ended while it started (no human step) finished before its row existed.
    await this.settleState(key);
    if (doc.attachmentIds.length) await this.files.link(doc.attachmentIds, doc.user, key);
    const ref = `start:${doc._id}`;
    // (looked up among the instance's events only for a start carried again)
    if (!again || !(await this.audit.chained(ref, key)))
      await this.audit.append({
        at: doc.at,
        actor: doc.user,
        action: 'instance.started',
        instanceId: key,
        ref,
        data: { processId: doc.processId, version: created.version, values: JSON.parse(doc.values) as unknown, attachmentIds: doc.attachmentIds },
      });
    const reply: StartReply = { id: key, processId: doc.processId, version: created.version, title: doc.meta.title };
    await this.Request.updateOne({ _id: doc._id }, { $set: { state: 'done', reply, instanceKey: key } });
    return reply;
  }

  /** Carry through the starts a stopped process left pending; forget done ones older than a day. */
  async recover(minAgeMs = 10_000): Promise<number> {
    if (this.running) return this.running.then(() => 0);
    let carried = 0;
    this.running = (async () => {
      const now = Date.now();
      for (const doc of await this.Request.find({}).lean()) {
        if (doc.state === 'done') {
          if (now - doc.at.getTime() > KEEP_MS) await this.Request.deleteOne({ _id: doc._id });
          continue;
        }
        if (now - doc.at.getTime() < minAgeMs) continue; // its request may still be carrying it
        try {
          await this.carry(doc, true);
          carried++;
        } catch (err) {
          this.logger.error({ err, request: doc._id }, 'carrying a start through failed; tried again later');
        }
      }
    })().finally(() => (this.running = null));
    await this.running;
    return carried;
  }

  /**
   * What happened to a new instance before its row existed (the engine's events about it found no
   * row to mark): it ended already (no human step), or stopped at an incident on its way.
   */
  private async settleState(key: string): Promise<void> {
    const now = await this.engine.getInstance(key).catch(() => null);
    if (!now) return;
    if (now.status !== 'active') {
      const state = now.status === 'completed' || now.status === 'failed' ? now.status : 'canceled';
      await this.states.end(key, state);
    } else if (now.incidents.some((i) => i.status === 'open')) await this.states.move(key, 'active', 'incident');
  }

  /**
   * An instance the engine started by itself (a timer start event): its row, so that the lists and
   * the monitor show it, and its start in the trail, by the system. Told until taken, so written
   * so that telling it twice changes nothing.
   */
  async recordEngineStart(i: InstanceStartedInfo): Promise<void> {
    const def = await this.engine.getDefinition(i.definitionKey).catch(() => null);
    const name = def?.name ?? i.processId;
    const meta: InstanceMetaDoc = {
      _id: i.key,
      processId: i.processId,
      processName: name,
      version: i.version,
      definitionKey: i.definitionKey,
      title: `${name}（定时启动）`,
      starter: 'system',
      starterName: '系统（定时）',
      startedAt: new Date(i.startedAt),
      state: 'active',
      classification: null,
    };
    const inserted = (await this.Meta.updateOne({ _id: i.key }, { $setOnInsert: meta }, { upsert: true })).upsertedCount === 1;
    await this.states.lists.started(i.key);
    await this.onStarted?.({ instanceId: i.key, processId: i.processId, by: 'system', at: meta.startedAt, variables: {} });
    await this.settleState(i.key);
    const ref = `timer-start:${i.key}`;
    // (told again, the row was there: only then are the instance's events looked up)
    if (inserted || !(await this.audit.chained(ref, i.key)))
      await this.audit.append({
        at: new Date(i.startedAt),
        actor: 'system',
        action: 'instance.started',
        instanceId: i.key,
        ref,
        data: { processId: i.processId, version: i.version, startElementId: i.startElementId },
      });
  }

  startRecovery(everyMs = 60_000): void {
    this.timer = setInterval(() => void this.recover().catch((err: unknown) => this.logger.error({ err }, 'start recovery failed')), everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
