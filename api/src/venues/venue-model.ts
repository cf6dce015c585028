/** The venue calendar's documents: rooms, and one document per room and day holding its sessions (see venue-calendar.ts). */
import { Schema, type Connection, type Model } from 'mongoose';
import type { VenueSessionDto } from '@ggzy/shared/api';
import { chinaDate } from '@ggzy/shared';
import { modelOn } from '../db/model-on';

export interface RoomDoc {
  _id: string;
  name: string;
  kind: '开标室' | '评标室' | '远程异地评标室' | '样品室' | '陪标室';
  seats?: number | null;
  active: boolean;
}

export interface SessionDoc {
  id: string;
  start: string;
  end: string;
  purpose: VenueSessionDto['purpose'];
  projectId: string;
  projectName: string;
  section: string;
  witness: string | null;
  witnessName: string | null;
  note?: string | null;
  bookedBy: string;
  bookedAt: Date;
  changedAt?: Date | null;
  version: number;
}

export interface DayDoc {
  _id: string;
  room: string;
  day: string;
  version: number;
  sessions: SessionDoc[];
}

export interface BookingInput {
  room: string;
  day: string;
  start: string;
  end: string;
  purpose: VenueSessionDto['purpose'];
  projectId: string;
  note?: string | null;
  version?: number;
  reason?: string;
}

/** The rooms a new center starts with (admins add, rename and retire rooms). */
export const DEFAULT_ROOMS: RoomDoc[] = [
  { _id: 'kb1', name: '第一开标室', kind: '开标室', seats: 60, active: true },
  { _id: 'kb2', name: '第二开标室', kind: '开标室', seats: 40, active: true },
  { _id: 'pb1', name: '第一评标室', kind: '评标室', seats: 12, active: true },
  { _id: 'pb2', name: '第二评标室', kind: '评标室', seats: 12, active: true },
  { _id: 'yc1', name: '远程异地评标室', kind: '远程异地评标室', seats: 10, active: true },
  { _id: 'yp1', name: '样品室', kind: '样品室', seats: null, active: true },
  { _id: 'pei1', name: '陪标室', kind: '陪标室', seats: 20, active: true },
];

export const dayId = (room: string, day: string) => `${room}~${day}`;

/** The day (YYYY-MM-DD) it is in Beijing. */
export function chinaToday(now = new Date()): string {
  return chinaDate(now);
}

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function venueModels(db: Connection): { Room: Model<RoomDoc>; Day: Model<DayDoc> } {
  return {
    Room: modelOn<RoomDoc>(
      db,
      'VenueRoom',
      new Schema<RoomDoc>(
        { _id: String, name: String, kind: String, seats: Number, active: Boolean },
        { versionKey: false, _id: false, collection: 'venue_rooms' },
      ),
    ),
    Day: modelOn<DayDoc>(
      db,
      'VenueDay',
      new Schema<DayDoc>(
        { _id: String, room: String, day: String, version: Number, sessions: Schema.Types.Mixed },
        { versionKey: false, _id: false, collection: 'venue_days' },
      ),
    ),
  };
}
