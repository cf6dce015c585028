/**
 * A notice goes into its person's box once, read and written by the box's id: a new notice is
 * pushed as is, one told again (a job run again) only if the box does not hold it, and boxes made
 * by two notices at once keep both.
 */
import { freshDbEach } from '@ggzy/engine-workers/testing';
import { NotificationBoxes } from './notification-box';

const t = freshDbEach('notification_box');

const entry = (id: string) => ({ id, kind: 'task.assigned', at: new Date(Date.UTC(2026, 11, 1, 8)) });
const idsIn = async (boxes: NotificationBoxes, user: string) => (await boxes.page(user, { offset: 0, limit: 50 })).ids.map((x) => x.id).sort();

test('two new notices for a person with no box yet: both kept', async () => {
  const boxes = new NotificationBoxes(t.db);
  await Promise.all([boxes.add('sup1', entry('a'), true), boxes.add('sup1', entry('b'), true)]);
  expect(await idsIn(boxes, 'sup1')).toEqual(['a', 'b']);
});

test('a notice told again is not added twice; one the box does not hold is', async () => {
  const boxes = new NotificationBoxes(t.db);
  await boxes.add('sup1', entry('a'), true);
  await boxes.add('sup1', entry('a'));
  await boxes.add('sup1', entry('c'));
  expect(await idsIn(boxes, 'sup1')).toEqual(['a', 'c']);
  expect((await boxes.page('sup1', { offset: 0, limit: 50 })).unread).toBe(2);
});

test('boxes are read and written by id only', async () => {
  const boxes = new NotificationBoxes(t.db);
  const Box = t.db.model('NotificationBox');
  const calls = (['findOne', 'updateOne', 'find', 'exists'] as const).map((m) => jest.spyOn(Box, m as 'findOne'));
  await boxes.add('sup2', entry('x'), true);
  await boxes.add('sup2', entry('x'));
  const filters = calls.flatMap((c) => c.mock.calls.map((args) => args[0] as Record<string, unknown>));
  expect(filters.length).toBeGreaterThanOrEqual(3);
  expect(filters.filter((f) => Object.keys(f).join() !== '_id')).toEqual([]);
});
