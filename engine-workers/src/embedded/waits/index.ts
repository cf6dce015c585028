/** The kinds of wait, by the `kind` of a waiter. */
import type { Waiter } from '../waiters';
import { callWait } from './call-wait';
import { incidentWait } from './incident-wait';
import { jobWait } from './job-wait';
import { messageWait } from './message-wait';
import { userTaskWait } from './user-task-wait';
import type { WaitKind } from './wait-kind';

export const WAITS: { [K in Waiter['kind']]: WaitKind<Extract<Waiter, { kind: K }>> } = {
  job: jobWait,
  userTask: userTaskWait,
  message: messageWait,
  call: callWait,
  incident: incidentWait,
};

export function waitKindOf<W extends Waiter>(w: W): WaitKind<W> {
  return WAITS[w.kind] as unknown as WaitKind<W>;
}
