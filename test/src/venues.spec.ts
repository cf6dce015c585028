/**
 * The venue calendar and the hall board over HTTP, as 综合科, a section head, a witness and the
 * hall's screen use them: booking, a conflict refused (also when several book the same slot at
 * once), the witness named and on the board the same day, a move told to every party, a cancel.
 */
import { startServer, type Body, type Client, type TestServer } from './harness';
import { addDays, chinaToday } from '../../api/src/venues/venue-calendar';

let s: TestServer;
let gen: Client;
const today = chinaToday();
beforeAll(async () => {
  s = await startServer('venues', { DEMO_DATA: 'true' });
  gen = await s.login('gen1');
});
afterAll(() => s?.close());

const opening = (extra: Record<string, unknown> = {}) => ({
  room: 'kb1',
  day: today,
  start: '09:00',
  end: '11:00',
  purpose: '开标',
  projectId: 'XXGC-2026-001',
  ...extra,
});
const notices = async (user: string, kind: string): Promise<Body[]> =>
  ((await (await s.login(user)).get('/api/notifications?limit=200')).body.items as Body[]).filter((n) => n.kind === kind);

let first: Body;

test('综合科 books a room; the same room at an overlapping time is refused, naming who holds it', async () => {
  const booked = await gen.post('/api/venues/bookings', opening({ note: '投标人 12 家' }));
  expect(booked.status).toBe(201);
  first = booked.body.session;
  expect(first).toMatchObject({
    room: 'kb1',
    roomName: '第一开标室',
    day: today,
    projectName: '湘西州人民医院门诊综合楼建设工程施工',
    section: 'engineering',
    witness: null,
    bookedBy: 'gen1',
    version: 1,
  });
  // the project's section is told
  expect(booked.body.notified).toBeGreaterThan(0);
  expect((await notices('eng_head', 'venue.booked')).some((n) => n.title.includes('湘西州人民医院'))).toBe(true);

  const clash = await gen.post('/api/venues/bookings', opening({ start: '10:30', end: '12:00', projectId: 'XXGC-2026-002' }));
  expect(clash.status).toBe(409);
  expect(clash.body.code).toBe('VENUE_CONFLICT');
  expect(clash.body.message).toContain('第一开标室');
  expect(clash.body.message).toContain('09:00–11:00');
  expect(clash.body.messageEn).toBeTruthy();
  // right after it, or in another room, is free
  expect((await gen.post('/api/venues/bookings', opening({ start: '11:00', end: '12:00', projectId: 'XXGC-2026-002' }))).status).toBe(201);
  expect((await gen.post('/api/venues/bookings', opening({ room: 'pb1', purpose: '评标', start: '10:00', end: '17:00' }))).status).toBe(201);
});

test('several booking one slot at once: exactly one gets it', async () => {
  const tries = await Promise.all(
    ['XXGC-2026-002', 'XXCG-2026-010', 'XXTD-2026-003', 'XXGC-2026-002', 'XXCG-2026-010'].map((projectId) =>
      gen.post('/api/venues/bookings', opening({ room: 'kb2', start: '14:00', end: '15:30', projectId })),
    ),
  );
  expect(tries.map((t) => t.status).sort()).toEqual([201, 409, 409, 409, 409]);
  const week = (await gen.get(`/api/venues/week?from=${today}&days=1`)).body;
  expect(week.sessions.filter((x: Body) => x.room === 'kb2')).toHaveLength(1);
});

test('bad bookings: who may, times in order, known rooms and projects', async () => {
  const witness = await s.login('witness1');
  expect((await witness.post('/api/venues/bookings', opening({ day: addDays(today, 1) }))).status).toBe(403);
  expect((await gen.post('/api/venues/bookings', opening({ start: '11:00', end: '10:00' }))).body.code).toBe('INVALID_BODY');
  expect((await gen.post('/api/venues/bookings', opening({ start: '25:00' }))).body.code).toBe('INVALID_BODY');
  expect((await gen.post('/api/venues/bookings', opening({ room: 'nowhere', day: addDays(today, 1) }))).body.code).toBe('ROOM_UNKNOWN');
  expect((await gen.post('/api/venues/bookings', opening({ projectId: 'NO-SUCH-9', day: addDays(today, 1) }))).status).toBe(404);
  expect((await (await s.login('external1')).get(`/api/venues/week?from=${today}`)).status).toBe(403);
});

test('the section head names the witness on duty; the hall board shows it the same day, nothing private', async () => {
  const head = await s.login('eng_head');
  // not a witness of the project's section, or not the head of it
  expect((await head.post(`/api/venues/bookings/${first.id}/witness`, { witness: 'proc1' })).body.code).toBe('WITNESS_INVALID');
  expect((await (await s.login('sup_head')).post(`/api/venues/bookings/${first.id}/witness`, { witness: 'witness1' })).status).toBe(403);
  const named = await head.post(`/api/venues/bookings/${first.id}/witness`, { witness: 'witness1' });
  expect(named.status).toBe(200);
  expect(named.body.session).toMatchObject({ witness: 'witness1', witnessName: '张见证', version: 2 });
  expect((await notices('witness1', 'venue.witness')).length).toBe(1);

  const board = await s.anonymous().get('/api/public/hall-board');
  expect(board.status).toBe(200);
  expect(board.body.day).toBe(today);
  const row = board.body.sessions.find((x: Body) => x.start === '09:00' && x.roomName === '第一开标室');
  expect(row).toEqual({
    start: '09:00',
    end: '11:00',
    roomName: '第一开标室',
    purpose: '开标',
    projectId: 'XXGC-2026-001',
    projectName: '湘西州人民医院门诊综合楼建设工程施工',
    witnessName: '张见证',
  });
  expect(JSON.stringify(board.body)).not.toContain('gen1');
  expect(JSON.stringify(board.body)).not.toContain('投标人 12 家');
  expect(board.body.sessions.map((x: Body) => x.start)).toEqual([...board.body.sessions.map((x: Body) => x.start)].sort());
});

test('a move is checked like a booking and told to every party; a cancel frees the room', async () => {
  // onto a held slot: refused, nothing changes
  const blocked = await gen.put(`/api/venues/bookings/${first.id}`, opening({ room: 'kb2', start: '15:00', end: '16:00', version: 2 }));
  expect(blocked.body.code).toBe('VENUE_CONFLICT');
  // an edit over a version since changed
  expect((await gen.put(`/api/venues/bookings/${first.id}`, opening({ start: '08:30', version: 1 }))).body.code).toBe('BOOKING_CHANGED');
  // tomorrow, in the second room
  const tomorrow = addDays(today, 1);
  const moved = await gen.put(
    `/api/venues/bookings/${first.id}`,
    opening({ room: 'kb2', day: tomorrow, start: '09:30', end: '11:30', version: 2, reason: '投标截止时间顺延' }),
  );
  expect(moved.status).toBe(200);
  expect(moved.body.session).toMatchObject({ room: 'kb2', day: tomorrow, start: '09:30', witness: 'witness1', version: 3 });
  for (const who of ['witness1', 'eng_head', 'gen1']) {
    const told = await notices(who, 'venue.changed');
    expect({ who, body: told[0]?.body }).toEqual({ who, body: expect.stringContaining('投标截止时间顺延') });
  }
  // the old slot is free, the board no longer shows it today
  expect((await gen.post('/api/venues/bookings', opening({ projectId: 'XXCG-2026-010', purpose: '开标' }))).status).toBe(201);
  const board = (await s.anonymous().get('/api/public/hall-board')).body;
  expect(board.sessions.find((x: Body) => x.projectId === 'XXGC-2026-001' && x.roomName === '第一开标室')).toBeUndefined();
  // the project's page lists its sessions where they now are
  const page = (await gen.get('/api/projects/XXGC-2026-001')).body;
  expect(page.sessions.map((x: Body) => `${x.day} ${x.room} ${x.start}`)).toEqual([`${today} pb1 10:00`, `${tomorrow} kb2 09:30`]);

  const cancel = await gen.post(`/api/venues/bookings/${moved.body.session.id}/cancel`, { reason: '项目终止' });
  expect(cancel.status).toBe(200);
  expect((await notices('witness1', 'venue.canceled'))[0].body).toContain('项目终止');
  const week = (await gen.get(`/api/venues/week?from=${today}&days=2`)).body;
  expect(week.days).toEqual([today, tomorrow]);
  expect(week.rooms.map((r: Body) => r.id)).toEqual(expect.arrayContaining(['kb1', 'kb2', 'pb1', 'pb2', 'yc1', 'yp1', 'pei1']));
  expect(week.sessions.some((x: Body) => x.id === moved.body.session.id)).toBe(false);
  const trail = ((await (await s.login('admin')).get('/api/audit?pageSize=200')).body.items as Body[]).map((e) => e.action);
  expect(trail).toEqual(expect.arrayContaining(['venue.booked', 'venue.witness-named', 'venue.changed', 'venue.canceled']));
});

test('admins add, rename and retire rooms; a retired room takes no booking but keeps its history', async () => {
  const admin = await s.login('admin');
  expect((await gen.post('/api/venues/rooms', { id: 'kb3', name: '第三开标室', kind: '开标室', seats: 30 })).status).toBe(403);
  const added = await admin.post('/api/venues/rooms', { id: 'kb3', name: '第三开标室', kind: '开标室', seats: 30 });
  expect(added.status).toBe(200);
  expect((await gen.post('/api/venues/bookings', opening({ room: 'kb3', day: addDays(today, 3) }))).status).toBe(201);
  // renamed: the week shows the new name
  await admin.post('/api/venues/rooms', { id: 'kb3', name: '第三开标室（二楼）', kind: '开标室', seats: 30 });
  const week = (await gen.get(`/api/venues/week?from=${addDays(today, 3)}&days=1`)).body;
  expect(week.sessions.find((x: Body) => x.room === 'kb3').roomName).toBe('第三开标室（二楼）');
  // retired: refused for new bookings, listed as inactive
  await admin.post('/api/venues/rooms', { id: 'kb3', name: '第三开标室（二楼）', kind: '开标室', seats: 30, active: false });
  expect((await gen.post('/api/venues/bookings', opening({ room: 'kb3', day: addDays(today, 4) }))).body.code).toBe('ROOM_UNKNOWN');
  expect((await gen.get('/api/venues/rooms')).body.items.find((r: Body) => r.id === 'kb3')).toMatchObject({ active: false });
  expect((await admin.post('/api/venues/rooms', { id: 'Bad Id', name: 'x', kind: '开标室' })).body.code).toBe('INVALID_BODY');
  const trail = ((await admin.get('/api/audit?action=venue.room-saved')).body.items as Body[]).map((e) => e.data.name);
  expect(trail).toEqual(expect.arrayContaining(['第三开标室', '第三开标室（二楼）']));
});
