/**
 * The filter's two forms agree: on random tasks stored in the real database, `matches` (memory)
 * and `toMongo` (a query) select the same tasks for random filters.
 */
import fc from 'fast-check';
import type { Connection, Model } from 'mongoose';
import { connectTestDb } from '@ggzy/engine-workers/testing';
import { taskModel, type TaskDoc } from '../task.model';
import { matches, toMongo, type TaskFilter } from './task-filter';

const users = ['u1', 'u2', 'u3'];
const groups = ['engineering', 'supervision', 'office', 'leader.deputy'];
const base = Date.UTC(2026, 10, 1);

const taskArb: fc.Arbitrary<Omit<TaskDoc, '_id'>> = fc.record({
  kind: fc.constantFrom('engine', 'add-sign'),
  instanceId: fc.constantFrom('i1', 'i2', 'i3'),
  processId: fc.constantFrom('anomaly-escalation', 'archive-lending'),
  processName: fc.constant('流程'),
  processVersion: fc.constant(1),
  elementId: fc.constantFrom('ack', 'verify'),
  name: fc.constant('步骤'),
  status: fc.constantFrom('open', 'completed', 'canceled'),
  assignee: fc.option(fc.constantFrom(...users), { nil: null, freq: 2 }),
  candidateGroups: fc.subarray(groups),
  candidateUsers: fc.subarray(users),
  priority: fc.integer({ min: 0, max: 100 }),
  dueDate: fc.option(
    fc.integer({ min: 0, max: 10 }).map((d) => new Date(base + d * 86_400_000)),
    { nil: null },
  ),
  createdAt: fc.integer({ min: 0, max: 10 }).map((d) => new Date(base + d * 3_600_000)),
  completedBy: fc.option(fc.constantFrom(...users), { nil: null }),
  title: fc.constant('标题'),
  projectId: fc.option(fc.constantFrom('P1', 'P2'), { nil: null }),
  starter: fc.constantFrom(...users),
  pendingSigners: fc.constant([]),
  variables: fc.constant('{}'),
  returnable: fc.boolean(),
  urgedAt: fc.option(fc.constant(new Date(base)), { nil: null }),
  supervisedAt: fc.option(fc.constant(new Date(base)), { nil: null }),
  urgeCount: fc.constant(0),
  touched: fc.boolean(),
  classification: fc.option(fc.constantFrom('public', 'secret', 'temp-secret'), { nil: null }),
  notForStarter: fc.option(fc.boolean(), { nil: undefined }),
  notFor: fc.option(fc.subarray(users), { nil: undefined }),
  version: fc.constant(1),
});

const filterArb: fc.Arbitrary<TaskFilter> = fc.record(
  {
    status: fc.constantFrom('open', 'completed', 'canceled'),
    kind: fc.constantFrom('engine', 'add-sign'),
    assignee: fc.option(fc.constantFrom(...users), { nil: null }),
    candidate: fc.record({ groups: fc.subarray(groups), user: fc.constantFrom(...users), unclassified: fc.boolean() }, { requiredKeys: ['groups', 'user'] }),
    completedBy: fc.constantFrom(...users),
    starter: fc.constantFrom(...users),
    instanceId: fc.constantFrom('i1', 'i2', 'i3'),
    processId: fc.constantFrom('anomaly-escalation', 'archive-lending'),
    projectId: fc.constantFrom('P1', 'P2'),
    priorityMin: fc.integer({ min: 0, max: 100 }),
    dueBefore: fc.integer({ min: 0, max: 10 }).map((d) => new Date(base + d * 86_400_000)),
    notUrged: fc.constant(true),
    notSupervised: fc.constant(true),
    touched: fc.boolean(),
    ids: fc.subarray(Array.from({ length: 40 }, (_, i) => `t${i}`)),
  },
  { requiredKeys: [] },
);

let db: Connection;
let Task: Model<TaskDoc>;
let tasks: TaskDoc[];

beforeAll(async () => {
  db = await connectTestDb('task-filter');
  Task = taskModel(db);
  tasks = fc.sample(taskArb, { numRuns: 200, seed: 12345 }).map((t, i) => ({ ...t, _id: `t${i}` }));
  await Task.insertMany(tasks);
});
afterAll(async () => {
  await db.dropDatabase();
  await db.close();
});

test('matches and toMongo select the same tasks', async () => {
  await fc.assert(
    fc.asyncProperty(filterArb, async (f) => {
      const inMemory = tasks
        .filter((t) => matches(t, f))
        .map((t) => t._id)
        .sort();
      const inDatabase = (await Task.find(toMongo(f)).select('_id').lean()).map((t) => t._id).sort();
      expect(inMemory).toEqual(inDatabase);
    }),
    { numRuns: 120, seed: 4242 },
  );
});

test('the sample covers the cases the views depend on', () => {
  // Enough of each kind that an empty result is not the only agreement tested.
  expect(tasks.filter((t) => t.status === 'open' && !t.assignee).length).toBeGreaterThan(20);
  expect(tasks.filter((t) => t.dueDate === null).length).toBeGreaterThan(20);
  expect(tasks.filter((t) => matches(t, { candidate: { groups: ['office'], user: 'u1' }, status: 'open' })).length).toBeGreaterThan(3);
});
