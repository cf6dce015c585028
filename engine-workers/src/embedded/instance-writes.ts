/**
 * How a loaded instance is written. One runtime document per instance holds everything it is
 * (models.ts): the first write inserts it, later ones update it by `_id`, and the end moves it to
 * history — the history document is inserted first, then the runtime document deleted, so a crash
 * in between leaves the lease of a dead process, and whoever takes it over finishes the move.
 * Events go into the outbox with the write that caused them and are told once it is done; work
 * queued on the instance for after the write (outcomes applied, stored jobs finished) runs then.
 */
import type { Logger } from 'pino';
import type { EngineEventBus } from './engine-events';
import type { GroupCommit } from './group-commit';
import type { InstanceRunner } from './instance-runner';
import type { Leases } from './leases';
import type { EngineModels, HistoryDoc, InstanceMeta, RuntimeDoc, WaitRec } from './models';
import { unsubscribe } from './messages';
import { bucketOf, type TimerBuckets } from './timer-buckets';
import type { WriteFn } from './state-writer';

export interface WritesDeps {
  models: EngineModels;
  commit: GroupCommit;
  leases: Leases;
  logger: Logger;
  events: EngineEventBus;
  buckets: TimerBuckets;
  /** Someone asked for the instance while it was held: drive it again. */
  driveAgain: (key: string) => void;
  /** A child completed: its parent has an outcome to apply. */
  touch: (key: string) => void;
  /** Cancel a child of an instance that ended. */
  requestCancel: (key: string) => Promise<void>;
}

export function metaOf(inst: InstanceRunner): InstanceMeta {
  return {
    processId: inst.def.processId,
    version: inst.def.version,
    definitionKey: inst.def.key,
    ...(inst.meta.parentKey && { parentKey: inst.meta.parentKey, parentExecutionId: inst.meta.parentExecutionId }),
    ...(inst.meta.startElementId && { startElementId: inst.meta.startElementId }),
    startedAt: inst.meta.startedAt,
  };
}

export class InstanceWrites {
  constructor(private readonly d: WritesDeps) {}

  /**
   * The write of the instance as it is now (taken at once). `release`: it is let go (its lease
   * released, its next timer put in its minute's bucket). For an instance that has ended, use `end`.
   */
  build(inst: InstanceRunner, release: boolean): WriteFn {
    const snap = inst.snapshot();
    const cleanups = inst.takeCleanups();
    // Every stored timer has its entry in a timer bucket, also while the instance is in memory, so
    // that a process that dies holding it, whatever the moment, leaves its wake-up behind; the
    // entry (in its timer's minute, where resuming and finishing a move look for it) moves when
    // the timer does, and goes when there is none.
    const was = inst.bucketedAt;
    const filed = snap.wakeAt;
    const moved = !!was && (!filed || bucketOf(was) !== bucketOf(filed));
    if (moved) {
      // the old minute is named in the document until its entry is gone (RuntimeDoc.staleBuckets)
      const old = bucketOf(was);
      inst.staleBuckets.add(old);
      cleanups.push(() => this.d.buckets.remove(inst.key, was).then(() => inst.staleBuckets.delete(old)));
    }
    snap.staleBuckets = [...inst.staleBuckets];
    const bucketed = filed && (release || moved || !was) ? filed : null;
    inst.bucketedAt = filed;
    const emits = inst.emits.splice(0);
    return async () => {
      const { models, commit } = this.d;
      const writes: Array<Promise<unknown>> = [this.d.events.record(emits)];
      if (!inst.persisted) {
        writes.push(
          commit.insert(models.runtime, { _id: inst.key, ...metaOf(inst), ...snap }).then((inserted) => {
            if (!inserted)
              inst.leaseLost = true; // started twice (a deterministic key): the other one runs it
            else inst.persisted = true;
          }),
        );
      } else writes.push(models.runtime.updateOne({ _id: inst.key }, { $set: snap }));
      // A new instance that stays in memory after its first write takes a lease now, so that
      // another process that hears of it waits for this one.
      if (!release && !inst.leased) writes.push(this.d.leases.acquire(inst.key).then((l) => (l ? (inst.leased = true) : (inst.leaseLost = true))));
      if (bucketed) writes.push(this.d.buckets.add(inst.key, bucketed));
      const [outboxId] = (await Promise.all(writes)) as [string | null];
      await this.runAll(inst.key, cleanups);
      if (release && inst.leased) await this.release(inst);
      this.d.events.tell(outboxId, emits);
    };
  }

  /** The end: history inserted, then what the instance still held closed, then the runtime document deleted. */
  end(inst: InstanceRunner): WriteFn {
    const snap = inst.snapshot();
    const cleanups = inst.takeCleanups();
    const emits = inst.emits.splice(0);
    const status = inst.ended!;
    const history: HistoryDoc = {
      _id: inst.key,
      ...metaOf(inst),
      status,
      endedAt: snap.endedAt ?? new Date(),
      ...(snap.error && { error: snap.error }),
      state: snap.state,
      variables: snap.variables,
      incidents: snap.incidents,
      trail: snap.trail,
    };
    return async () => {
      const { models, commit } = this.d;
      const parent = status === 'completed' ? inst.meta.parentKey : undefined;
      const writes: Array<Promise<unknown>> = [this.d.events.record(emits), commit.insert(models.history, history)];
      if (parent) writes.push(commit.insert(models.outcomes, { _id: `c:${inst.key}`, instanceKey: parent, at: history.endedAt, payload: snap.variables }));
      const [outboxId] = (await Promise.all(writes)) as [string | null];
      for (const at of this.bucketsOf(inst.bucketedAt, [...inst.staleBuckets])) cleanups.push(() => this.d.buckets.remove(inst.key, at));
      await this.runAll(inst.key, cleanups);
      if (inst.persisted) await models.runtime.deleteOne({ _id: inst.key });
      if (inst.leased) {
        await this.d.leases.releaseEnded(inst.key);
        inst.leased = false;
      }
      this.d.events.tell(outboxId, emits);
      if (parent) this.d.touch(parent);
    };
  }

  /**
   * An instance whose history was written but whose runtime document was not deleted (its process
   * died in between): close what it still held and delete it. Its events were told with the end.
   */
  async finishMove(doc: RuntimeDoc): Promise<void> {
    await this.runAll(doc._id, [
      ...doc.waits.map((w) => () => this.closeLeftover(w)),
      ...this.bucketsOf(doc.wakeAt, doc.staleBuckets ?? []).map((at) => () => this.d.buckets.remove(doc._id, at)),
    ]);
    await this.d.models.runtime.deleteOne({ _id: doc._id });
    await this.d.leases.release(doc._id);
    if (doc.parentKey && (await this.d.models.outcomes.findOne({ _id: `c:${doc._id}` }))) this.d.touch(doc.parentKey);
  }

  /** What a wait left behind, once the instance no longer waits. */
  closeLeftover(w: WaitRec): Promise<unknown> {
    const { models, commit } = this.d;
    const [kind, key] = [w.id.slice(0, 1), w.id.slice(2)];
    const dropOutcome = commit.remove(models.outcomes, w.id);
    if (kind === 'j') return Promise.all([dropOutcome, models.jobs.deleteOne({ _id: key })]);
    if (kind === 'm' && w.index) return Promise.all([dropOutcome, unsubscribe(models, w.index, key)]);
    if (kind === 'c') return Promise.all([dropOutcome, this.d.requestCancel(key)]);
    return dropOutcome;
  }

  /** An outcome its instance will never apply, with the stored job it reported on. */
  async dropOutcome(id: string): Promise<void> {
    await this.d.commit.remove(this.d.models.outcomes, id);
    if (id.startsWith('j:')) await this.d.models.jobs.deleteOne({ _id: id.slice(2) });
  }

  /** Every minute whose bucket may hold an entry of the instance: its timer's, and the stale ones. */
  private bucketsOf(wakeAt: Date | null, stale: number[]): Date[] {
    const minutes = new Set(stale);
    if (wakeAt) minutes.add(bucketOf(wakeAt));
    return [...minutes].map((m) => new Date(m));
  }

  private async runAll(key: string, fns: Array<() => Promise<unknown>>): Promise<void> {
    if (!fns.length) return;
    const results = await Promise.allSettled(fns.map((f) => f()));
    for (const r of results) if (r.status === 'rejected') this.d.logger.error({ err: r.reason, instance: key }, 'clean-up after write failed');
  }

  private async release(inst: InstanceRunner): Promise<void> {
    const { wasHeld, wake } = await this.d.leases.release(inst.key);
    inst.leased = false;
    if (!wasHeld) {
      inst.leaseLost = true;
      this.d.logger.warn({ instance: inst.key }, 'lease lost; another process drives this instance');
    } else if (wake && !inst.ended) this.d.driveAgain(inst.key); // someone asked while we held it
  }
}
