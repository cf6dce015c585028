/** What a loaded instance waits for, by execution id: a job, a user task, a message, a child, an incident's resolution. */
import type { ElementApi, MessageContent } from './bpmn-elements-types';
import type { JobDoc } from './models';

interface Base {
  executionId: string;
  elementId: string;
}

export type Waiter =
  | (Base & {
      kind: 'job';
      jobKey: string;
      content: MessageContent;
      done: (err: unknown, out?: unknown) => void;
      localRunning?: boolean;
      startedAt?: Date;
      /** The job to store for a worker once the state that waits for it is written. */
      stored?: JobDoc;
    })
  | (Base & { kind: 'userTask'; taskKey: string; content: MessageContent; api: ElementApi })
  | (Base & {
      kind: 'message';
      messageId: string;
      subKey: string;
      content: MessageContent;
      api: ElementApi;
      /** Its entry in the correlation index (name and correlation key), once resolved. */
      correlationKey?: string;
    })
  | (Base & { kind: 'call'; childKey: string; content: MessageContent; api: ElementApi })
  | (Base & { kind: 'incident'; incidentKey: string; retry?: () => void });

export class Waiters {
  private readonly map = new Map<string, Waiter>();

  private id(w: Waiter): string {
    return `${w.kind}:${w.executionId}`;
  }

  add(w: Waiter): void {
    this.map.set(this.id(w), w);
  }

  has(w: Waiter): boolean {
    return this.map.get(this.id(w)) === w;
  }

  delete(w: Waiter): void {
    if (this.has(w)) this.map.delete(this.id(w));
  }

  all(): Waiter[] {
    return [...this.map.values()];
  }

  byElement(elementId: string): Waiter[] {
    return this.all().filter((w) => w.elementId === elementId);
  }

  get size(): number {
    return this.map.size;
  }
}
