/**
 * A project edit and a room booking — writes that must see the document as they read it — with a
 * year of the center's projects and room-days stored and with ten years': as the server does them
 * (checked and written by id holding the document's write lock) and, for comparison, as a filter
 * on the id and the version read (as it did before the locks).
 *
 * A year: 2,000 projects and 2,500 room-days (ten rooms, 250 working days).
 * Env: MONGODB_URI (a throw-away database is made in it), BENCH_GUARDED_YEARS (default `1,10`),
 * BENCH_GUARDED_WRITES (edits and bookings timed per size, default 100).
 */
import type { UserDto } from '@ggzy/shared';
import { onThrowawayDb } from './throwaway-db';
import { AuditService } from '../audit/audit.service';
import { Notifier } from '../notifications/notifier';
import { ProjectRegister } from '../projects/project-register';
import { VenueCalendar, addDays, chinaToday } from '../venues/venue-calendar';
import { pct, timed } from './timing';

const YEARS = (process.env.BENCH_GUARDED_YEARS ?? '1,10').split(',').map(Number);
const WRITES = Number(process.env.BENCH_GUARDED_WRITES ?? 100);
const PROJECTS_A_YEAR = 2_000;
const ROOM_DAYS_A_YEAR = 2_500;

const ms = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms, p99 ${pct(xs, 99).toFixed(1)} ms`;
const head = { id: 'eng_head', name: '工程科长', roles: ['head'], sections: ['engineering'] } as unknown as UserDto;
const gen = { id: 'gen1', name: '综合科', roles: ['staff'], sections: ['general'] } as unknown as UserDto;
const project = (i: number) => ({
  _id: `XXGC-H-${String(i).padStart(6, '0')}`,
  name: `历史项目 ${i}`,
  kind: '工程建设',
  section: 'engineering',
  tenderer: '某县人民政府',
  budget: 1_000_000 + i,
  registeredOn: '2026-01-05',
  stage: 'archived',
  source: 'import',
  version: 3,
  status: 'active',
  createdAt: new Date(),
});
const roomDay = (i: number) => ({
  _id: `hist${i % 10}~${String(2000 + Math.floor(i / 10)).padStart(6, '0')}`,
  room: `hist${i % 10}`,
  day: String(i),
  version: 2,
  sessions: [{ id: `s${i}`, start: '09:00', end: '11:00', purpose: '开标', projectId: 'P', projectName: '项目', section: 'engineering', version: 1 }],
});

onThrowawayDb('guarded', async (db) => {
  process.stdout.write(`\nGuarded writes — a project edit and a room booking, ${WRITES} each per size, with years of projects and room-days stored\n`);
  const audit = new AuditService(db);
  const projects = new ProjectRegister(db, audit);
  const venues = new VenueCalendar(db, projects, audit, new Notifier(db));
  await venues.rooms();
  const mine = 'XXGC-2027-900';
  const input = { name: '州人民医院综合楼', kind: '工程建设', section: 'engineering', tenderer: '州人民医院', budget: 9_000_000, registeredOn: '2027-01-04' };
  await projects.save(head, mine, input as never, 'register');
  let stored = 0;
  for (const years of YEARS) {
    const [p0, p1] = [stored * PROJECTS_A_YEAR, years * PROJECTS_A_YEAR];
    process.stdout.write(`  (storing ${years} year(s) of projects and room-days…)\n`);
    for (let i = p0; i < p1; i += 1000) {
      await db.collection('projects').insertMany(Array.from({ length: Math.min(1000, p1 - i) }, (_, k) => project(i + k)) as never[]);
      await db.collection('venue_days').insertMany(Array.from({ length: Math.min(1250, (p1 - i) * 1.25) }, (_, k) => roomDay(i * 1.25 + k)) as never[]);
    }
    stored = years;
    // (projects spread over all those stored, as editors pick them)
    const pick = (k: number) => project((k * 7919) % p1)._id;
    const edits = await timed(WRITES, async (k) => {
      const cur = (await projects.model.findById(pick(k)).lean())!;
      await projects.save(head, pick(k), { ...input, name: `第${k}次修改`, version: cur.version } as never, 'register');
    });
    const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    // (each size books its own day of the first room, five minutes at a time)
    const day = addDays(chinaToday(), years);
    const bookings = await timed(WRITES, (k) =>
      venues.book(gen, { room: 'kb1', day, start: hhmm(480 + 5 * k), end: hhmm(485 + 5 * k), purpose: '开标', projectId: mine } as never),
    );
    // the previous form of the same edit: the version read in the filter
    const filtered = await timed(Math.min(WRITES, years > 1 ? 5 : 20), async (k) => {
      const cur = (await projects.model.findById(pick(k + WRITES)).lean())!;
      await projects.model.updateOne({ _id: pick(k + WRITES), version: cur.version }, { $set: { name: `旧写法 ${k}`, version: (cur.version ?? 0) + 1 } });
    });
    process.stdout.write(
      `  ${String(years * PROJECTS_A_YEAR).padStart(6)} projects, ${String(years * ROOM_DAYS_A_YEAR).padStart(6)} room-days: ` +
        `edit ${ms(edits)}; booking ${ms(bookings)}; the edit as a filter on id and version ${ms(filtered)}\n`,
    );
  }
});
