/**
 * What an instance waits for, one module per kind (job, user task, message, call activity,
 * incident), behind one interface: the instance runner calls these and never switches on kinds.
 */
import type { InstanceRunner } from '../instance-runner';
import type { Waiter } from '../waiters';

export interface WaitKind<W extends Waiter> {
  /** One look at the database for what the wait waits on (on a recheck, or when it is opened). */
  check(inst: InstanceRunner, w: W): Promise<void>;
  /**
   * Make the wait live once the state that holds it is written: a task inserted, a subscription
   * opened, a child started. Only then may a person complete the task, a message correlate, or
   * the child run; otherwise a crash could leave one that the resumed state knows nothing of.
   */
  activate(inst: InstanceRunner, w: W): Promise<void>;
  /** The element was left (a boundary event, a cancel): close what the wait opened. */
  cancel(inst: InstanceRunner, w: W): void;
}

/** Insert unless a document with that `_id` exists; true when this call inserted it. */
export async function insertIfAbsent(collection: { insertOne(doc: never): Promise<unknown> }, doc: { _id: string }): Promise<boolean> {
  try {
    await collection.insertOne(doc as never);
    return true;
  } catch (err) {
    if ((err as { code?: number }).code === 11000) return false;
    throw err;
  }
}
