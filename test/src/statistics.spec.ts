/**
 * 公共资源交易统计数据分析月报告 (3.1) on a shortened clock, over HTTP as the real roles: on the first
 * working day each business section's statistics officer gets last month's figures, prefilled from
 * the project register, due that day; the head confirms them; the analysis is due one working day
 * later; 大数据科's report opens once the figures are in (at the latest on the 3rd working day), is due
 * by the 5th working day — a holiday in between moves that day — and is reviewed by the deputy and
 * signed by the director; the signed report downloads as a Word file in the official layout (a
 * reader finds the 文号 and those it is sent to) and as a PDF.
 */
import mammoth from 'mammoth';
import { WorkCalendar } from '../../api/src/calendar/work-calendar';
import { claimAndComplete, eventually, pdfText, startServer, taskAt, type Body, type TestServer } from './harness';

let s: TestServer;
beforeAll(async () => {
  s = await startServer('statistics', { DEMO_DATA: 'true' });
});
afterAll(() => s?.close());

const at = (day: string) => new Date(`${day}T09:00:00+08:00`);

test('the sections report on the 1st working day, the analysis on the 2nd; 大数据科 reports by the 5th, moved by a holiday; the signed report downloads as an official document', async () => {
  // two engineering projects opened in February 2027, one of procurement
  const et = await s.login('etrade');
  const push = (id: string, section: string, kind: string, budget: number, openingAt: string) =>
    et.put(`/api/projects/${id}`, { name: `${id} 项目`, kind, section, tenderer: '某单位', budget, registeredOn: '2027-01-20', openingAt });
  expect((await push('XXGC-2027-011', 'engineering', '工程建设', 12_000_000, '2027-02-10T09:30:00+08:00')).status).toBeLessThan(300);
  expect((await push('XXGC-2027-012', 'engineering', '工程建设', 8_000_000, '2027-02-24T09:30:00+08:00')).status).toBeLessThan(300);
  expect((await push('XXCG-2027-013', 'procurement', '政府采购', 3_000_000, '2027-02-15T09:30:00+08:00')).status).toBeLessThan(300);
  // an admin marks Wednesday 3 March a holiday: the 5th working day moves from Friday the 5th to Monday the 8th
  const admin = await s.login('admin');
  expect((await admin.put('/api/calendar/2027-03-03', { type: 'holiday', name: '临时休假' })).status).toBe(200);
  const calendar = new WorkCalendar(s.db);
  await calendar.load();
  expect(calendar.nthWorkingDay('2027-03', 1)).toBe('2027-03-01');
  expect(calendar.nthWorkingDay('2027-03', 5)).toBe('2027-03-08');

  const first = (await s.system.duties.openMonthly(at('2027-03-01')))!;
  expect(first.month).toBe('2027-02');
  expect(first.due).toBe(new Date('2027-03-08T17:30:00+08:00').toISOString());
  // the report waits for the sections' figures
  expect(first.opened.statistics).toBeUndefined();

  const officer = await s.login('witness1');
  const submit = await taskAt(officer, first.opened['statistics:engineering']!, 'submit');
  expect(new Date(submit.dueDate).toISOString()).toBe(new Date('2027-03-01T17:30:00+08:00').toISOString());
  const vars = (await officer.get(`/api/tasks/${submit.id}`)).body.variables;
  expect(vars).toMatchObject({ sectionName: '工程科', month: '2027-02', projectCount: 2, budgetTotal: 2000, registeredCount: 0 });
  expect(vars.byKind).toContain('工程建设：开标 2 个，预算 2000 万元');
  // procurement's officer sees only their own section's
  const proc = await s.login('proc1');
  expect((await taskAt(proc, first.opened['statistics:procurement']!, 'submit')).title).toContain('采购科');
  expect(((await proc.get('/api/tasks?view=unclaimed')).body.items as Body[]).some((t) => t.instanceId === first.opened['statistics:engineering'])).toBe(false);

  await claimAndComplete(officer, submit.id, { registeredCount: 0, projectCount: 2, budgetTotal: 2000, dealTotal: 1850, statsNotes: '' });
  // the head confirms (the officer could not)
  const head = await s.login('eng_head');
  await claimAndComplete(head, (await taskAt(head, first.opened['statistics:engineering']!, 'check')).id, { checkDecision: 'pass' });
  const analysis = await taskAt(officer, first.opened['statistics:engineering']!, 'analysis');
  expect(new Date(analysis.dueDate).toISOString()).toBe(new Date('2027-03-02T17:30:00+08:00').toISOString());
  await claimAndComplete(officer, analysis.id, { analysis: '本月工程建设项目开标 2 个，节资 150 万元，节资率 7.5%。' });
  const item = await eventually(
    async () =>
      ((await (await s.login('data1')).get('/api/ledgers/trading-statistics?month=2027-02')).body.items as Body[]).find(
        (i) => i.id === 'trading-statistics~engineering~2027-02',
      ),
    10_000,
    "the section's figures with 大数据科",
  );
  expect(item.values).toMatchObject({ dealTotal: 1850, analysis: expect.stringContaining('节资率 7.5%') });

  // the 2nd working day: still waiting for the other sections; the 3rd (the 4th, after the holiday): opened with what is in
  expect((await s.system.duties.openMonthly(at('2027-03-02')))!.opened.statistics).toBeUndefined();
  const third = (await s.system.duties.openMonthly(at('2027-03-04')))!;
  const reportId = third.opened.statistics!;
  expect(reportId).toBeTruthy();
  const data = await s.login('data1');
  const draft = await taskAt(data, reportId, 'draft');
  expect(new Date(draft.dueDate).toISOString()).toBe(first.due);
  const text: string = (await data.get(`/api/tasks/${draft.id}`)).body.variables.bulletinText;
  expect(text).toContain('2027年2月公共资源交易统计数据分析月报告');
  expect(text).toContain('工程科：开标 2 个，预算 2000.00 万元，成交 1850.00 万元，节资率 7.50%');
  await claimAndComplete(data, draft.id, { bulletinText: text });
  const deputy = await s.login('deputy');
  await claimAndComplete(deputy, (await taskAt(deputy, reportId, 'review')).id, { reviewDecision: 'pass' });
  const director = await s.login('director');
  await claimAndComplete(director, (await taskAt(director, reportId, 'approve')).id, { approveDecision: 'approve', approveOpinion: '签发' });

  const docx = await eventually(
    async () => {
      const f = await data.file('/api/bulletins/statistics/2027-02/document?format=docx');
      return f.status === 200 ? f : null;
    },
    10_000,
    'the signed report',
  );
  expect(docx.type).toContain('wordprocessingml');
  const read = (await mammoth.extractRawText({ buffer: docx.bytes })).value;
  expect(read).toMatch(/湘西交易通报〔\d{4}〕\d+号/);
  expect(read).toContain('州直相关单位：');
  expect(read).toContain('节资率 7.50%');
  expect(read).toContain('湘西自治州公共资源交易中心文件');
  const pdf = pdfText((await data.file('/api/bulletins/statistics/2027-02/document?format=pdf')).bytes).replace(/\s+/g, '');
  expect(pdf).toContain('公共资源交易统计数据分析月报告');
  expect(pdf).toMatch(/湘西交易通报〔\d{4}〕\d+号/);
  expect((await (await s.login('external1')).get('/api/bulletins/statistics/2027-02/document?format=pdf')).status).toBe(403);
  expect((await data.get('/api/bulletins/statistics/2026-01/document?format=pdf')).status).toBe(404);
});
