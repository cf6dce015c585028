/**
 * Coalescing, pipelined writes of instance state. At most one write per instance is in flight;
 * saves requested meanwhile collapse into one follow-up write that carries the newest state.
 * The engine goes on running while its state is being written, which is what keeps durable
 * execution as fast as running in memory.
 */

export type WriteFn = () => Promise<void>;

interface Slot {
  inFlight: Promise<void> | null;
  /** Builds the update for the newest state; null when nothing is waiting. */
  next: { build: () => WriteFn; waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> } | null;
}

export class StateWriter {
  private readonly slots = new Map<string, Slot>();

  /**
   * Queue a save of `key`. `build` runs when the write starts (so it sees the newest state)
   * and returns the write itself. Resolves once a write that includes this state is done.
   */
  save(key: string, build: () => WriteFn): Promise<void> {
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { inFlight: null, next: null };
      this.slots.set(key, slot);
    }
    return new Promise<void>((resolve, reject) => {
      if (slot.next) {
        slot.next.build = build;
        slot.next.waiters.push({ resolve, reject });
      } else {
        slot.next = { build, waiters: [{ resolve, reject }] };
      }
      if (!slot.inFlight) this.pump(key, slot);
    });
  }

  private pump(key: string, slot: Slot): void {
    const job = slot.next;
    if (!job) {
      this.slots.delete(key);
      return;
    }
    slot.next = null;
    let write: WriteFn;
    try {
      write = job.build();
    } catch (err) {
      for (const w of job.waiters) w.reject(err);
      this.pump(key, slot);
      return;
    }
    slot.inFlight = write().then(
      () => {
        for (const w of job.waiters) w.resolve();
      },
      (err: unknown) => {
        for (const w of job.waiters) w.reject(err);
      },
    );
    slot.inFlight.finally(() => {
      slot.inFlight = null;
      this.pump(key, slot);
    });
  }
}
