/**
 * The venue calendar (场地预约, 2.8): the center's rooms and the sessions booked in them. A room's
 * day is one document (`venue_days`, `_id` `<room>~<day>`) holding that day's sessions; a booking
 * is checked and written holding the day's write lock (`db/write-locks.ts`), so two people booking
 * the same room at once cannot both get it, and every read and write is by `_id` (a week of seven
 * rooms is 49 reads by id, today's hall board seven). A session's id names its room and day.
 *
 * Booking, moving and cancelling are for 综合科 and admins; the witness on duty (见证人) is named by
 * the head of the project's business section. Every change is told to the project's section, 综合科,
 * the witness and who booked it, and written in the audit trail.
 */
import { randomBytes } from 'node:crypto';
import type { Connection, Model } from 'mongoose';
import { AppError, conflict, notFound, userError, type UserDto } from '@ggzy/shared';
import type { VenueSessionDto } from '@ggzy/shared/api';
import { forbidden } from '../http/auth-context';
import type { AuditService } from '../audit/audit.service';
import type { Notifier } from '../notifications/notifier';
import type { ProjectRegister } from '../projects/project-register';
import { linkToProject } from '../projects/project.model';
import { WriteLocks } from '../db/write-locks';
import { peopleModels } from '../people/user.model';
import { addDays, chinaToday, dayId, DEFAULT_ROOMS, venueModels, type BookingInput, type DayDoc, type RoomDoc, type SessionDoc } from './venue-model';

export { addDays, chinaToday, DEFAULT_ROOMS, type BookingInput, type RoomDoc } from './venue-model';

export class VenueCalendar {
  readonly Room: Model<RoomDoc>;
  readonly Day: Model<DayDoc>;
  private readonly User;
  private readonly locks: WriteLocks;

  constructor(
    private readonly db: Connection,
    private readonly projects: ProjectRegister,
    private readonly audit: AuditService,
    private readonly notifier: Notifier,
  ) {
    ({ Room: this.Room, Day: this.Day } = venueModels(db));
    this.User = peopleModels(db).User;
    this.locks = new WriteLocks(db);
  }

  /** The rooms, the default ones written on first start (a handful: read whole). */
  async rooms(): Promise<RoomDoc[]> {
    let rooms = await this.Room.find({}).sort({ _id: 1 }).lean();
    if (!rooms.length) {
      for (const r of DEFAULT_ROOMS) await this.Room.updateOne({ _id: r._id }, { $setOnInsert: r }, { upsert: true });
      rooms = await this.Room.find({}).sort({ _id: 1 }).lean();
    }
    return rooms;
  }

  async saveRoom(u: UserDto, room: RoomDoc): Promise<RoomDoc> {
    if (!u.roles.includes('admin')) throw forbidden('只有管理员可以维护场地', 'Only admins maintain the rooms');
    await this.Room.updateOne({ _id: room._id }, { $set: room }, { upsert: true });
    await this.audit.append({ actor: u.id, action: 'venue.room-saved', data: { ...room } });
    return room;
  }

  private async room(id: string): Promise<RoomDoc> {
    const r = (await this.rooms()).find((x) => x._id === id);
    if (!r || !r.active) throw userError('ROOM_UNKNOWN', `没有这个场地：${id}`, `No such room: ${id}`, { status: 422 });
    return r;
  }

  /** The sessions of some days in every room (one read by id per room and day). */
  async days(from: string, count: number): Promise<{ rooms: RoomDoc[]; days: string[]; sessions: VenueSessionDto[] }> {
    const rooms = await this.rooms();
    const days = Array.from({ length: count }, (_, i) => addDays(from, i));
    const docs = await Promise.all(rooms.flatMap((r) => days.map((d) => this.Day.findById(dayId(r._id, d)).lean())));
    const names = new Map(rooms.map((r) => [r._id, r.name]));
    const sessions = docs
      .filter((d) => !!d)
      .flatMap((d) => d.sessions.map((s) => this.dto(d, s, names.get(d.room) ?? d.room)))
      .sort((a, b) => (a.day + a.start).localeCompare(b.day + b.start) || a.room.localeCompare(b.room));
    return { rooms, days, sessions };
  }

  private dto(d: Pick<DayDoc, 'room' | 'day'>, s: SessionDoc, roomName: string): VenueSessionDto {
    return {
      ...s,
      room: d.room,
      roomName,
      day: d.day,
      note: s.note ?? null,
      bookedAt: new Date(s.bookedAt).toISOString(),
      changedAt: s.changedAt ? new Date(s.changedAt).toISOString() : null,
    };
  }

  private mayBook(u: UserDto): void {
    if (!u.roles.includes('admin') && !u.sections.includes('general'))
      throw forbidden('场地预约由综合科办理', 'Rooms are booked by the general section (综合科)');
  }

  /** Who holds the room at that time, if anyone (`except`: the session being moved). */
  private clash(doc: DayDoc | null, start: string, end: string, except?: string): SessionDoc | undefined {
    return doc?.sessions.find((s) => s.id !== except && s.start < end && start < s.end);
  }

  private refuse(room: RoomDoc, day: string, other: SessionDoc): AppError {
    return new AppError({
      kind: 'user',
      code: 'VENUE_CONFLICT',
      status: 409,
      zh: `${room.name} ${day} ${other.start}–${other.end} 已被“${other.projectName}”（${other.purpose}）占用`,
      en: `${room._id} is taken on ${day} ${other.start}–${other.end} by ${other.projectId} (${other.purpose})`,
      details: [{ field: 'start', code: 'VENUE_CONFLICT', message: `${other.projectId} ${other.start}–${other.end}`, sessionId: other.id }],
    });
  }

  /**
   * Put a session into a room's day, holding the day's write lock: read, checked for a clash and
   * written by the day's id, so two people booking the same room at once cannot both get it.
   */
  private put(room: RoomDoc, day: string, make: (doc: DayDoc | null) => SessionDoc, except?: string): Promise<SessionDoc> {
    return this.holdingDay(room._id, day, async (doc) => {
      const s = make(doc);
      const other = this.clash(doc, s.start, s.end, except);
      if (other) throw this.refuse(room, day, other);
      const sessions = [...(doc?.sessions.filter((x) => x.id !== except) ?? []), s].sort((a, b) => a.start.localeCompare(b.start));
      if (doc) await this.Day.updateOne({ _id: doc._id }, { $set: { sessions, version: doc.version + 1 } });
      else await this.Day.create({ _id: dayId(room._id, day), room: room._id, day, version: 1, sessions });
      return s;
    });
  }

  /** Run `write` on a room's day as stored (null: nothing booked yet), holding the day's write lock. */
  private holdingDay<T>(room: string, day: string, write: (doc: DayDoc | null) => Promise<T>): Promise<T> {
    const id = dayId(room, day);
    return this.locks.hold(`venue_days:${id}`, async () => write(await this.Day.findById(id).lean()));
  }

  /** Take a session out of its day (holding the day's write lock). */
  private remove(room: string, day: string, id: string): Promise<void> {
    return this.holdingDay(room, day, async (doc) => {
      if (!doc || !doc.sessions.some((s) => s.id === id)) return;
      await this.Day.updateOne({ _id: doc._id }, { $set: { sessions: doc.sessions.filter((s) => s.id !== id), version: doc.version + 1 } });
    });
  }

  /** A session by id (its id names its room and day). */
  async session(id: string): Promise<VenueSessionDto> {
    const [room, day] = id.split('~') as [string, string];
    const doc = await this.Day.findById(dayId(room, day)).lean();
    const s = doc?.sessions.find((x) => x.id === id);
    if (!doc || !s) throw notFound('Booking', '场地预约', id);
    const r = (await this.rooms()).find((x) => x._id === room);
    return this.dto(doc, s, r?.name ?? room);
  }

  async book(u: UserDto, b: BookingInput): Promise<{ session: VenueSessionDto; notified: number }> {
    this.mayBook(u);
    return this.bookAs(u.id, b);
  }

  /**
   * Book for `by`, whose right to has been checked already (a flow's step held by 综合科). `fixedId`:
   * the session's id, so that a repeated call finds the booking it made instead of making another.
   */
  async bookAs(by: string, b: BookingInput, fixedId?: string): Promise<{ session: VenueSessionDto; notified: number }> {
    if (fixedId) {
      const again = await this.session(fixedId).catch(() => null);
      if (again) return { session: again, notified: 0 };
    }
    const room = await this.room(b.room);
    const project = await this.projects.get(b.projectId);
    const id = fixedId ?? `${room._id}~${b.day}~${randomBytes(4).toString('hex')}`;
    const s = await this.put(room, b.day, () => ({
      id,
      start: b.start,
      end: b.end,
      purpose: b.purpose,
      projectId: project._id,
      projectName: project.name,
      section: project.section,
      witness: null,
      witnessName: null,
      note: b.note ?? null,
      bookedBy: by,
      bookedAt: new Date(),
      version: 1,
    }));
    await linkToProject(this.db, project._id, { sessionId: id });
    const session = this.dto({ room: room._id, day: b.day }, s, room.name);
    await this.audit.append({
      actor: by,
      action: 'venue.booked',
      data: { sessionId: id, projectId: project._id, room: room._id, day: b.day, start: b.start, end: b.end },
    });
    const notified = await this.tell(session, 'venue.booked', `【场地预约】${session.projectName}`, `${this.when(session)}，${session.purpose}。`);
    return { session, notified };
  }

  /** Move a session (another room, day or time): checked like a new booking, told to every party. */
  async change(u: UserDto, id: string, b: BookingInput): Promise<{ session: VenueSessionDto; notified: number }> {
    this.mayBook(u);
    const before = await this.session(id);
    const changed = () => conflict('BOOKING_CHANGED', '预约已被他人修改，请刷新后再改', 'The booking was changed by someone else; reload it first');
    if (b.version !== undefined && b.version !== before.version) throw changed();
    if (b.projectId !== before.projectId)
      throw userError('BOOKING_PROJECT', '预约的项目不能更改，请取消后重新预约', 'A booking keeps its project; cancel it and book again', { status: 422 });
    const room = await this.room(b.room);
    const sameDay = room._id === before.room && b.day === before.day;
    const moved: SessionDoc = {
      id: sameDay ? id : `${room._id}~${b.day}~${id.slice(-8)}`,
      start: b.start,
      end: b.end,
      purpose: b.purpose,
      projectId: before.projectId,
      projectName: before.projectName,
      section: before.section,
      witness: before.witness,
      witnessName: before.witnessName,
      note: b.note ?? null,
      bookedBy: before.bookedBy,
      bookedAt: new Date(before.bookedAt),
      changedAt: new Date(),
      version: before.version + 1,
    };
    // the new place first (refused if taken), then the old one let go: a stop between leaves it booked twice, never not at all
    await this.put(
      room,
      b.day,
      (doc) => {
        // (in the same day: changed since it was read above, e.g. its witness named meanwhile)
        if (sameDay && doc?.sessions.find((x) => x.id === id)?.version !== before.version) throw changed();
        return moved;
      },
      sameDay ? id : undefined,
    );
    if (!sameDay) {
      await this.remove(before.room, before.day, id);
      await linkToProject(this.db, before.projectId, { sessionId: moved.id });
    }
    const session = this.dto({ room: room._id, day: b.day }, moved, room.name);
    await this.audit.append({
      actor: u.id,
      action: 'venue.changed',
      data: { sessionId: id, newId: moved.id, projectId: before.projectId, before: this.when(before), after: this.when(session), reason: b.reason ?? null },
    });
    const notified = await this.tell(
      session,
      'venue.changed',
      `【场地变更】${session.projectName}`,
      `原定${this.when(before)}，改为${this.when(session)}。${b.reason ? `原因：${b.reason}` : ''}`,
      [before.bookedBy],
    );
    return { session, notified };
  }

  async cancel(u: UserDto, id: string, reason: string): Promise<{ notified: number }> {
    this.mayBook(u);
    const s = await this.session(id);
    await this.remove(s.room, s.day, id);
    await this.audit.append({ actor: u.id, action: 'venue.canceled', data: { sessionId: id, projectId: s.projectId, when: this.when(s), reason } });
    return {
      notified: await this.tell(s, 'venue.canceled', `【场地取消】${s.projectName}`, `${this.when(s)}的${s.purpose}已取消。原因：${reason}`, [s.bookedBy]),
    };
  }

  /** The head of the project's business section names the witness on duty: a witness of that section. */
  async nameWitness(u: UserDto, id: string, witness: string): Promise<{ session: VenueSessionDto; notified: number }> {
    const s = await this.session(id);
    if (!u.roles.includes('admin') && !(u.roles.includes('head') && u.sections.includes(s.section as never)))
      throw forbidden('见证人由项目所在业务科室负责人指定', "The witness is named by the head of the project's section");
    return this.nameWitnessAs(u.id, id, witness);
  }

  /** Name the witness for `by`, whose right to has been checked already (the section head's step of a flow). */
  async nameWitnessAs(by: string, id: string, witness: string): Promise<{ session: VenueSessionDto; notified: number }> {
    const s = await this.session(id);
    const person = await this.User.findById(witness).lean();
    if (!person || !person.active || !(person.roles ?? []).includes('witness') || !(person.sections ?? []).includes(s.section))
      throw userError('WITNESS_INVALID', `${witness} 不是本科室的见证人员`, `${witness} is not a witness of ${s.section}`, { status: 422 });
    const [room, day] = [s.room, s.day];
    const { doc, cur, next } = await this.holdingDay(room, day, async (doc) => {
      const cur = doc?.sessions.find((x) => x.id === id);
      if (!doc || !cur) throw notFound('Booking', '场地预约', id);
      if (cur.witness === witness) return { doc, cur, next: null };
      const next = { ...cur, witness, witnessName: person.name, version: cur.version + 1 };
      await this.Day.updateOne({ _id: doc._id }, { $set: { sessions: doc.sessions.map((x) => (x.id === id ? next : x)), version: doc.version + 1 } });
      return { doc, cur, next };
    });
    if (!next) return { session: this.dto(doc, cur, s.roomName), notified: 0 };
    const session = this.dto(doc, next, s.roomName);
    await this.audit.append({ actor: by, action: 'venue.witness-named', data: { sessionId: id, projectId: s.projectId, witness, before: cur.witness } });
    const notified = await this.tell(
      session,
      'venue.witness',
      `【见证安排】${s.projectName}`,
      `${this.when(session)}的${s.purpose}由 ${person.name} 见证。`,
      cur.witness ? [cur.witness] : [],
    );
    return { session, notified };
  }

  /** Today's sessions for the hall's screen (nothing private). */
  async board(day = chinaToday()) {
    const { sessions } = await this.days(day, 1);
    return {
      day,
      updatedAt: new Date().toISOString(),
      sessions: sessions.map((s) => ({
        start: s.start,
        end: s.end,
        roomName: s.roomName,
        purpose: s.purpose,
        projectId: s.projectId,
        projectName: s.projectName,
        witnessName: s.witnessName,
      })),
    };
  }

  private when(s: Pick<VenueSessionDto, 'day' | 'start' | 'end' | 'roomName'>): string {
    return `${s.day} ${s.start}–${s.end} ${s.roomName}`;
  }

  private tell(s: VenueSessionDto, kind: string, title: string, body: string, users: string[] = []): Promise<number> {
    return this.notifier.send({
      key: `${kind}:${s.id}:${s.version}:${Date.now()}`,
      groups: [s.section, 'general'],
      users: [...new Set([...users, s.bookedBy, ...(s.witness ? [s.witness] : [])])],
      kind,
      title,
      body,
    });
  }
}
