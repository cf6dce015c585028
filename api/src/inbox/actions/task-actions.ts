/**
 * What people do to tasks: claim, unclaim, complete (approve / return with an opinion), transfer,
 * delegate and resolve, add a signer, CC, urge, withdraw, comment. Each checks the caller's right,
 * then changes one document guarded by the state it read (`version`), so of two people acting at
 * the same moment exactly one wins and the other gets a 409. Every change leaves an audit event.
 */
import type { UserDto } from '@ggzy/shared';
import { ActContext } from './act-context';
import { claim, unclaim } from './claim.acts';
import { complete, returnTask } from './complete.acts';
import { delegate, transfer } from './hand-over.acts';
import { cc, comment, urge } from './notes.acts';
import { addSigner } from './signers.acts';
import { resumeWithdrawals, withdraw } from './withdraw.acts';

export { ACTION_NAMES } from './act-context';

export class TaskActions extends ActContext {
  claim = (u: UserDto, id: string) => claim(this, u, id);
  unclaim = (u: UserDto, id: string) => unclaim(this, u, id);
  complete = (u: UserDto, id: string, data: Record<string, unknown>) => complete(this, u, id, data);
  /** 退回: complete with the form's decision set to `return` and the opinion in the form's opinion field. */
  returnTask = (u: UserDto, id: string, opinion: string, data?: Record<string, unknown>) => returnTask(this, u, id, opinion, data);
  transfer = (u: UserDto, id: string, to: string, note?: string) => transfer(this, u, id, to, note);
  delegate = (u: UserDto, id: string, to: string, note?: string) => delegate(this, u, id, to, note);
  addSigner = (u: UserDto, id: string, to: string, note?: string) => addSigner(this, u, id, to, note);
  cc = (u: UserDto, id: string, users: string[], note?: string) => cc(this, u, id, users, note);
  urge = (u: UserDto, id: string, note?: string) => urge(this, u, id, note);
  withdraw = (u: UserDto, id: string, reason?: string) => withdraw(this, u, id, reason);
  /** At start: carry through withdrawals a stop cut short. */
  resumeWithdrawals = () => resumeWithdrawals(this);
  comment = (u: UserDto, id: string, text: string) => comment(this, u, id, text);
}
