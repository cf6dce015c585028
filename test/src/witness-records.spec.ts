/**
 * 项目交易见证记录 (5.4.1, 表七) over HTTP: the witness writes the day's record of a project (one per
 * project per day), an anomaly in it is reported as 要情专报 with the project filled in and linked
 * back, 监督科's daily patrol lists the day's projects with their records, and the section's month is
 * read by those who may.
 */
import ExcelJS from 'exceljs';
import { anomalyReport, pdfInk, startServer, type Body, type TestServer } from './harness';
import { chinaToday } from '../../api/src/venues/venue-calendar';

const today = chinaToday();
let s: TestServer;
beforeAll(async () => {
  s = await startServer('witness_records', { DEMO_DATA: 'true' });
});
afterAll(() => s?.close());

test("the day's record, an anomaly reported from it, the patrol and the month", async () => {
  const gen = await s.login('gen1');
  const witness = await s.login('witness1');
  const sup = await s.login('sup1');
  // two projects have sessions today
  for (const [projectId, room] of [
    ['XXGC-2026-001', 'kb1'],
    ['XXGC-2026-002', 'kb2'],
  ])
    expect((await gen.post('/api/venues/bookings', { room, day: today, start: '09:00', end: '11:00', purpose: '开标', projectId })).status).toBe(201);

  // the patrol before any record: both listed, neither recorded
  const before = (await sup.get('/api/witness-patrol')).body;
  expect(before.items.map((i: Body) => [i.projectId, i.recorded])).toEqual([
    ['XXGC-2026-001', false],
    ['XXGC-2026-002', false],
  ]);

  // the witness writes one, with an anomaly (its description required)
  const entry = { projectId: 'XXGC-2026-001', day: today, mode: 'offline', course: '9:00 开标，投标人 7 家。', anomaly: true };
  expect((await witness.post('/api/witness-records', entry)).body.code).toBe('INVALID_BODY');
  const saved = await witness.post('/api/witness-records', { ...entry, anomalyDesc: '两家投标文件制作机器码一致。' });
  expect(saved.status).toBe(200);
  expect(saved.body).toMatchObject({
    id: `XXGC-2026-001~${today}`,
    witness: 'witness1',
    witnessName: '张见证',
    section: 'engineering',
    anomaly: true,
    version: 1,
  });
  // written again the same day: the same record, a new version
  const again = await witness.post('/api/witness-records', { ...entry, anomalyDesc: '两家投标文件制作机器码一致，已封存。' });
  expect(again.body).toMatchObject({ id: saved.body.id, version: 2, recordedAt: saved.body.recordedAt });

  // who may not write: another section's witness, supervision; nor a day still to come
  expect((await (await s.login('proc1')).post('/api/witness-records', { ...entry, anomalyDesc: 'x' })).status).toBe(403);
  expect((await sup.post('/api/witness-records', { ...entry, anomalyDesc: 'x' })).status).toBe(403);
  expect((await witness.post('/api/witness-records', { ...entry, anomalyDesc: 'x', day: '2099-01-01' })).body.code).toBe('WITNESS_FUTURE');

  // 上报异常: the report starts with the project filled in, and is linked back to the record
  const report = await witness.post('/api/process-instances', anomalyReport('见证发现异常：投标文件机器码一致', 'XXGC-2026-001'));
  expect(report.status).toBe(201);
  const linked = await witness.post(`/api/witness-records/${saved.body.id}/report`, { instanceId: report.body.id });
  expect(linked.body.reportInstanceId).toBe(report.body.id);
  // a report not one's own cannot be linked
  const other = await (await s.login('eng_head')).post('/api/process-instances', anomalyReport('另一份', 'XXGC-2026-001'));
  expect((await witness.post(`/api/witness-records/${saved.body.id}/report`, { instanceId: other.body.id })).body.code).toBe('REPORT_INVALID');

  // the project's page lists it, with its report
  expect((await witness.get('/api/projects/XXGC-2026-001')).body.witnessRecords).toEqual([
    { id: saved.body.id, day: today, witnessName: '张见证', mode: 'offline', anomaly: true, reportInstanceId: report.body.id },
  ]);

  // the patrol now shows one in, with its anomaly, one missing
  const after = (await sup.get(`/api/witness-patrol?day=${today}`)).body;
  expect(after.items.map((i: Body) => [i.projectId, i.recorded, i.anomaly])).toEqual([
    ['XXGC-2026-001', true, true],
    ['XXGC-2026-002', false, false],
  ]);
  expect((await witness.get('/api/witness-patrol')).status).toBe(403);

  // the section's month: the section, supervision and leaders read it; another section does not
  const month = today.slice(0, 7);
  expect((await sup.get(`/api/witness-records?section=engineering&month=${month}`)).body.items.map((r: Body) => r.id)).toEqual([saved.body.id]);
  expect((await (await s.login('director')).get(`/api/witness-records?section=engineering&month=${month}`)).status).toBe(200);
  expect((await (await s.login('proc1')).get(`/api/witness-records?section=engineering&month=${month}`)).status).toBe(403);
  expect((await (await s.login('proc1')).get(`/api/witness-records/${saved.body.id}`)).status).toBe(404);
});

test("表七 of a month as .xlsx and PDF, and the month's book bound on the first working day", async () => {
  const witness = await s.login('witness1');
  const sup = await s.login('sup_head');
  // a record of October (a day gone by)
  expect(
    (
      await witness.post('/api/witness-records', {
        projectId: 'XXGC-2026-002',
        day: '2026-10-15',
        mode: 'online',
        course: '远程异地评标，系统运行正常。',
        anomaly: false,
      })
    ).status,
  ).toBe(200);

  const xlsx = await sup.file('/api/witness-records/export?section=engineering&month=2026-10&format=xlsx');
  expect(xlsx.status).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  expect(ws.getCell(1, 1).value).toBe('项目交易见证记录（表七）');
  const rows = ws
    .getSheetValues()
    .filter(Boolean)
    .map((r) => (r as unknown[]).slice(1).map(String));
  expect(rows).toContainEqual(['1', '2026-10-15', 'XXGC-2026-002', '吉首市乾州大道提质改造工程', '线上', '远程异地评标，系统运行正常。', '无', '张见证']);

  const pdf = await sup.file('/api/witness-records/export?section=engineering&month=2026-10&format=pdf');
  expect(pdf.status).toBe(200);
  expect(pdf.type).toBe('application/pdf');
  expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
  expect(pdfInk(pdf.bytes)).toBeGreaterThan(500);
  expect((await (await s.login('proc1')).file('/api/witness-records/export?section=engineering&month=2026-10&format=pdf')).status).toBe(403);

  // not on a Sunday the 1st; on Monday the 2nd, the first working day, October is bound — once
  expect(await s.system.witnessBooks.bindDue(new Date('2026-11-01T02:00:00Z'))).toEqual([]);
  const bound = await s.system.witnessBooks.bindDue(new Date('2026-11-02T02:00:00Z'));
  expect(bound.map((b) => [b._id, b.count])).toEqual([['engineering~2026-10', 1]]);
  expect(await s.system.witnessBooks.bindDue(new Date('2026-11-03T02:00:00Z'))).toEqual([]);
  const books = (await sup.get('/api/witness-books?month=2026-10')).body.items;
  expect(books.map((b: Body) => b.id)).toEqual(['engineering~2026-10']);
  const book = await sup.file('/api/witness-books/engineering~2026-10');
  expect(pdfInk(book.bytes)).toBeGreaterThan(500);
  // 监督科 is told
  expect(((await sup.get('/api/notifications')).body.items as Body[]).some((n) => n.kind === 'witness.book' && n.title.includes('工程科'))).toBe(true);
  expect((await (await s.login('proc1')).get('/api/witness-books/engineering~2026-10')).status).toBe(404);
});
