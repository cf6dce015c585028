/**
 * The time-limit rounds read the open steps due by their moment from an index by due hour, and
 * find exactly what a look at every open step finds, while steps are urged, reported, closed and
 * come anew — without looking at every open step.
 */
import fc from 'fast-check';
import type { TaskDoc } from '../task.model';
import { DueIndex } from './due-index';
import { LiveInbox } from './live-inbox';
import { matches, type TaskFilter } from './task-filter';

const HOUR = 3600_000;
const base = Date.UTC(2026, 10, 1);

test('a moment reads the hours up to it, early first, and a step leaves its hour', () => {
  const due = new DueIndex();
  for (let h = 999; h >= 0; h--) due.add(`t${h}`, new Date(base + h * HOUR + 60_000));
  expect([...due.dueBy(new Date(base + 10 * HOUR))]).toEqual(Array.from({ length: 11 }, (_, h) => `t${h}`));
  due.delete('t3', new Date(base + 3 * HOUR + 60_000));
  due.delete('t0', new Date(base + 60_000));
  expect([...due.dueBy(new Date(base + 4 * HOUR))]).toEqual(['t1', 't2', 't4']);
  expect([...due.dueBy(new Date(base - HOUR))]).toEqual([]);
});

const stepArb = fc.record({
  open: fc.boolean(),
  dueHour: fc.option(fc.integer({ min: 0, max: 48 }), { nil: null }),
  urged: fc.boolean(),
  supervised: fc.boolean(),
  assignee: fc.option(fc.constantFrom('u1', 'u2'), { nil: null }),
});
type Step = typeof stepArb extends fc.Arbitrary<infer S> ? S : never;

function taskOf(i: number, s: Step): TaskDoc {
  return {
    _id: `t${i}`,
    kind: 'engine',
    instanceId: `i${i % 7}`,
    processId: 'anomaly-escalation',
    processName: '要情专报',
    processVersion: 1,
    elementId: 'ack',
    name: '签收',
    title: '标题',
    status: s.open ? 'open' : 'completed',
    assignee: s.assignee,
    candidateGroups: ['office'],
    candidateUsers: [],
    pendingSigners: [],
    priority: 50,
    dueDate: s.dueHour === null ? null : new Date(base + s.dueHour * HOUR + 1_000 * i),
    createdAt: new Date(base - HOUR),
    starter: 'u3',
    variables: '',
    urgedAt: s.urged ? new Date(base) : null,
    supervisedAt: s.supervised ? new Date(base) : null,
    urgeCount: 0,
    version: 1,
  } as unknown as TaskDoc;
}

test('the rounds find what a look at every step finds, as steps change', () => {
  fc.assert(
    fc.property(
      fc.array(stepArb, { minLength: 1, maxLength: 60 }),
      fc.array(fc.tuple(fc.nat(), stepArb), { maxLength: 40 }),
      fc.integer({ min: -1, max: 50 }),
      (steps, changes, hour) => {
        const live = new LiveInbox();
        const tasks = steps.map((s, i) => live.remember(taskOf(i, s)));
        for (const [k, s] of changes) {
          const i = k % tasks.length;
          const after = taskOf(i, s);
          live.replace(tasks[i]!, after);
          tasks[i] = after;
        }
        const at = new Date(base + hour * HOUR + 30 * 60_000);
        for (const f of [
          { status: 'open', kind: 'engine', notUrged: true, dueBefore: at },
          { status: 'open', kind: 'engine', notSupervised: true, dueBefore: at },
        ] as TaskFilter[]) {
          const everyStep = tasks.filter((t) => matches(t, f)).map((t) => t._id);
          expect(
            live
              .scan(f)
              .map((t) => t._id)
              .sort(),
          ).toEqual(everyStep.sort());
        }
      },
    ),
    { numRuns: 300, seed: 2026 },
  );
});

test('a round reads the steps filed by their due hour, not every open step', () => {
  const live = new LiveInbox();
  // 1,000 open steps, one due each hour; three already due, the fourth a few seconds from now
  for (let i = 0; i < 1000; i++) live.remember(taskOf(i, { open: true, dueHour: i - 3, urged: false, supervised: false, assignee: null }));
  const everyStep = jest.spyOn(live.tasks, 'values');
  const looked = jest.spyOn(live.tasks, 'get');
  const due = live.scan({ status: 'open', kind: 'engine', notUrged: true, dueBefore: new Date(base) });
  expect(due.map((t) => t._id)).toEqual(['t0', 't1', 't2']);
  // (the three due, and the fourth filed in the same hour as the moment)
  expect(everyStep).not.toHaveBeenCalled();
  expect(looked.mock.calls.length).toBeLessThanOrEqual(4);
});
