/**
 * The engine's events to its listeners (the inbox): what the engine has saved, told after it is
 * saved, as the port promises (see EngineEvents in engine-port.ts). Events caused by an instance's
 * step are written to the outbox with the state that caused them (one document per write, group
 * committed), told once the write is done, and deleted once every listener has taken them; a
 * listener that fails is told again after a back-off, and whatever was not taken when the process
 * stopped (or died) is told again at the next start.
 */
import { EventEmitter } from 'node:events';
import { Types } from 'mongoose';
import type { Logger } from 'pino';
import type { EngineEvents, UserTaskRecord, Variables } from '../port/engine-port';
import type { GroupCommit } from './group-commit';
import type { EngineModels, OpenTask } from './models';

export type Emit = [string, unknown];

export class EngineEventBus {
  private readonly emitter = new EventEmitter();
  private readonly retries = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly logger: Logger,
    private readonly models: EngineModels,
    private readonly commit: GroupCommit,
    /** The first back-off before a failed event is told again (doubling, at most 30 s). */
    private readonly retryMs = 1000,
  ) {
    this.emitter.setMaxListeners(50);
  }

  on<E extends keyof EngineEvents>(event: E, listener: EngineEvents[E]): void {
    this.emitter.on(event, listener as (...a: unknown[]) => void);
  }

  off<E extends keyof EngineEvents>(event: E, listener: EngineEvents[E]): void {
    this.emitter.off(event, listener as (...a: unknown[]) => void);
  }

  /** Tell every listener now; resolves once each has taken it (a failing one is told again after a back-off). */
  emit(event: string, payload: unknown): Promise<void> {
    const listeners = this.emitter.listeners(event) as Array<(p: unknown) => unknown>;
    return Promise.all(listeners.map((l) => this.deliver(l, event, payload, 0))).then(() => undefined);
  }

  private deliver(listener: (p: unknown) => unknown, event: string, payload: unknown, attempt: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const tryOnce = async (n: number) => {
        try {
          await listener(payload);
          resolve();
        } catch (err) {
          if (this.stopped) return; // told again at the next start, from the outbox
          const delay = Math.min(this.retryMs * 2 ** n, 30_000);
          this.logger.error({ err, event, attempt: n, retryInMs: delay }, 'engine event listener failed; telling it again');
          const timer = setTimeout(() => {
            this.retries.delete(timer);
            void tryOnce(n + 1);
          }, delay);
          timer.unref();
          this.retries.add(timer);
        }
      };
      void tryOnce(attempt);
    });
  }

  /** Stop telling failed events again (the engine stops). */
  stop(): void {
    this.stopped = true;
    for (const t of this.retries) clearTimeout(t);
    this.retries.clear();
  }

  /** Write events to the outbox (with the state that caused them); resolves with the outbox document's id. */
  async record(emits: Emit[]): Promise<string | null> {
    if (!emits.length) return null;
    const _id = new Types.ObjectId().toHexString();
    await this.commit.insert(this.models.outbox, { _id, events: JSON.stringify(emits), at: new Date() });
    return _id;
  }

  /** Tell recorded events, in order per instance; the outbox document goes once every listener took them. */
  tell(outboxId: string | null, emits: Emit[]): void {
    if (!emits.length) return;
    void (async () => {
      for (const [event, payload] of emits) await this.emit(event, payload);
      if (outboxId) await this.commit.remove(this.models.outbox, outboxId);
    })().catch((err: unknown) => this.logger.error({ err }, 'telling engine events failed'));
  }

  /** At start: tell again what listeners had not taken when the engine last stopped. */
  async replay(): Promise<number> {
    const docs = await this.models.outbox.find({}).sort({ at: 1 }).toArray();
    for (const d of docs) this.tell(d._id, JSON.parse(d.events) as Emit[]);
    return docs.length;
  }
}

/** An open task as the port tells it. */
export function taskRecord(instanceKey: string, processId: string, t: OpenTask): UserTaskRecord {
  return {
    key: t.key,
    processInstanceKey: instanceKey,
    processId,
    processVersion: t.processVersion,
    elementId: t.elementId,
    name: t.name,
    status: 'created',
    assignee: t.assignee ?? undefined,
    candidateGroups: t.candidateGroups,
    candidateUsers: t.candidateUsers,
    dueDate: t.dueDate?.toISOString(),
    followUpDate: t.followUpDate?.toISOString(),
    formKey: t.formKey,
    formId: t.formId,
    priority: t.priority,
    customHeaders: t.customHeaders,
    variables: JSON.parse(t.variables) as Variables,
    createdAt: t.createdAt.toISOString(),
  };
}
