/**
 * The monitor's pages from the instance lists give what filtering and sorting every row gave: the
 * same instances, newest first, with the same totals, for every filter, across blocks, with
 * classified instances left out for those who may not see them, told twice without repeats, and
 * for rows kept before the lists existed.
 */
import { freshDbEach } from '@ggzy/engine-workers/testing';
import type { UserDto } from '@ggzy/shared';
import { InstanceStates, type EndState } from './instance-states';
import { instanceMetaModel, type InstanceMetaDoc, type InstanceState } from './instance.model';
import { instancePage, type InstanceListQuery } from './instance-list-page';
import { InstanceLists, startLists } from './instance-lists';
import { buildInstanceLists } from './instance-lists-build';

const t = freshDbEach('instance_lists');

const person = (id: string, roles: string[], groups: string[] = []): UserDto => ({ id, name: id, sections: [], roles, oversees: [], groups }) as UserDto;
const admin = person('admin', ['admin']);
const deputy = person('dep', ['deputy']);
const staff = (id: string) => person(id, ['staff']);

/** Who took part in an instance, as the inbox would tell (the starter and these). */
const onIt = new Map<string, string[]>();
afterEach(() => onIt.clear());
const facts = async (id: string, starter: string) => ({
  participants: new Set([starter, ...(onIt.get(id) ?? [])]),
  groups: new Set<string>(),
  currentSteps: [],
});

const PROCESSES = ['anomaly', 'case', 'bid.review-2'];
const STARTERS = ['w1', 'w2', 'w3'];
const ENDS: EndState[] = ['completed', 'canceled', 'withdrawn', 'failed'];

/** The rows a query gives among those one sees, all of them read, in order: started newest first (ended ones: ended newest first). */
function expected(rows: InstanceMetaDoc[], q: InstanceListQuery, sees: (r: InstanceMetaDoc) => boolean = () => true): string[] {
  const ended = q.state && q.state !== 'active' && q.state !== 'incident';
  return rows
    .filter((r) => (!q.processId || r.processId === q.processId) && (!q.state || r.state === q.state) && sees(r))
    .sort((a, b) => (ended ? b.endedAt!.getTime() - a.endedAt!.getTime() : b.startedAt.getTime() - a.startedAt.getTime()))
    .map((r) => r._id);
}

async function seed(n: number, lists: boolean): Promise<InstanceMetaDoc[]> {
  const states = new InstanceStates(t.db);
  const Meta = instanceMetaModel(t.db);
  const base = Date.UTC(2026, 0, 1);
  for (let i = 0; i < n; i++) {
    const id = `i${String(i).padStart(4, '0')}`;
    await Meta.create({
      _id: id,
      processId: PROCESSES[i % 3],
      processName: 'p',
      version: 1,
      definitionKey: 'd',
      title: id,
      starter: STARTERS[(i * 7) % 3],
      starterName: 's',
      startedAt: new Date(base + i * 60_000),
      state: 'active',
      classification: i % 17 === 5 ? 'secret' : null,
    });
    if (lists) await states.lists.started(id);
  }
  // ends in an order of their own (not that of the starts); some at an incident, some still active
  for (let i = n - 1; i >= 0; i--) {
    const id = `i${String(i).padStart(4, '0')}`;
    if (i % 5 === 1) {
      if (lists) await states.move(id, 'active', 'incident');
      else await Meta.updateOne({ _id: id }, { $set: { state: 'incident' } });
    } else if (i % 5 !== 0) {
      const at = new Date(base + (n - i) * 90_000 + 86_400_000);
      if (lists) await states.end(id, ENDS[i % 4]!, at);
      else await Meta.updateOne({ _id: id }, { $set: { state: ENDS[i % 4], endedAt: at } });
    }
  }
  return Meta.find({}).lean();
}

async function pageIds(u: UserDto, q: Partial<InstanceListQuery>) {
  const r = await instancePage(new InstanceLists(t.db), u, { page: 1, pageSize: 20, ...q }, facts);
  return { ids: r.items.map((i) => i.id), total: r.total };
}

/** Every page of a query, read page by page as the monitor does. */
async function allPages(u: UserDto, q: Partial<InstanceListQuery>, pageSize: number) {
  const first = await pageIds(u, { ...q, pageSize });
  const ids = [...first.ids];
  for (let page = 2; (page - 1) * pageSize < first.total; page++) ids.push(...(await pageIds(u, { ...q, page, pageSize })).ids);
  return { ids, total: first.total };
}

const QUERIES: Array<Partial<InstanceListQuery>> = [
  {},
  { processId: 'case' },
  ...(['active', 'incident', ...ENDS] as InstanceState[]).map((state) => ({ state })),
  { state: 'completed', processId: 'anomaly' },
  { state: 'incident', processId: 'bid.review-2' },
  { mine: true },
  { mine: true, processId: 'anomaly' },
  { mine: true, state: 'canceled' },
  { mine: true, state: 'active', processId: 'case' },
];

test('every filter gives the instances, order and total that filtering all rows gave, page by page across blocks', async () => {
  const rows = await seed(140, true);
  // an admin and a staff member took part in a classified instance
  onIt.set('i0022', ['admin', 'w3']);
  for (const q of QUERIES) {
    const own = (id: string) => (r: InstanceMetaDoc) => r.starter === id;
    for (const [u, sees] of [
      // leaders: every instance
      [deputy, q.mine ? own('dep') : () => true],
      // admins: every one but the classified (also one they are on)
      [admin, q.mine ? own('admin') : (r: InstanceMetaDoc) => !r.classification],
      // applicants: those they started
      [person('w2', ['external']), own('w2')],
      // staff: those they may see, instance by instance (here, those they started and the one they are on)
      [staff('w3'), q.mine ? own('w3') : (r: InstanceMetaDoc) => r.starter === 'w3' || r._id === 'i0022'],
    ] as const) {
      const want = expected(rows, q as InstanceListQuery, sees);
      for (const pageSize of [20, 50, 7]) {
        const got = await allPages(u, q, pageSize);
        expect({ q, u: u.id, pageSize, ...got }).toEqual({ q, u: u.id, pageSize, ids: want, total: want.length });
      }
    }
  }
});

test('told twice, an instance is in its lists once; a list begun with a position a stop left empty passes over it', async () => {
  const rows = await seed(30, true);
  const lists = new InstanceLists(t.db);
  const states = new InstanceStates(t.db);
  for (const r of rows) {
    await lists.started(r._id);
    if (r.state !== 'active' && r.state !== 'incident') await states.end(r._id, r.state as EndState);
  }
  // a start that took its place in `all` and stopped before it wrote where
  await t.db.collection('instance_lists').updateOne({ _id: 'n:all' as never }, { $inc: { n: 1 } });
  await instanceMetaModel(t.db).create({
    _id: 'late',
    processId: 'case',
    processName: 'p',
    version: 1,
    definitionKey: 'd',
    title: 'late',
    starter: 'w1',
    starterName: 's',
    startedAt: new Date(Date.UTC(2027, 0, 1)),
    state: 'active',
  });
  await lists.started('late');
  const all = await allPages(deputy, {}, 20);
  expect(all.ids).toEqual(expected(await instanceMetaModel(t.db).find({}).lean(), {} as InstanceListQuery));
  expect(new Set(all.ids).size).toBe(all.ids.length);
  const ended = await allPages(deputy, { state: 'withdrawn' }, 20);
  expect(ended.ids).toEqual(expected(rows, { state: 'withdrawn' } as InstanceListQuery));
  expect(ended.total).toBe(ended.ids.length);
});

test('rows kept before the lists existed are put in them once (also after a build cut short); a classification made after the end still hides the instance', async () => {
  const rows = await seed(60, false);
  const lists = new InstanceLists(t.db);
  expect(await lists.built()).toBe(false);
  // a build a stop cut short had placed the first three rows and written the entries of two of them
  const first = rows.filter((r) => ['i0000', 'i0001', 'i0002'].includes(r._id)).sort((a, b) => a._id.localeCompare(b._id));
  const places = new Map(first.map((r) => [r._id, {} as Record<string, number>]));
  for (const r of first) for (const list of startLists(r)) places.get(r._id)![list] = await lists.takeRange(list, 1);
  await lists.placeMany(first.map((r) => ({ id: `${r._id}:start`, places: places.get(r._id)! })));
  for (const r of [first[0]!, first[2]!]) for (const [list, pos] of Object.entries(places.get(r._id)!)) await lists.writeMany(list, [{ pos, row: r }]);
  expect(await buildInstanceLists(t.db, lists)).toBe(60);
  expect((await allPages(deputy, {}, 20)).total).toBe(60);
  expect(await buildInstanceLists(t.db, lists)).toBe(0);
  const classified = new Set(rows.filter((r) => r.classification).map((r) => r._id));
  const unclassified = (r: InstanceMetaDoc) => !classified.has(r._id);
  for (const q of QUERIES.filter((q) => !q.mine)) expect((await allPages(admin, q, 20)).ids).toEqual(expected(rows, q as InstanceListQuery, unclassified));
  // an ended instance classified afterwards: left out of the admin's pages, ended lists too
  const late = rows.find((r) => r.state === 'completed' && !r.classification)!;
  await lists.noteClassified(late._id);
  classified.add(late._id);
  expect((await allPages(admin, { state: 'completed' }, 20)).ids).toEqual(expected(rows, { state: 'completed' } as InstanceListQuery, unclassified));
  expect((await allPages(admin, {}, 20)).ids).toEqual(expected(rows, {} as InstanceListQuery, unclassified));
});

test('an end whose row was written before a stop cut its listing short is listed when told again', async () => {
  await seed(3, true);
  const Meta = instanceMetaModel(t.db);
  // i0000 is active: its row ends, and the process stops before it is listed as ended
  await Meta.updateOne({ _id: 'i0000' }, { $set: { state: 'completed', endedAt: new Date() } });
  await t.db.collection('instance_ends').insertOne({ _id: 'i0000' as never, state: 'completed', at: new Date() });
  expect((await pageIds(deputy, { state: 'completed' })).ids).not.toContain('i0000');
  expect(await new InstanceStates(t.db).end('i0000', 'completed')).toBe(false);
  expect((await pageIds(deputy, { state: 'completed' })).ids).toContain('i0000');
  expect((await pageIds(deputy, { state: 'active' })).ids).not.toContain('i0000');
});
