/**
 * The leaders' dashboard, its numbers checked against what the test did: reports by category,
 * steps finished by whom and how long they took, 督办, archive lending; who may look at what; the
 * export's sheets; each event counted once, also across a restart.
 */
import ExcelJS from 'exceljs';
import { chinaDate } from '@ggzy/shared';
import { monthsBefore } from '../../api/src/dashboard/months';
import { cellKey, CURRENT_MONTH_FRESH_MS } from '../../api/src/dashboard/work-stats';
import { startServer, taskAt, claimAndComplete, requestArchive, type Body, type Client, type TestServer } from './harness';

let s: TestServer;
beforeAll(async () => {
  s = await startServer('dashboard');
});
afterAll(() => s?.close());

const month = (at = new Date()) => chinaDate(at).slice(0, 7);

async function report(witness: Client, title: string, category: string): Promise<string> {
  const r = await witness.post('/api/process-instances', {
    processId: 'anomaly-escalation',
    variables: { projectId: 'XXGC-2026-001', category, assignedBy: 'none', title, description: '说明', pauseNow: false },
  });
  expect(r.status).toBe(201);
  return r.body.id;
}

test('the numbers are what happened: starts by category, steps by section and person, their time, 督办, lending', async () => {
  const witness = await s.login('witness1');
  const head = await s.login('eng_head');
  const sup1 = await s.login('sup1');
  const director = await s.login('director');
  const ids = [await report(witness, '看板一', 'trade'), await report(witness, '看板二', 'trade'), await report(witness, '看板三', 'platform')];
  const acks: Body[] = [];
  for (const id of ids) {
    const t = await taskAt(head, id, 'ack');
    await claimAndComplete(head, t.id, {});
    acks.push((await head.get(`/api/tasks/${t.id}`)).body.task);
  }
  const verify = await taskAt(sup1, ids[0]!, 'verify');
  await sup1.post(`/api/tasks/${verify.id}/claim`);
  expect((await sup1.post(`/api/tasks/${verify.id}/complete`, { variables: { verifyResult: 'substantiated', verifyFindings: '属实' } })).status).toBe(200);
  const lending = await requestArchive(await s.login('external1'), {
    archiveId: 'DA-XXGC-2025-031',
    requesterUnit: '湘西州住房和城乡建设局',
    officerName: '吴监管',
    purpose: '核查该项目中标人资格条件',
    requestedDays: 1,
  });
  expect(lending.status).toBe(201);
  // a month later nobody has verified the two other reports: they go to supervision (督办)
  // (the 督办 count in the month they are sent: usually the next one)
  const tickAt = new Date(Date.now() + 30 * 86_400_000);
  const tick = await s.system.sla.tick(tickAt);
  expect(tick.supervised).toBeGreaterThanOrEqual(2);

  expect((await director.get('/api/dashboard')).body).toMatchObject({ from: monthsBefore(month(), 11), to: month() });
  const period = `from=${month()}&to=${month(tickAt)}`;
  const d = (await director.get(`/api/dashboard?${period}`)).body;
  expect(d.sections).toBeNull();
  const now = d.trend.find((t: Body) => t.month === month());
  expect(now).toMatchObject({ started: 4, done: 4 });
  expect(d.trend.find((t: Body) => t.month === month(tickAt)).supervised).toBe(tick.supervised);
  expect(d.anomalies.find((m: Body) => m.month === month()).counts).toEqual({ trade: 2, platform: 1 });
  expect(d.volumes.find((v: Body) => v.month === month())).toEqual({ month: month(), lending: 1, assistance: 0 });
  const anomalyFlow = d.byFlow.find((f: Body) => f.processId === 'anomaly-escalation');
  expect(anomalyFlow).toMatchObject({ name: '公共资源交易要情专报', started: 3, done: 4 });
  // open now: the two unverified reports, and the verified one's next step
  expect(anomalyFlow.open).toBe(3);
  expect(d.bySection.find((x: Body) => x.section === 'engineering')).toMatchObject({ done: 3, late: 0 });
  expect(d.bySection.find((x: Body) => x.section === 'supervision')).toMatchObject({ done: 1 });
  // step times: the average is the mean of the steps' own times
  const ack = d.steps.find((x: Body) => x.elementId === 'ack');
  expect(ack).toMatchObject({ processName: '公共资源交易要情专报', name: '科室负责人确认', n: 3 });
  const mean = acks.reduce((a, t) => a + (Date.parse(t.completedAt) - Date.parse(t.createdAt)), 0) / 3;
  expect(Math.abs(ack.avgMs - mean)).toBeLessThanOrEqual(2);
  // efficiency: by person, with on-time rates
  expect(d.efficiency.find((p: Body) => p.userId === 'eng_head')).toMatchObject({ section: 'engineering', name: '李工程', done: 3, late: 0, onTimeRate: 100 });
  expect(d.efficiency.find((p: Body) => p.userId === 'sup1')).toMatchObject({ section: 'supervision', done: 1 });
  // a section picked: only its numbers
  const eng = (await director.get('/api/dashboard?section=engineering')).body;
  expect(eng.bySection.map((x: Body) => x.section)).toEqual(['engineering']);
  expect(eng.trend.find((t: Body) => t.month === month()).done).toBe(3);
  expect(eng.anomalies.find((m: Body) => m.month === month()).counts).toEqual({ trade: 2, platform: 1 });

  // counted once: the same step told again changes nothing, nor does a restart
  const again = await s.system.stats.stepFinished({
    taskId: acks[0]!.id,
    processId: 'anomaly-escalation',
    elementId: 'ack',
    name: '科室负责人确认',
    by: 'eng_head',
    createdAt: new Date(acks[0]!.createdAt),
    completedAt: new Date(acks[0]!.completedAt),
  });
  expect(again).toBe(false);
  await s.halt();
  s = await startServer('dashboard', {}, s.db);
  const after = (await (await s.login('director')).get(`/api/dashboard?${period}`)).body;
  expect(after.trend).toEqual(d.trend);
  expect(after.steps).toEqual(d.steps);
});

test('the p90 of a step is read from its time histogram, within the buckets width', async () => {
  // 100 steps of 1..100 hours in a month two years back (nothing else is there)
  const at = new Date('2024-03-15T02:00:00Z');
  for (let h = 1; h <= 100; h++)
    await s.system.stats.stepFinished({
      taskId: `p90-${h}`,
      processId: 'archive-lending',
      elementId: 'approve',
      name: '分管领导审批',
      by: 'deputy',
      createdAt: new Date(at.getTime() - h * 3_600_000),
      completedAt: at,
      dueDate: new Date(at.getTime() - h * 3_600_000 + 48 * 3_600_000),
    });
  const d = (await (await s.login('director')).get('/api/dashboard?from=2024-03&to=2024-03')).body;
  const step = d.steps.find((x: Body) => x.elementId === 'approve');
  expect(step).toMatchObject({ n: 100, late: 52, avgMs: 50.5 * 3_600_000 });
  expect(Math.abs(step.p90Ms - 90 * 3_600_000) / (90 * 3_600_000)).toBeLessThan(0.12);
  expect(d.efficiency.find((p: Body) => p.userId === 'deputy')).toMatchObject({ section: 'leaders', done: 100, late: 52, onTimeRate: 48 });
});

test('who may look: leaders, supervision and big data the whole center; a head their own sections; others not at all', async () => {
  const head = await s.login('eng_head');
  const own = await head.get('/api/dashboard');
  expect(own.status).toBe(200);
  expect(own.body.sections).toEqual(['engineering']);
  expect(own.body.bySection.every((x: Body) => x.section === 'engineering')).toBe(true);
  expect(own.body.efficiency.every((p: Body) => p.section === 'engineering')).toBe(true);
  const other = await head.get('/api/dashboard?section=supervision');
  expect(other.status).toBe(403);
  expect(other.body.code).toBe('DASHBOARD_FORBIDDEN');
  for (const u of ['sup1', 'data1', 'deputy']) expect((await (await s.login(u)).get('/api/dashboard')).body.sections).toBeNull();
  for (const u of ['witness1', 'gen1', 'admin', 'external1'])
    expect({ u, status: (await (await s.login(u)).get('/api/dashboard')).status }).toEqual({ u, status: 403 });
  const director = await s.login('director');
  expect((await director.get('/api/dashboard?from=2026-13')).status).toBe(400);
  const backwards = await director.get('/api/dashboard?from=2026-06&to=2026-01');
  expect(backwards.status).toBe(400);
  expect(backwards.body.code).toBe('DASHBOARD_PERIOD');
});

test('the export: a sheet per chart and the efficiency table, with the same numbers', async () => {
  const director = await s.login('director');
  const d = (await director.get('/api/dashboard')).body;
  const file = await director.file('/api/dashboard/export');
  expect(file.status).toBe(200);
  expect(file.type).toContain('spreadsheetml');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file.bytes as never);
  expect(wb.worksheets.map((w) => w.name)).toEqual(['各科室办件', '各流程办件', '环节用时', '月度趋势', '要情分类', '借阅与协查', '效能']);
  const flows = wb.getWorksheet('各流程办件')!;
  const row = flows.getRows(4, flows.rowCount - 3)!.find((r) => r.getCell(1).value === '公共资源交易要情专报')!;
  const f = d.byFlow.find((x: Body) => x.processId === 'anomaly-escalation');
  expect([2, 3, 5].map((c) => row.getCell(c).value)).toEqual([f.started, f.open, f.done]);
  const eff = wb.getWorksheet('效能')!;
  expect(eff.getRows(4, eff.rowCount - 3)!.some((r) => r.getCell(2).value === '李工程' && r.getCell(3).value === 3)).toBe(true);
  // one chart's numbers alone
  const one = new ExcelJS.Workbook();
  await one.xlsx.load((await director.file('/api/dashboard/export?chart=efficiency')).bytes as never);
  expect(one.worksheets.map((w) => w.name)).toEqual(['效能']);
  expect((await director.get('/api/dashboard/export?chart=pie')).status).toBe(400);
  expect((await (await s.login('gen1')).file('/api/dashboard/export')).status).toBe(403);
});

test("this month's numbers: a step counted here shows at once; another replica's count within 15 s", async () => {
  const director = await s.login('director');
  const done = async () => (await director.get('/api/dashboard')).body.trend.find((t: Body) => t.month === month()).done as number;
  const before = await done();
  const at = new Date();
  expect(
    await s.system.stats.stepFinished({
      taskId: 'cache-1',
      processId: 'complaint',
      elementId: 'review',
      name: '审核',
      by: 'sup1',
      createdAt: at,
      completedAt: at,
    }),
  ).toBe(true);
  expect(await done()).toBe(before + 1);
  // another replica counts in the same month: its own write, not this process's
  const cell = cellKey('supervision', 'complaint', 'review');
  await s.db.collection('dashboard_months').updateOne({ _id: month() as never }, { $inc: { [`steps.${cell}.n`]: 1 } });
  const read = async (now: Date) => (await s.system.stats.months([month()], now))[0]!.steps![cell]!.n;
  expect(await read(new Date())).toBe(1);
  expect(await read(new Date(Date.now() + CURRENT_MONTH_FRESH_MS + 1_000))).toBe(2);
});
