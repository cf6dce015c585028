/**
 * 开评标区管理记录 (5.1, 表四) over HTTP: 综合科 logs a session's items as the clause lists them; the
 * day's sessions show which are logged; supervision reads, a witness does not; the month exports
 * as .xlsx (read back) and PDF (rendered, not blank).
 */
import ExcelJS from 'exceljs';
import { pdfInk, startServer, type Body, type TestServer } from './harness';
import { chinaToday } from '../../api/src/venues/venue-calendar';

const today = chinaToday();
let s: TestServer;
beforeAll(async () => {
  s = await startServer('area_logs', { DEMO_DATA: 'true' });
});
afterAll(() => s?.close());

test("a session's area log, the day, who may, and the month's 表四", async () => {
  const gen = await s.login('gen1');
  const opening = (
    await gen.post('/api/venues/bookings', { room: 'kb1', day: today, start: '09:00', end: '10:30', purpose: '开标', projectId: 'XXGC-2026-001' })
  ).body.session;
  const evaluation = (
    await gen.post('/api/venues/bookings', { room: 'pb1', day: today, start: '10:30', end: '17:00', purpose: '评标', projectId: 'XXGC-2026-001' })
  ).body.session;

  const log = {
    discipline: '各方按时签到，遵守开标纪律。',
    clarifications: '评标委员会就工期要求发出澄清 1 次，投标人 30 分钟内书面答复。',
    remoteEvaluation: '与长沙主场远程异地评标，系统连接正常。',
    sampleRoom: '样品 3 件入样品室封存。',
    entryExit: '评标区进出登记 11 人次。',
    expertMeals: '专家工作餐 7 份。',
    overnightRooms: null,
    anomalies: '无',
  };
  const saved = await gen.put(`/api/area-logs/${evaluation.id}`, log);
  expect(saved.status).toBe(200);
  expect(saved.body).toMatchObject({
    sessionId: evaluation.id,
    loggedBy: 'gen1',
    loggedByName: '刘综合',
    expertMeals: '专家工作餐 7 份。',
    venueDispatch: null,
  });

  const day = (await (await s.login('sup1')).get(`/api/area-logs?day=${today}`)).body;
  expect(day.items.map((i: Body) => [i.session.id, !!i.log])).toEqual([
    [opening.id, false],
    [evaluation.id, true],
  ]);
  expect((await (await s.login('witness1')).get('/api/area-logs')).status).toBe(403);
  expect((await (await s.login('sup1')).put(`/api/area-logs/${evaluation.id}`, log)).status).toBe(403);
  expect((await gen.put(`/api/area-logs/kb1~${today}~00000000`, log)).status).toBe(404);
  expect((await gen.put(`/api/area-logs/${evaluation.id}`, { ...log, noSuchItem: 'x' })).body.code).toBe('INVALID_BODY');

  const month = today.slice(0, 7);
  const xlsx = await gen.file(`/api/area-logs/export?month=${month}&format=xlsx`);
  expect(xlsx.status).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  expect(ws.getCell(1, 1).value).toBe('开评标区管理记录（表四）');
  const rows = ws
    .getSheetValues()
    .filter(Boolean)
    .map((r) => (r as unknown[]).slice(1).map((v) => String(v ?? '')));
  const header = rows.find((r) => r[0] === '日期时间')!;
  expect(header).toEqual(expect.arrayContaining(['澄清、答疑', '远程异地评标系统使用与调度', '专家用餐安排', '隔夜评标休息室使用']));
  const row = rows.find((r) => r[0] === `${today} 10:30–17:00`)!;
  expect(row).toEqual(expect.arrayContaining(['第一评标室', '评标委员会就工期要求发出澄清 1 次，投标人 30 分钟内书面答复。', '刘综合']));
  expect(rows.find((r) => r[0] === `${today} 09:00–10:30`)).toEqual(expect.arrayContaining(['未记录']));

  const pdf = await gen.file(`/api/area-logs/export?month=${month}&format=pdf`);
  expect(pdf.type).toBe('application/pdf');
  expect(pdfInk(pdf.bytes)).toBeGreaterThan(500);
});
