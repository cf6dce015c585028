/**
 * What an instance waits for, one module per kind (job, user task, message, call activity,
 * incident), behind one interface: the instance runner calls these and never switches on kinds.
 *
 * Every input from outside reaches an instance as an outcome document whose `_id` names the wait
 * (`t:`, `j:`, `m:`, `c:`, `i:` and the wait's key): inserting it is the one compare-and-set that
 * decides, so a task is completed once and a message taken by one subscription. The instance
 * applies it, and deletes it once the state that applied it is written.
 */
import type { InstanceRunner } from '../instance-runner';
import type { Waiter } from '../waiters';

export interface WaitKind<W extends Waiter> {
  /** One look for the wait's outcome (when opened again after a resume, on a recheck). */
  check(inst: InstanceRunner, w: W): Promise<void>;
  /**
   * Make the wait live once the state that holds it is written: a job stored for a worker, a
   * subscription in the correlation index, a child started. Only then may a worker report, a
   * message correlate or the child run; otherwise a crash could leave one that the resumed state
   * knows nothing of. (A user task is live with the state itself: it is kept in the same document.)
   */
  activate(inst: InstanceRunner, w: W): Promise<void>;
  /** The element was left (a boundary event, a cancel): close what the wait opened. */
  cancel(inst: InstanceRunner, w: W): void;
}
