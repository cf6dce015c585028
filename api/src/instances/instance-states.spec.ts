/**
 * An instance row's state moves by the row's id alone, and still: one end wins, an end is final,
 * an end a stop cut short is finished when told again, and an incident marked while the instance
 * ended does not hide the end.
 */
import { freshDbEach } from '@ggzy/engine-workers/testing';
import { InstanceStates } from './instance-states';
import { instanceMetaModel } from './instance.model';

const t = freshDbEach('instance_states');

const row = async (id: string, state = 'active') =>
  instanceMetaModel(t.db).create({
    _id: id,
    processId: 'p',
    processName: 'p',
    version: 1,
    definitionKey: 'd',
    title: id,
    starter: 'u',
    startedAt: new Date(),
    state,
  });
const stateOf = async (id: string) => (await instanceMetaModel(t.db).findById(id).lean())?.state;

test('of two ends at once one wins, and an end is final', async () => {
  const states = new InstanceStates(t.db);
  await row('i1');
  const [withdrawn, canceled] = await Promise.all([states.end('i1', 'withdrawn'), states.end('i1', 'canceled')]);
  expect([withdrawn, canceled].filter(Boolean)).toHaveLength(1);
  expect(await stateOf('i1')).toBe(withdrawn ? 'withdrawn' : 'canceled');
  expect(await states.end('i1', 'completed')).toBe(false);
  expect(await states.move('i1', 'active', 'incident')).toBe(false);
  expect(await stateOf('i1')).toBe(withdrawn ? 'withdrawn' : 'canceled');
  // no row (yet): nothing to end
  expect(await states.end('none', 'completed')).toBe(false);
});

test('an end a stop cut short between its entry and the row is finished when told again; another end is not', async () => {
  const states = new InstanceStates(t.db);
  await row('i2');
  const at = new Date(Date.UTC(2026, 10, 30, 8));
  await t.db.collection('instance_ends').insertOne({ _id: 'i2' as never, state: 'failed', at });
  expect(await states.end('i2', 'canceled')).toBe(false);
  expect(await stateOf('i2')).toBe('active');
  expect(await states.end('i2', 'failed')).toBe(true);
  expect(await instanceMetaModel(t.db).findById('i2').lean()).toMatchObject({ state: 'failed', endedAt: at });
});

test('active ⇄ incident; an end that came while an incident was marked is written back over it', async () => {
  const states = new InstanceStates(t.db);
  await row('i3');
  expect(await states.move('i3', 'incident', 'active')).toBe(false);
  expect(await states.move('i3', 'active', 'incident')).toBe(true);
  expect(await stateOf('i3')).toBe('incident');
  expect(await states.move('i3', 'incident', 'active')).toBe(true);
  // an end entered (by another process) after this one read the row as active
  await t.db.collection('instance_ends').insertOne({ _id: 'i3' as never, state: 'completed', at: new Date() });
  expect(await states.move('i3', 'active', 'incident')).toBe(false);
  expect(await stateOf('i3')).toBe('completed');
});

test('rows are read and written by id only', async () => {
  const states = new InstanceStates(t.db);
  await row('i4');
  const Meta = instanceMetaModel(t.db);
  const calls = (['findOne', 'updateOne', 'find', 'updateMany', 'countDocuments'] as const).map((m) => jest.spyOn(Meta, m as 'findOne'));
  await states.move('i4', 'active', 'incident');
  await states.end('i4', 'completed');
  const filters = calls.flatMap((c) => c.mock.calls.map((args) => args[0] as Record<string, unknown>));
  expect(filters.length).toBeGreaterThanOrEqual(4);
  expect(filters.filter((f) => Object.keys(f).join() !== '_id')).toEqual([]);
});
