/**
 * Bookings and project edits are checked and written by id alone (a filter such as `{ _id,
 * version }` reads the whole collection on the embedded database), and still: of several bookings
 * of one slot at once one gets it, of two edits over the same version one is taken and the other
 * refused, a flow's step moving the project meanwhile makes an edit over the old version refused,
 * and a pause or its lifting done twice is done once.
 */
import type { Model } from 'mongoose';
import type { UserDto } from '@ggzy/shared';
import { freshDbEach } from '@ggzy/engine-workers/testing';
import { AuditService } from '../audit/audit.service';
import { Notifier } from '../notifications/notifier';
import { peopleModels } from '../people/user.model';
import { ProjectPauses } from '../projects/project-pauses';
import { ProjectRegister } from '../projects/project-register';
import { VenueCalendar, chinaToday } from './venue-calendar';

const t = freshDbEach('guarded_writes');

const gen: UserDto = { id: 'gen1', name: '综合科', roles: ['staff'], sections: ['general'] } as unknown as UserDto;
const head: UserDto = { id: 'eng_head', name: '工程科长', roles: ['head'], sections: ['engineering'] } as unknown as UserDto;
const entry = {
  name: '保靖县人民医院住院楼工程',
  kind: '工程建设',
  section: 'engineering',
  tenderer: '保靖县人民医院',
  budget: 56_000_000,
  registeredOn: '2027-03-01',
};

/** Every filter given to the model's writes, by the keys it names. */
function writeFilters(model: Model<never>): string[][] {
  const seen: string[][] = [];
  for (const m of ['updateOne', 'updateMany', 'findOneAndUpdate', 'replaceOne', 'deleteOne'] as const) {
    const real = (model[m] as (...a: unknown[]) => unknown).bind(model);
    jest.spyOn(model, m).mockImplementation(((filter: object, ...rest: unknown[]) => {
      seen.push(Object.keys(filter).sort());
      return real(filter, ...rest);
    }) as never);
  }
  return seen;
}

function services() {
  const audit = new AuditService(t.db);
  const projects = new ProjectRegister(t.db, audit);
  const venues = new VenueCalendar(t.db, projects, audit, new Notifier(t.db));
  return { audit, projects, venues };
}

test('bookings: several of one slot at once, one gets it; a move, a witness and a cancel — every write by the day’s id', async () => {
  const { projects, venues } = services();
  await projects.save(head, 'XXGC-2027-501', entry as never, 'register');
  const filters = writeFilters(venues.Day as never);
  const day = chinaToday();
  const slot = { room: 'kb1', day, start: '09:00', end: '11:00', purpose: '开标', projectId: 'XXGC-2027-501' };
  const tries = await Promise.allSettled(Array.from({ length: 5 }, () => venues.book(gen, slot as never)));
  expect(tries.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  for (const r of tries) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'VENUE_CONFLICT', status: 409 });
  const won = (tries.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ session: { id: string } }>).value.session;

  const later = await venues.book(gen, { ...slot, start: '14:00', end: '15:00' } as never);
  await venues.change(gen, later.session.id, { ...slot, start: '11:00', end: '12:00', version: 1 } as never);
  // a move onto a taken time is refused and changes nothing
  await expect(venues.change(gen, later.session.id, { ...slot, start: '10:00', end: '12:00' } as never)).rejects.toMatchObject({ code: 'VENUE_CONFLICT' });
  await peopleModels(t.db).User.create({
    _id: 'witness1',
    name: '张见证',
    sections: ['engineering'],
    roles: ['witness'],
    oversees: [],
    passwordHash: 'x',
    active: true,
    createdAt: new Date(),
  });
  expect((await venues.nameWitness(head, later.session.id, 'witness1')).session).toMatchObject({ witness: 'witness1', version: 3 });
  await venues.cancel(gen, won.id, '延期');
  const left = (await venues.Day.findById(`kb1~${day}`).lean())!.sessions;
  expect(left.map((x) => `${x.start}–${x.end}`)).toEqual(['11:00–12:00']);
  expect(filters.length).toBeGreaterThanOrEqual(4);
  expect(filters.every((k) => k.join() === '_id')).toBe(true);
  expect(await t.db.collection('write_locks').countDocuments()).toBe(0);
});

test('project edits: of two over the same version one is taken; a flow’s step meanwhile refuses an edit over the old version; a pause and its lifting once each; writes by id', async () => {
  const { audit, projects } = services();
  await projects.save(head, 'XXGC-2027-502', entry as never, 'register');
  const filters = writeFilters(projects.model as never);
  const both = await Promise.allSettled([
    projects.save(head, 'XXGC-2027-502', { ...entry, name: '甲', version: 1 } as never, 'register'),
    projects.save(head, 'XXGC-2027-502', { ...entry, name: '乙', version: 1 } as never, 'register'),
  ]);
  const taken = both.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ doc: { name: string; version: number } }>[];
  expect(taken).toHaveLength(1);
  expect(both.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'PROJECT_CHANGED', status: 409 } });
  expect(await projects.model.findById('XXGC-2027-502').lean()).toMatchObject({ name: taken[0]!.value.doc.name, version: 2 });

  // a flow's step moves the project (version 3) right after an edit has read version 2
  const real = projects.model.findById.bind(projects.model);
  let first = true;
  jest.spyOn(projects.model, 'findById').mockImplementation(((id: string) => {
    const q = real(id);
    if (!first) return q;
    first = false;
    return {
      lean: async () => {
        const read = await q.lean();
        await projects.setStage('system', 'XXGC-2027-502', 'announced', { noticeOn: '2027-03-05' });
        return read;
      },
    };
  }) as never);
  await expect(projects.save(head, 'XXGC-2027-502', { ...entry, name: '丙' } as never, 'register')).rejects.toMatchObject({ code: 'PROJECT_CHANGED' });
  expect(first).toBe(false);
  expect(await projects.model.findById('XXGC-2027-502').lean()).toMatchObject({ stage: 'announced', version: 3, name: taken[0]!.value.doc.name });

  // a pause and its lifting, each done twice (a step run again): once each, by id
  const pauses = new ProjectPauses(t.db, audit, new Notifier(t.db));
  const pause = { projectId: 'XXGC-2027-502', instanceId: 'i-1', reason: '围标线索', by: 'system' };
  const paused = await pauses.pause(pause);
  expect(await pauses.pause(pause)).toMatchObject({ pausedAt: paused.pausedAt });
  const lift = { projectId: 'XXGC-2027-502', instanceId: 'i-1', reason: '核查无误', by: 'leader1', key: 'i-1:resume' };
  expect(await pauses.resume(lift)).toEqual({ resumed: true });
  expect(await pauses.resume(lift)).toEqual({ resumed: false });
  expect(await projects.model.findById('XXGC-2027-502').lean()).toMatchObject({ status: 'active', pauseInstanceId: null, stage: 'announced' });
  expect(filters.every((k) => k.join() === '_id')).toBe(true);
  expect(filters.length).toBeGreaterThanOrEqual(4);
});
