/**
 * The memory layout against the real database: the live inbox holds open work only, closed tasks
 * and each person's history views live apart, and a start reads a snapshot and the log since —
 * also after a stop that left no snapshot.
 */
import { eventually, freshDbEach } from '@ggzy/engine-workers/testing';
import type { TaskDoc } from '../task.model';
import { MemoryTaskStore } from './memory-task-store';
import { AuditService } from '../../audit/audit.service';

const t = freshDbEach('memory_store');

const t0 = Date.UTC(2026, 10, 30, 1);

function task(n: number, over: Partial<TaskDoc> = {}): TaskDoc {
  return {
    _id: `i${n % 3}:task${n}`,
    kind: 'engine',
    instanceId: `i${n % 3}`,
    processId: n % 2 ? 'archive-lending' : 'anomaly-escalation',
    processName: '流程',
    processVersion: 1,
    elementId: 'verify',
    name: `步骤${n}`,
    formId: null,
    status: 'open',
    assignee: null,
    owner: null,
    delegationState: null,
    candidateGroups: ['supervision'],
    candidateUsers: [],
    priority: 50,
    dueDate: null,
    createdAt: new Date(t0 + n * 1000),
    title: `任务 ${n}`,
    projectId: 'P1',
    projectName: '项目',
    starter: 'witness1',
    classification: null,
    pendingSigners: [],
    variables: JSON.stringify({ n }),
    returnable: false,
    urgeCount: 0,
    touched: false,
    version: 1,
    ...over,
  };
}

async function complete(store: MemoryTaskStore, id: string, by: string, at: number): Promise<TaskDoc> {
  const t = (await store.get(id))!;
  const claimed = (await store.change(id, t.version, { set: { assignee: by, claimedAt: new Date(at - 500), touched: true } }))!;
  const done = (await store.change(id, claimed.version, { set: { status: 'completed', completedAt: new Date(at), completedBy: by } }))!;
  store.engineConfirmed(id); // the engine took the completion (as TaskActions tells the store)
  return done;
}

async function settle(store: MemoryTaskStore): Promise<void> {
  // The history write and view appends follow the act in the background.
  for (let i = 0; i < 100 && store.live.tasks.size && [...store.live.tasks.values()].some((t) => t.status !== 'open'); i++)
    await new Promise((r) => setTimeout(r, 20));
  await store.views.settled();
}

test('a closed task leaves the live inbox for history; the history views read it back newest first', async () => {
  // given
  const store = new MemoryTaskStore(t.db);
  await store.load();
  for (let n = 0; n < 6; n++) expect(await store.insert(task(n))).toBe(true);
  // when sup1 completes three of them, one after another
  for (const [n, at] of [
    [0, 10],
    [1, 20],
    [2, 30],
  ] as const)
    await complete(store, `i${n % 3}:task${n}`, 'sup1', t0 + at * 60_000);
  await settle(store);
  // then only open tasks stay live
  expect([...store.live.tasks.keys()].sort()).toEqual(['i0:task3', 'i1:task4', 'i2:task5']);
  expect(await t.db.collection('inbox_task_history').countDocuments({ _id: { $in: ['i0:task0', 'i1:task1', 'i2:task2'] } as never })).toBe(3);
  // and sup1's 已办 is newest completion first, counted, and filtered by process from the entries
  const done = await store.historyPage('done', 'sup1', {}, 0, 10);
  expect(done.items.map((t) => t._id)).toEqual(['i2:task2', 'i1:task1', 'i0:task0']);
  expect(done.items[0]).toMatchObject({ status: 'completed', completedBy: 'sup1', version: 3 });
  expect(done.total).toBe(3);
  expect(await store.historyCount('done', 'sup1')).toBe(3);
  expect((await store.historyPage('done', 'sup1', { processId: 'archive-lending' }, 0, 10)).items.map((t) => t._id)).toEqual(['i1:task1']);
  // and witness1's 我发起的 has all six, newest first, the page cut where asked
  const started = await store.historyPage('started', 'witness1', {}, 1, 2);
  expect({ ids: started.items.map((t) => t._id), total: started.total }).toEqual({ ids: ['i1:task4', 'i0:task3'], total: 6 });
  // and a closed task is still read by id, and an instance lists its closed and open tasks
  expect((await store.get('i0:task0'))?.completedBy).toBe('sup1');
  expect((await store.find({ instanceId: 'i0' })).map((t) => t._id).sort()).toEqual(['i0:task0', 'i0:task3']);
  expect((await store.variables('i0:task0')).n).toBe(0);
  await store.close();
});

test('a page of closed tasks is read from the items kept with the lists, not task by task; a later change to a closed task is kept too', async () => {
  // given sup1 completed three tasks of witness1's, and one completion was voided afterwards
  const first = new MemoryTaskStore(t.db);
  await first.load();
  for (let n = 0; n < 4; n++) expect(await first.insert(task(n))).toBe(true);
  for (let n = 0; n < 3; n++) await complete(first, `i${n % 3}:task${n}`, 'sup1', t0 + (n + 1) * 600_000);
  await settle(first);
  const voided = (await first.get('i1:task1'))!;
  expect(await first.change('i1:task1', voided.version, { set: { status: 'canceled', result: null } }, { anyStatus: true })).toBeTruthy();
  await settle(first);
  await first.snapshot();
  await first.close();

  // when a new process reads the pages (nothing of history in its memory)
  const store = new MemoryTaskStore(t.db);
  await store.load();
  const byId = jest.spyOn(store.history, 'getTask');
  const done = await store.historyPage('done', 'sup1', {}, 0, 20);
  const started = await store.historyPage('started', 'witness1', {}, 0, 20);

  // then the closed tasks come from the kept items, as they last were, dates as dates; the open one from memory
  expect(byId).not.toHaveBeenCalled();
  expect(done.items.map((t) => [t._id, t.status])).toEqual([
    ['i2:task2', 'completed'],
    ['i1:task1', 'canceled'],
    ['i0:task0', 'completed'],
  ]);
  expect(done.items[0]!.completedAt).toEqual(new Date(t0 + 1_800_000));
  expect(done.items[1]!.version).toBe(4);
  expect(started.items.map((t) => [t._id, t.status])).toEqual([
    ['i0:task3', 'open'],
    ['i2:task2', 'completed'],
    ['i1:task1', 'canceled'],
    ['i0:task0', 'completed'],
  ]);
  expect(await t.db.collection('inbox_view_items').countDocuments({ _id: { $in: ['done:sup1:b0', 'started:witness1:b0'] } as never })).toBe(2);
  await store.close();
});

test('a start reads the snapshot and replays only the log since; the log before it is dropped', async () => {
  // given a store that took a snapshot on its way down, with work after an earlier snapshot
  const first = new MemoryTaskStore(t.db);
  await first.load();
  for (let n = 0; n < 4; n++) await first.insert(task(n));
  await first.snapshot();
  const epochAfterFirst = first.log.epoch;
  await complete(first, 'i0:task0', 'sup2', t0 + 5 * 60_000);
  await first.change('i1:task1', 1, { set: { assignee: 'sup1', touched: true } });
  await settle(first);
  await first.close();
  // when the next process starts
  const next = new MemoryTaskStore(t.db);
  await next.load();
  // then it holds exactly the open work, as it was, and the history is there
  expect([...next.live.tasks.keys()].sort()).toEqual(['i1:task1', 'i2:task2', 'i0:task3'].sort());
  expect(next.live.tasks.get('i1:task1')).toMatchObject({ assignee: 'sup1', version: 2 });
  expect((await next.historyPage('done', 'sup2', {}, 0, 10)).items.map((t) => t._id)).toEqual(['i0:task0']);
  // and the log holds no epoch before the last snapshot's
  expect((await next.log.epochs()).every((e) => e > epochAfterFirst)).toBe(true);
  await next.close();
});

test('a snapshot does not read the audit trail for acts whose events this process chained; after a crash it does, once', async () => {
  // given acts with their audit events, chained by this process
  const audit = new AuditService(t.db);
  const lookups = jest.spyOn(audit, 'unchained');
  const first = new MemoryTaskStore(t.db);
  first.useAudit(audit, () => undefined);
  await first.load();
  for (let n = 0; n < 3; n++) await first.insert(task(n));
  const event = (n: number) => ({ actor: 'sup1', action: 'task.claimed', instanceId: `i${n}`, taskId: `i${n}:task${n}` });
  for (let n = 0; n < 3; n++) await first.change(`i${n}:task${n}`, 1, { set: { assignee: 'sup1', touched: true } }, undefined, event(n));
  await eventually(async () => (await audit.list({ action: 'task.claimed' }, 1, 10)).total === 3);

  // when it takes a snapshot, nothing is looked up
  await first.snapshot();
  expect(lookups).not.toHaveBeenCalled();

  // and a new process after a crash (no snapshot of the acts after it) looks them up once, chaining none twice
  await first.change('i0:task0', 2, { set: { priority: 80 } }, undefined, event(0));
  await eventually(async () => (await audit.list({ action: 'task.claimed' }, 1, 10)).total === 4);
  const next = new MemoryTaskStore(t.db);
  const again = new AuditService(t.db);
  const afterCrash = jest.spyOn(again, 'unchained');
  next.useAudit(again, () => undefined);
  await next.load();
  await next.snapshot();
  expect(afterCrash).toHaveBeenCalledTimes(1);
  expect((await again.list({ action: 'task.claimed' }, 1, 10)).total).toBe(4);
  await next.close();
});

test('after a stop with no snapshot (a crash), the log since the last one is replayed and a closed task reaches history', async () => {
  // given acts stored in the log, and one task closed whose history write never happened
  const crashed = new MemoryTaskStore(t.db);
  await crashed.load();
  for (let n = 0; n < 3; n++) await crashed.insert(task(n));
  await crashed.change('i0:task0', 1, { set: { assignee: 'sup1', touched: true } });
  await crashed.views.settled();
  const epoch = crashed.log.epoch;
  await t.db.collection(epoch === 0 ? 'inbox_task_changes' : `inbox_task_changes_${epoch}`).insertOne({
    _id: 'i1:task1#2',
    taskId: 'i1:task1',
    version: 2,
    at: new Date(),
    change: JSON.stringify({ set: { status: 'canceled', completedAt: new Date(t0) } }),
  } as never);
  // (the process dies: no close, no snapshot)

  // when a new process starts
  const next = new MemoryTaskStore(t.db);
  await next.load();
  await settle(next);
  // then the claim is there, and the canceled task was written to history and let go of
  expect(next.live.tasks.get('i0:task0')).toMatchObject({ assignee: 'sup1', version: 2 });
  expect(next.live.tasks.has('i1:task1')).toBe(false);
  expect(await next.get('i1:task1')).toMatchObject({ status: 'canceled', version: 2 });
  // and a task stored twice (its creation told again) is not added twice
  expect(await next.insert(task(2))).toBe(false);
  expect(await next.historyCount('started', 'witness1')).toBe(3);
  await next.close();
});

test("an ended instance's people go to history once its last task closes; a CC counts as taking part", async () => {
  // given an instance with one closed and one open task, its first task CC'd to office1
  const store = new MemoryTaskStore(t.db);
  await store.load();
  await store.insert(task(0, { candidateGroups: ['engineering'] }));
  await store.insert(task(3, { candidateGroups: ['supervision'] }));
  await complete(store, 'i0:task0', 'eng_head', t0 + 60_000);
  await store.addCc((await store.get('i0:task0'))!, 'office1', new Date(t0 + 90_000));
  await settle(store);
  expect(await store.historyCount('cc', 'office1')).toBe(1);
  // when the instance ends while task3 is still open, and then task3 is canceled
  await store.endInstance('i0');
  expect(store.live.instances.has('i0')).toBe(true);
  await store.change('i0:task3', 1, { set: { status: 'canceled', completedAt: new Date() } });
  await settle(store);
  for (let i = 0; i < 50 && store.live.instances.has('i0'); i++) await new Promise((r) => setTimeout(r, 20));
  // then the instance is history, with everyone who took part, and it still answers who took part
  expect(store.live.instances.has('i0')).toBe(false);
  const people = await store.instancePeople('i0');
  expect([...people.participants].sort()).toEqual(['eng_head', 'office1', 'witness1']);
  expect([...people.groups].sort()).toEqual(['engineering', 'supervision']);
  expect(people.currentSteps).toEqual([]);
  expect((await store.find({ instanceId: 'i0' })).map((t) => t.status).sort()).toEqual(['canceled', 'completed']);
  // and told again, the end changes nothing
  await store.endInstance('i0');
  expect([...(await store.instancePeople('i0')).participants].sort()).toEqual(['eng_head', 'office1', 'witness1']);
  await store.close();
});

test('a system from before history apart: views are built at the first start, closed tasks move to history, and a snapshot is left', async () => {
  // given tasks stored the old way (inbox_tasks), one of them closed, and a CC entry
  await t.db
    .collection('inbox_tasks')
    .insertMany([task(0, { status: 'completed', completedBy: 'sup1', completedAt: new Date(t0 + 60_000), version: 1 }), task(1), task(2)] as never[]);
  await t.db
    .collection('cc_entries')
    .insertOne({ _id: 'i1:task1:office1', taskId: 'i1:task1', instanceId: 'i1', userId: 'office1', from: 'sup1', at: new Date(t0) } as never);
  // when the system starts
  const store = new MemoryTaskStore(t.db);
  await store.load();
  await settle(store);
  // then the history views exist, the closed task is history, the CC'd person takes part
  expect(await store.historyCount('started', 'witness1')).toBe(3);
  expect((await store.historyPage('done', 'sup1', {}, 0, 10)).items.map((t) => t._id)).toEqual(['i0:task0']);
  expect((await store.historyPage('cc', 'office1', {}, 0, 10)).items.map((t) => t._id)).toEqual(['i1:task1']);
  expect([...(await store.instancePeople('i1')).participants]).toContain('office1');
  expect(store.live.tasks.has('i0:task0')).toBe(false);
  await store.close();
  // and the next start comes from a snapshot, with the same views (not doubled)
  expect(await t.db.collection('inbox_snapshots').countDocuments({ _id: 'head' } as never)).toBe(1);
  const next = new MemoryTaskStore(t.db);
  await next.load();
  expect(await next.historyCount('started', 'witness1')).toBe(3);
  expect([...next.live.tasks.keys()].sort()).toEqual(['i1:task1', 'i2:task2']);
  await next.close();
});
