/**
 * China's working days: the official holidays and make-up workdays (调休) from the chinese-days
 * package, with the admins' own entries on top — for a year the package does not know yet, or a
 * local closure. Time limits counted in days use it (限时办结 counts working days).
 */
import { modelOn } from '../db/model-on';
import { Schema, type Connection, type Model } from 'mongoose';
import { chinaDate } from '@ggzy/shared';
import { getDayDetail, getHolidaysInRange, isWorkday as officialWorkday } from 'chinese-days';

export interface CalendarOverrideDoc {
  /** YYYY-MM-DD, China time. */
  _id: string;
  type: 'holiday' | 'workday';
  name: string;
  by: string;
  at: Date;
}

export interface CalendarDay {
  date: string;
  workday: boolean;
  name?: string;
  source: 'official' | 'override';
}

function calendarModel(db: Connection): Model<CalendarOverrideDoc> {
  return modelOn<CalendarOverrideDoc>(
    db,
    'CalendarOverride',
    new Schema<CalendarOverrideDoc>(
      { _id: String, type: String, name: String, by: String, at: Date },
      { versionKey: false, _id: false, collection: 'calendar_overrides' },
    ),
  );
}

export class WorkCalendar {
  readonly model: Model<CalendarOverrideDoc>;
  private overrides = new Map<string, CalendarOverrideDoc>();
  /** Told of each change made in this process. */
  readonly changed = new Set<() => void>();

  constructor(db: Connection) {
    this.model = calendarModel(db);
  }

  async load(): Promise<void> {
    this.overrides = new Map((await this.model.find({}).lean()).map((o) => [o._id, o]));
  }

  isWorkday(date: string): boolean {
    const o = this.overrides.get(date);
    if (o) return o.type === 'workday';
    return officialWorkday(date);
  }

  /** The end (17:30 China time) of the n-th working day after the day of `from`. */
  addWorkingDays(from: Date, n: number): Date {
    let day = new Date(Date.parse(`${chinaDate(from)}T00:00:00Z`));
    let left = n;
    for (let guard = 0; left > 0 && guard < 400; guard++) {
      day = new Date(day.getTime() + 86_400_000);
      if (this.isWorkday(day.toISOString().slice(0, 10))) left--;
    }
    return this.endOfDay(day.toISOString().slice(0, 10));
  }

  /** The n-th working day of a month (`YYYY-MM`), as a date (`YYYY-MM-DD`). */
  nthWorkingDay(month: string, n: number): string {
    let seen = 0;
    for (let d = 1; d <= 31; d++) {
      const day = `${month}-${String(d).padStart(2, '0')}`;
      if (Number.isNaN(Date.parse(`${day}T00:00:00Z`)) || !day.startsWith(new Date(Date.parse(`${day}T00:00:00Z`)).toISOString().slice(0, 7))) break;
      if (this.isWorkday(day) && ++seen === n) return day;
    }
    throw new Error(`${month} has fewer than ${n} working days`);
  }

  /** The end of the office day (17:30 China time) of a date. */
  endOfDay(day: string): Date {
    return new Date(Date.parse(`${day}T17:30:00+08:00`));
  }

  /** The days of a year that are not ordinary: official holidays and make-up workdays, and overrides. */
  year(year: number): CalendarDay[] {
    const out = new Map<string, CalendarDay>();
    for (const date of getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false)) {
      out.set(date, { date, workday: false, name: getDayDetail(date).name.split(',')[1] ?? getDayDetail(date).name, source: 'official' });
    }
    for (let d = new Date(Date.UTC(year, 0, 1)); d.getUTCFullYear() === year; d = new Date(d.getTime() + 86_400_000)) {
      const date = d.toISOString().slice(0, 10);
      const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
      if (weekend && officialWorkday(date)) out.set(date, { date, workday: true, name: '调休上班', source: 'official' });
    }
    for (const o of this.overrides.values()) {
      if (o._id.startsWith(`${year}-`)) out.set(o._id, { date: o._id, workday: o.type === 'workday', name: o.name, source: 'override' });
    }
    return [...out.values()].sort((a, b) => a.date.localeCompare(b.date));
  }

  async set(date: string, type: 'holiday' | 'workday', name: string, by: string): Promise<void> {
    const doc = { _id: date, type, name, by, at: new Date() };
    await this.model.deleteOne({ _id: date });
    await this.model.create(doc);
    this.overrides.set(date, doc);
    for (const l of this.changed) l();
  }

  async clear(date: string): Promise<boolean> {
    const r = await this.model.deleteOne({ _id: date });
    this.overrides.delete(date);
    for (const l of this.changed) l();
    return r.deletedCount > 0;
  }
}
