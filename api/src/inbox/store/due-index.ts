/**
 * The open steps whose due date may still call for a reminder (催办) or a report to supervision
 * (督办), filed by the hour they fall due: the time-limit rounds read the steps due by a moment
 * (those filed in the hours up to it), not every open step. A step leaves once both have been done.
 */
const HOUR = 3600_000;

export class DueIndex {
  private readonly byHour = new Map<number, Set<string>>();
  /** The hours that hold steps, early to late. */
  private readonly hours: number[] = [];

  /** Whether a step belongs here: open, with a due date, and not yet both urged and reported. */
  static holds(t: { status: string; dueDate?: Date | null; urgedAt?: Date | null; supervisedAt?: Date | null }): t is { status: string; dueDate: Date } {
    return t.status === 'open' && !!t.dueDate && (!t.urgedAt || !t.supervisedAt);
  }

  add(id: string, due: Date): void {
    const h = Math.floor(due.getTime() / HOUR);
    let ids = this.byHour.get(h);
    if (!ids) {
      this.byHour.set(h, (ids = new Set()));
      this.hours.splice(this.position(h), 0, h);
    }
    ids.add(id);
  }

  delete(id: string, due: Date): void {
    const h = Math.floor(due.getTime() / HOUR);
    const ids = this.byHour.get(h);
    if (!ids?.delete(id) || ids.size) return;
    this.byHour.delete(h);
    this.hours.splice(this.position(h), 1);
  }

  /** The steps filed in the hours up to `time` (some of the last hour may fall due after it). */
  *dueBy(time: Date): Generator<string> {
    const last = Math.floor(time.getTime() / HOUR);
    for (const h of this.hours) {
      if (h > last) return;
      yield* this.byHour.get(h)!;
    }
  }

  clear(): void {
    this.byHour.clear();
    this.hours.length = 0;
  }

  private position(h: number): number {
    let lo = 0;
    let hi = this.hours.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.hours[mid]! < h) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
