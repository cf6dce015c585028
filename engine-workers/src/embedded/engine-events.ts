/**
 * The engine's events to its listeners (the inbox, the API): what the engine has saved, told
 * after it is saved. The promise of the port (engine-port.ts) holds here: a listener's promise is
 * awaited in order, and a listener that fails is logged and tried again by the inbox's catch-up.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { EngineEvents, UserTaskRecord, Variables } from '../port/engine-port';
import type { UserTaskDoc } from './models';

export class EngineEventBus {
  private readonly emitter = new EventEmitter();

  constructor(private readonly logger: Logger) {
    this.emitter.setMaxListeners(50);
  }

  on<E extends keyof EngineEvents>(event: E, listener: EngineEvents[E]): void {
    this.emitter.on(event, listener as (...a: unknown[]) => void);
  }

  off<E extends keyof EngineEvents>(event: E, listener: EngineEvents[E]): void {
    this.emitter.off(event, listener as (...a: unknown[]) => void);
  }

  emit(event: string, payload: unknown): void {
    // Listeners may return promises (the inbox does); their failures are logged here, since the
    // embedded engine has already saved what happened and the inbox catches up with it.
    for (const l of this.emitter.listeners(event) as Array<(p: unknown) => unknown>) {
      try {
        const r = l(payload);
        if (r instanceof Promise) r.catch((err: unknown) => this.logger.error({ err, event }, 'engine event listener failed'));
      } catch (err) {
        this.logger.error({ err, event }, 'engine event listener failed');
      }
    }
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
