/**
 * Next wake-ups of the instances this process wrote last (their earliest timers), so timers fire
 * on time without scans: one within a minute gets a local timer, later ones wait in the schedule
 * that the poll loop reads.
 */
export class WakeSchedule {
  private readonly schedule = new Map<string, number>();
  private readonly localWakes = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly drive: (key: string) => void,
    private readonly running: () => boolean,
  ) {}

  at(key: string, at: Date): void {
    this.schedule.set(key, at.getTime());
    const delay = at.getTime() - Date.now();
    if (delay > 60_000 || !this.running()) return; // the poll loop takes it from the schedule
    const prev = this.localWakes.get(key);
    if (prev) clearTimeout(prev);
    const t = setTimeout(
      () => {
        this.localWakes.delete(key);
        this.schedule.delete(key);
        this.drive(key);
      },
      Math.max(0, delay),
    );
    t.unref();
    this.localWakes.set(key, t);
  }

  /** The instance is loaded: its own timers speak for it now. */
  forget(key: string): void {
    this.schedule.delete(key);
  }

  /** Keys whose wake-up is due, taken out of the schedule. */
  takeDue(now: number): string[] {
    const out: string[] = [];
    for (const [key, at] of this.schedule) {
      if (at > now) continue;
      this.schedule.delete(key);
      out.push(key);
    }
    return out;
  }

  clear(): void {
    for (const t of this.localWakes.values()) clearTimeout(t);
    this.localWakes.clear();
  }
}
