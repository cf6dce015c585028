/**
 * The engine's events to its listeners (the inbox): what the engine has saved, told after it is
 * saved, as the port promises (see EngineEvents in engine-port.ts): each listener's promise is
 * awaited, and a listener that fails is told the same event again after a back-off.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { EngineEvents, UserTaskRecord, Variables } from '../port/engine-port';
import type { UserTaskDoc } from './models';

export class EngineEventBus {
  private readonly emitter = new EventEmitter();
  private readonly retries = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly logger: Logger,
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

  /** Tell every listener; one that fails is told again after a back-off (see EngineEvents in engine-port.ts). */
  emit(event: string, payload: unknown): void {
    for (const l of this.emitter.listeners(event) as Array<(p: unknown) => unknown>) void this.deliver(l, event, payload, 0);
  }

  private async deliver(listener: (p: unknown) => unknown, event: string, payload: unknown, attempt: number): Promise<void> {
    try {
      await listener(payload);
    } catch (err) {
      if (this.stopped) return;
      const delay = Math.min(this.retryMs * 2 ** attempt, 30_000);
      this.logger.error({ err, event, attempt, retryInMs: delay }, 'engine event listener failed; telling it again');
      const timer = setTimeout(() => {
        this.retries.delete(timer);
        void this.deliver(listener, event, payload, attempt + 1);
      }, delay);
      timer.unref();
      this.retries.add(timer);
    }
  }

  /** Stop telling failed events again (the engine stops). */
  stop(): void {
    this.stopped = true;
    for (const t of this.retries) clearTimeout(t);
    this.retries.clear();
  }

  /** Events an instance collected while it ran, told once the state that caused them is written. */
  flush(emits: Array<[string, unknown]>): void {
    for (const [event, payload] of emits) this.emit(event, event.startsWith('userTask.') ? toUserTaskRecord(payload as UserTaskDoc) : payload);
  }
}

export function toUserTaskRecord(doc: UserTaskDoc): UserTaskRecord {
  return {
    key: doc._id,
    processInstanceKey: doc.instanceKey,
    processId: doc.processId,
    processVersion: doc.processVersion,
    elementId: doc.elementId,
    name: doc.name,
    status: doc.status,
    assignee: doc.assignee ?? undefined,
    candidateGroups: doc.candidateGroups ?? [],
    candidateUsers: doc.candidateUsers ?? [],
    dueDate: doc.dueDate?.toISOString(),
    followUpDate: doc.followUpDate?.toISOString(),
    formKey: doc.formKey,
    formId: doc.formId,
    priority: doc.priority,
    customHeaders: doc.customHeaders ?? {},
    variables: doc.variables ? (JSON.parse(doc.variables) as Variables) : {},
    createdAt: doc.createdAt.toISOString(),
    completedAt: doc.completedAt?.toISOString(),
  };
}
