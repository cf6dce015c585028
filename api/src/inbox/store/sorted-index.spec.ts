import { SortedIds, compareEntries, mergedPage, unionSize, type SortEntry } from './sorted-index';

const DAY = 86_400_000;

function entries(n: number, seed = 7): SortEntry[] {
  let x = seed;
  const rnd = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: n }, (_, i) => ({
    id: `t${i}`,
    priority: Math.floor(rnd() * 5) * 20,
    due: rnd() < 0.2 ? -Infinity : Math.floor(rnd() * 10) * DAY,
    created: Math.floor(rnd() * 1000),
  }));
}

test('a list keeps the inbox order (priority high first, due early first, none first, then created) while tasks come and go', () => {
  const all = entries(500);
  const list = new SortedIds();
  for (const e of all) list.add(e);
  const removed = new Set<string>();
  // people take work from the top, and some from anywhere
  for (let i = 0; i < 40; i++) {
    const top = list.at(0)!;
    list.delete(top);
    removed.add(top.id);
    const any = all[(i * 37) % all.length]!;
    list.delete(any);
    removed.add(any.id);
  }
  const expected = all.filter((e) => !removed.has(e.id)).sort(compareEntries);
  expect(list.size).toBe(expected.length);
  expect(list.head(expected.length)).toEqual(expected.map((e) => e.id));
  expect(list.head(20)).toEqual(expected.slice(0, 20).map((e) => e.id));
  expect(Array.from({ length: list.size }, (_, i) => list.at(i)!.id)).toEqual(expected.map((e) => e.id));
  expect([...list.ids].sort()).toEqual(expected.map((e) => e.id).sort());
});

test('a page over several lists (a user in two sections) merges them in order without repeating a task offered to both', () => {
  const all = entries(120, 11);
  const a = new SortedIds();
  const b = new SortedIds();
  all.forEach((e, i) => {
    if (i % 2 === 0 || i % 5 === 0) a.add(e);
    if (i % 3 === 0 || i % 5 === 0) b.add(e);
  });
  const both = all.filter((_, i) => i % 2 === 0 || i % 5 === 0 || i % 3 === 0).sort(compareEntries);
  expect(unionSize([a, b])).toBe(both.length);
  expect(mergedPage([a, b], 25)).toEqual(both.slice(0, 25).map((e) => e.id));
  expect(mergedPage([a, b], 1000)).toEqual(both.map((e) => e.id));
});
