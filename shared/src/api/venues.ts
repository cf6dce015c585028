/**
 * The venue calendar (场地预约, regulation 2.8) and the hall board: the center's rooms, the sessions
 * booked in them day by day, the witness on duty named for each, and what the hall's screen shows.
 */
import { z } from 'zod';
import { isoDateTime, projectNumber } from './common';

export const VENUE_PURPOSES = ['开标', '评标', '远程异地评标', '样品查验', '陪标', '其他'] as const;
export const ROOM_KINDS = ['开标室', '评标室', '远程异地评标室', '样品室', '陪标室'] as const;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'not a date (YYYY-MM-DD)');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'not a time of day (HH:mm)');

export const roomDto = z
  .strictObject({ id: z.string(), name: z.string(), kind: z.enum(ROOM_KINDS), seats: z.number().int().nullable().optional(), active: z.boolean() })
  .meta({ id: 'Room' });
export const roomsReply = z.strictObject({ items: z.array(roomDto) });
export const roomBody = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,30}$/, 'room id: lower-case letters, digits and -'),
  name: z.string().trim().min(1).max(40),
  kind: z.enum(ROOM_KINDS),
  seats: z.number().int().min(0).max(1000).nullable().optional(),
  active: z.boolean().default(true),
});

export const sessionDto = z
  .strictObject({
    id: z.string(),
    room: z.string(),
    roomName: z.string(),
    day,
    start: hhmm,
    end: hhmm,
    purpose: z.enum(VENUE_PURPOSES),
    projectId: z.string(),
    projectName: z.string(),
    section: z.string(),
    witness: z.string().nullable(),
    witnessName: z.string().nullable(),
    note: z.string().nullable().optional(),
    bookedBy: z.string(),
    bookedAt: isoDateTime,
    changedAt: isoDateTime.nullable().optional(),
    version: z.number().int(),
  })
  .meta({ id: 'VenueSession' });
export type VenueSessionDto = z.infer<typeof sessionDto>;

export const bookingBody = z
  .strictObject({
    room: z.string().max(30),
    day,
    start: hhmm,
    end: hhmm,
    purpose: z.enum(VENUE_PURPOSES),
    projectId: projectNumber,
    note: z.string().trim().max(500).nullable().optional(),
    /** The version last read, when changing a booking. */
    version: z.number().int().optional(),
    /** Why a booking changes (told to every party). */
    reason: z.string().trim().max(200).optional(),
  })
  .refine((b) => b.start < b.end, { message: 'the session must end after it starts', path: ['end'] });
export const bookingReply = z.strictObject({ session: sessionDto, notified: z.number().int() });
export const bookingParams = z.object({ id: z.string().regex(/^[a-z0-9-]{1,30}~\d{4}-\d{2}-\d{2}~[a-f0-9]{8}$/, 'not a booking id') });
export const cancelBookingBody = z.strictObject({ reason: z.string().trim().min(1).max(200) });
export const witnessBody = z.strictObject({ witness: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/) });

export const weekQuery = z.strictObject({ from: day.optional(), days: z.coerce.number().int().min(1).max(14).default(7) });
export const weekReply = z.strictObject({
  from: day,
  days: z.array(day),
  rooms: z.array(roomDto),
  sessions: z.array(sessionDto),
});

/** What the hall's screen shows: no names but the witness's, no amounts, no bidders. */
export const hallBoardReply = z.strictObject({
  day,
  updatedAt: isoDateTime,
  sessions: z.array(
    z.strictObject({
      start: hhmm,
      end: hhmm,
      roomName: z.string(),
      purpose: z.string(),
      projectId: z.string(),
      projectName: z.string(),
      witnessName: z.string().nullable(),
    }),
  ),
});
