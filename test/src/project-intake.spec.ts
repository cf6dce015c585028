/**
 * 一站式项目服务 (2.8, 5.4.1, 6.5.1–6.5.2) end to end over HTTP as the real roles: an agent
 * registers a project online; 综合科 names every missing material at once and the agent supplies
 * them; a room is booked (a slot taken meanwhile sends the step back with what is in the way); the
 * business section publishes the notice; its head names the witness, who is on the hall board that
 * day; the witness's step becomes the day's witness record (表七); the contract date opens the
 * archive step, due in 5 working days; the archive is filed (one per project, each file's SHA-256
 * and SM3) and lent through archive-lending. A second system with a short limit shows the archive
 * step overdue (督办).
 */
import { WorkCalendar } from '../../api/src/calendar/work-calendar';
import { chinaToday } from '../../api/src/venues/venue-calendar';
import { claimAndComplete, eventually, PDF, requestArchive, startServer, type Body, type TestServer } from './harness';
import { intakeToArchiveStep } from './intake';

const today = chinaToday();
let s: TestServer;
beforeAll(async () => {
  s = await startServer('project_intake', { DEMO_DATA: 'true' });
});
afterAll(() => s?.close());

test('an online registration carried to a filed archive, which is then lent', async () => {
  const { id, problem, archive, eng } = await intakeToArchiveStep(s, 'XXGC-2027-801', '14', { clashFirst: true });
  expect(problem).toMatch(/第一开标室 .* 08:00–10:00 已被“吉首市乾州大道提质改造工程”（评标）占用/);

  // the register followed the flow; the project's page shows it
  const gen = await s.login('gen1');
  const page = (await gen.get('/api/projects/XXGC-2027-801')).body;
  expect(page.project).toMatchObject({
    source: 'intake',
    stage: 'contracted',
    section: 'engineering',
    tenderer: '泸溪县人民医院',
    noticeOn: today,
    awardOn: today,
    contractOn: today,
    budget: 38_000_000,
  });
  expect(page.project.openingAt).toBe(new Date(`${today}T14:00:00+08:00`).toISOString());
  expect(page.sessions).toEqual([expect.objectContaining({ room: 'kb1', start: '14:00', end: '16:00', witness: 'witness1' })]);
  expect((await eng.get('/api/projects/XXGC-2027-801')).body.instances.map((i: Body) => i.id)).toEqual([id]);

  // the witness is on the hall board today
  const board = (await s.anonymous().get('/api/public/hall-board')).body;
  expect(board.sessions).toContainEqual(expect.objectContaining({ projectId: 'XXGC-2027-801', start: '14:00', witnessName: '张见证', roomName: '第一开标室' }));

  // the witness record (表七) of that day
  const record = await s.db.collection('witness_records').findOne({ _id: `XXGC-2027-801~${today}` as never });
  expect(record).toMatchObject({
    witness: 'witness1',
    witnessName: '张见证',
    mode: 'offline',
    anomaly: true,
    anomalyDesc: '一家投标人授权委托书过期，已当场记录。',
    section: 'engineering',
    instanceId: id,
  });

  // the archive step is due within 5 working days of the contract date being entered
  const calendar = new WorkCalendar(s.db);
  await calendar.load();
  expect(new Date(archive.dueDate).getTime()).toBe(calendar.addWorkingDays(new Date(archive.createdAt), 5).getTime());

  // filed: one archive per project, every file of the flow in order, with its digests; read-only
  expect((await eng.upload('中标通知书.pdf', PDF, { category: 'other', taskId: archive.id })).status).toBe(201);
  await claimAndComplete(eng, archive.id, { archiveConfirm: true });
  const filed = await eventually(
    async () => (await s.db.collection('archives').findOne({ _id: 'DA-XXGC-2027-801' as never })) as Body,
    10_000,
    'the archive filed',
  );
  expect(filed.files.map((f: Body) => f.filename)).toEqual(['招标文件.pdf', '中标通知书.pdf']);
  for (const f of filed.files) {
    expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(f.sm3).toMatch(/^[0-9a-f]{64}$/);
  }
  expect(filed.content).toContain('SM3');
  // (the project is marked archived by the same job, right after the archive is written)
  const archivedPage = await eventually(
    async () => {
      const b = (await gen.get('/api/projects/XXGC-2027-801')).body;
      return b.project.stage === 'archived' ? b : null;
    },
    10_000,
    'the project archived',
  );
  expect(archivedPage).toMatchObject({ project: { stage: 'archived' }, archives: [{ id: 'DA-XXGC-2027-801' }] });

  // what archive lending lends: the new archive is among the request form's choices and on the archives page
  const ext = await s.login('external1');
  const choices = (await ext.get('/api/forms/archive-request')).body.options.archiveOptions as Body[];
  expect(choices.map((c) => c.value)).toContain('DA-XXGC-2027-801');
  const listed = ((await (await s.login('sup1')).get('/api/archives')).body.items as Body[]).find((a) => a.id === 'DA-XXGC-2027-801');
  expect(listed).toMatchObject({ projectId: 'XXGC-2027-801', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  const lent = await requestArchive(ext, {
    archiveId: 'DA-XXGC-2027-801',
    requesterUnit: '湘西州住房和城乡建设局',
    officerName: '吴监管',
    purpose: '核查合同签订情况',
    requestedDays: 1,
  });
  expect(lent.status).toBe(201);
});

test('an archive step left past its limit is reported to supervision (督办)', async () => {
  const short = await startServer('project_intake_late', {
    DEMO_DATA: 'true',
    TIME_LIMITS: { collectArchive: 'PT1S' },
    SUPERVISE_AFTER: 'PT1S',
    SLA_CHECK_MS: 100,
  });
  try {
    const { id } = await intakeToArchiveStep(short, 'XXGC-2027-802', '10');
    const supHead = await short.login('sup_head');
    const overdue = await eventually(
      async () => (await supHead.get('/api/notifications')).body.items.find((n: Body) => n.kind === 'task.overdue' && n.instanceId === id),
      15_000,
      'the archive step reported overdue',
    );
    expect(overdue.title).toContain('督办');
    expect(overdue.title + overdue.body).toContain('归集电子档案');
  } finally {
    await short.close();
  }
});

test('a contract date entered in the register opens the archive collection, once, due in 5 working days', async () => {
  const eng = await s.login('eng_head');
  const project = (await eng.get('/api/projects/XXGC-2026-002')).body.project;
  const entry = {
    name: project.name,
    kind: project.kind,
    section: project.section,
    tenderer: project.tenderer,
    agent: project.agent,
    budget: project.budget,
    registeredOn: project.registeredOn,
    stage: 'contracted',
  };
  expect((await eng.put('/api/projects/XXGC-2026-002', { ...entry, awardOn: today, contractOn: today, version: project.version })).status).toBe(200);
  const task = await eventually(
    async () =>
      ((await eng.get('/api/tasks?view=unclaimed&pageSize=100')).body.items as Body[]).find(
        (t) => t.processId === 'archive-collection' && t.elementId === 'collect_archive',
      ),
    10_000,
    'the archive collection step',
  );
  expect(task.title).toContain('吉首市乾州大道提质改造工程');
  const calendar = new WorkCalendar(s.db);
  await calendar.load();
  expect(new Date(task.dueDate).getTime()).toBe(calendar.addWorkingDays(new Date(task.createdAt), 5).getTime());
  // edited again: no second collection
  const again = (await eng.get('/api/projects/XXGC-2026-002')).body.project;
  expect(
    (await eng.put('/api/projects/XXGC-2026-002', { ...entry, awardOn: today, contractOn: today, name: `${project.name}（合同已签）`, version: again.version }))
      .status,
  ).toBe(200);
  await new Promise((r) => setTimeout(r, 500));
  expect(((await eng.get('/api/tasks?view=unclaimed&pageSize=100')).body.items as Body[]).filter((t) => t.processId === 'archive-collection')).toHaveLength(1);
  // filed from it, like the one-stop flow's
  await claimAndComplete(eng, task.id, { archiveConfirm: true });
  const filed = await eventually(async () => (await s.db.collection('archives').findOne({ _id: 'DA-XXGC-2026-002' as never })) as Body, 10_000, 'filed');
  expect(filed).toMatchObject({ projectId: 'XXGC-2026-002', filedBy: 'eng_head' });
  expect(await eventually(async () => (await eng.get('/api/projects/XXGC-2026-002')).body.project.stage === 'archived', 10_000, 'the project archived')).toBe(
    true,
  );
});

test('a contract date saved by a process that stopped before opening the archive collection: opened at the next start', async () => {
  // what a save leaves when the process dies right after it
  await s.db.collection('projects').insertOne({
    _id: 'XXCG-2027-990' as never,
    name: '州图书馆图书采购',
    kind: '政府采购',
    section: 'procurement',
    tenderer: '湘西州图书馆',
    stage: 'contracted',
    contractOn: today,
    source: 'register',
    version: 2,
    status: 'active',
    createdAt: new Date(),
  });
  const db = s.db;
  await s.halt();
  s = await startServer('project_intake', { DEMO_DATA: 'true' }, db);
  const proc = await s.login('proc1');
  const task = await eventually(
    async () =>
      ((await proc.get('/api/tasks?view=unclaimed&pageSize=100')).body.items as Body[]).find(
        (t) => t.processId === 'archive-collection' && t.title.includes('州图书馆图书采购'),
      ),
    10_000,
    'the archive collection opened at start',
  );
  expect(task.elementId).toBe('collect_archive');
  // and only once, however often the system starts
  await s.halt();
  s = await startServer('project_intake', { DEMO_DATA: 'true' }, db);
  await new Promise((r) => setTimeout(r, 300));
  const tasks = ((await (await s.login('proc1')).get('/api/tasks?view=unclaimed&pageSize=100')).body.items as Body[]).filter(
    (t) => t.processId === 'archive-collection',
  );
  expect(tasks).toHaveLength(1);
});
