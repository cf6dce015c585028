/**
 * Chains the audit events of acts whose change has landed. The act stands either way; its event
 * is chained now, or tried again until the trail takes it. A write that failed may still have
 * landed (an answer lost on the way), so a retry first looks for it.
 */
import type { AuditInput, AuditService } from '../../audit/audit.service';

export class EventChainer {
  private audit: AuditService | null = null;
  private onError: (err: unknown) => void = () => undefined;

  use(audit: AuditService, onError: (err: unknown) => void): void {
    this.audit = audit;
    this.onError = onError;
  }

  get trail(): AuditService | null {
    return this.audit;
  }

  /** Throws when an act brings an event and no trail is attached: such an act must not happen. */
  expect(audit: AuditInput | undefined): void {
    if (audit && !this.audit) throw new Error('TaskStore: no audit trail attached');
  }

  /** `done`: called once the trail has the event (to let go of the copy kept with the change). */
  chain(e: AuditInput & { ref: string }, retry = false, done?: () => Promise<void>): void {
    const audit = this.audit!;
    void (async () => {
      try {
        if (!retry || !(await audit.chained(e.ref, e.instanceId))) await audit.appendStored(e);
        await done?.();
      } catch (err) {
        this.onError(err);
        setTimeout(() => this.chain(e, true, done), 5000).unref();
      }
    })();
  }
}
