/**
 * One actor per instance: a promise chain that runs every operation on that instance in turn, so
 * nothing in an instance needs locks. The actor holds the instance while it is loaded.
 */
import type { Logger } from 'pino';
import type { InstanceRunner } from './instance-runner';

interface Actor {
  chain: Promise<void>;
  inst?: InstanceRunner;
  ops: number;
}

export type InstanceOp = (inst: InstanceRunner | undefined) => Promise<void>;

export class Actors {
  private readonly actors = new Map<string, Actor>();

  constructor(private readonly logger: Logger) {}

  private actorOf(key: string): Actor {
    let a = this.actors.get(key);
    if (!a) {
      a = { chain: Promise.resolve(), ops: 0 };
      this.actors.set(key, a);
    }
    return a;
  }

  /** The instance loaded in this process, if any. */
  loaded(key: string): InstanceRunner | undefined {
    return this.actors.get(key)?.inst;
  }

  hold(inst: InstanceRunner): void {
    this.actorOf(inst.key).inst = inst;
  }

  /** Let go of an instance (it is dropped from memory). */
  release(inst: InstanceRunner): void {
    const actor = this.actors.get(inst.key);
    if (actor?.inst === inst) actor.inst = undefined;
  }

  enqueue(key: string, op: InstanceOp): Promise<void> {
    const actor = this.actorOf(key);
    actor.ops++;
    const run = actor.chain.then(() => op(actor.inst));
    actor.chain = run.then(
      () => undefined,
      () => undefined,
    );
    void actor.chain.then(() => {
      actor.ops--;
      if (actor.ops === 0 && !actor.inst && this.actors.get(key) === actor) this.actors.delete(key);
    });
    return run;
  }

  /** Enqueue without waiting; a failure is logged (the instance is then resumed from its last saved state). */
  fire(key: string, op: InstanceOp): void {
    this.enqueue(key, op).catch((err: unknown) => this.logger.error({ err, instance: key }, 'instance operation failed'));
  }

  /** Every loaded instance. */
  held(): InstanceRunner[] {
    const out: InstanceRunner[] = [];
    for (const a of this.actors.values()) if (a.inst) out.push(a.inst);
    return out;
  }

  /** Wait until operations in flight are done (instances busy with local jobs aside), for a stop. */
  async quiesce(deadlineMs: number): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    while (Date.now() < deadline && [...this.actors.values()].some((a) => a.ops > 0 && !a.inst?.busy)) {
      await Promise.all([...this.actors.values()].map((a) => a.chain));
    }
  }

  /** Run `fn` for every loaded instance inside its actor (after what is queued), taking it out of the actor first. */
  async drainAll(fn: (inst: InstanceRunner) => Promise<void>): Promise<void> {
    await Promise.all(
      [...this.actors.values()].map((actor) => {
        const inst = actor.inst;
        if (!inst) return actor.chain;
        actor.inst = undefined;
        return fn(inst).catch((err: unknown) => this.logger.error({ err, instance: inst.key }, 'evict on stop failed'));
      }),
    );
  }

  get loadedCount(): number {
    let n = 0;
    for (const a of this.actors.values()) if (a.inst) n++;
    return n;
  }
}
