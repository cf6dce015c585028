/**
 * 投诉建议与主任信箱 (2.6.1) over HTTP as the real roles: 监督科 registers a complaint and the
 * complainant gets a query code; supervision drafts the reply, the deputy reviews it (once returned
 * for a change), the director agrees, and the complainant reads the reply by the code — and nothing
 * else (no names, no other complaint). Every working day 办公室 gets the mailbox check, once a day.
 */
import { WorkCalendar } from '../../api/src/calendar/work-calendar';
import ExcelJS from 'exceljs';
import { claimAndComplete, eventually, pdfText, startServer, taskAt, type Body, type TestServer } from './harness';

let s: TestServer;
beforeAll(async () => {
  s = await startServer('complaints', { DEMO_DATA: 'true' });
});
afterAll(() => s?.close());

const complaint = {
  channel: 'hall-box',
  complaintKind: 'complaint',
  complainantName: '向某某',
  complainantContact: '13800000000',
  projectId: 'XXGC-2026-001',
  title: '开标现场等候时间过长',
  content: '9 月 10 日开标推迟 40 分钟，现场无人说明原因。',
};

test('registered, drafted, returned once, approved and answered; the complainant reads only their own by its code', async () => {
  const sup = await s.login('sup1');
  const deputy = await s.login('deputy');
  const director = await s.login('director');
  const started = await sup.post('/api/process-instances', { processId: 'complaint', variables: complaint });
  expect(started.status).toBe(201);
  const id = started.body.id;

  const draft = await taskAt(sup, id, 'draft_reply');
  const code: string = (await sup.get(`/api/tasks/${draft.id}`)).body.variables.queryCode;
  expect(code).toMatch(/^[A-Z2-9]{10}$/);
  // the complainant's page before the reply: what they wrote, no names, no reply
  const before = await s.anonymous().get(`/api/public/complaints/${code}`);
  expect(before.body).toMatchObject({ code, kind: 'complaint', status: 'registered', title: complaint.title, reply: null });
  expect(JSON.stringify(before.body)).not.toContain('向某某');
  expect(JSON.stringify(before.body)).not.toContain('13800000000');

  await claimAndComplete(sup, draft.id, { replyDraft: '经查，系投标文件解密系统故障所致，已要求现场及时说明。' });
  // the deputy returns it for a change, with the reason
  const review = await taskAt(deputy, id, 'review');
  expect((await deputy.post(`/api/tasks/${review.id}/claim`)).status).toBe(200);
  expect((await deputy.post(`/api/tasks/${review.id}/complete`, { variables: { reviewDecision: 'return' } })).body.code).toBe('FORM_INVALID');
  await deputy.post(`/api/tasks/${review.id}/complete`, { variables: { reviewDecision: 'return', reviewOpinion: '请写明整改措施' } });
  const redraft = await taskAt(sup, id, 'draft_reply');
  await claimAndComplete(sup, redraft.id, { replyDraft: '经查，系投标文件解密系统故障所致。中心已完成系统升级，并规定延迟开标须当场公告原因。感谢您的监督。' });
  await claimAndComplete(deputy, (await taskAt(deputy, id, 'review')).id, { reviewDecision: 'pass' });
  // the director agrees; the reply goes out
  await claimAndComplete(director, (await taskAt(director, id, 'approve')).id, { approveDecision: 'approve', approveOpinion: '同意' });
  const after = await eventually(
    async () => {
      const r = (await s.anonymous().get(`/api/public/complaints/${code.toLowerCase()}`)).body;
      return r.status === 'replied' ? r : null;
    },
    10_000,
    'the reply given',
  );
  expect(after.reply).toContain('中心已完成系统升级');
  expect(after.repliedAt).toBeTruthy();
  expect(JSON.stringify(after)).not.toMatch(/sup1|deputy|director|王监督|孙分管|周主任/);

  // the complaint register: the code, the kind, the reply and when, for supervision and 办公室 (not the business sections)
  const month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
  // (the reply is written to the register by the same job right after the complaint shows it: waited for)
  const entry = await eventually(
    async () => ((await sup.get(`/api/ledgers/complaint?month=${month}`)).body.items as Body[]).find((i) => i.instanceId === id && i.values.replyDraft),
    10_000,
    'the reply in the complaint register',
  );
  expect(entry).toMatchObject({
    no: expect.stringMatching(/^TS-\d{4}-\d{4}$/),
    values: { queryCode: code, complaintKind: 'complaint', title: complaint.title },
  });
  expect(entry!.values.replyDraft).toContain('中心已完成系统升级');
  expect((await (await s.login('office1')).get(`/api/ledgers/complaint/items/${entry!.id}`)).status).toBe(200);
  expect((await (await s.login('witness1')).get(`/api/ledgers/complaint?month=${month}`)).status).toBe(403);
  const xlsx = await sup.file(`/api/ledgers/complaint/export?month=${month}&format=xlsx`);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
  expect(wb.worksheets[0]!.getSheetValues().some((r) => Array.isArray(r) && r.includes(code))).toBe(true);
  const pdf = pdfText((await sup.file(`/api/ledgers/complaint/export?month=${month}&format=pdf`)).bytes).replace(/\s+/g, '');
  expect(pdf).toContain('投诉建议登记');
  expect(pdf).toContain('投诉');

  // no such code; not a code
  expect((await s.anonymous().get('/api/public/complaints/ZZZZZZZZZZ')).status).toBe(404);
  expect((await s.anonymous().get('/api/public/complaints/abc')).body.code).toBe('INVALID_PATH');
  // only supervision registers
  expect((await (await s.login('witness1')).post('/api/process-instances', { processId: 'complaint', variables: complaint })).body.code).toBe(
    'START_FORBIDDEN',
  );
  // guessing codes is slowed: the look-ups from one address are limited
  const tries = [];
  for (let i = 0; i < 22; i++) tries.push((await s.anonymous().get(`/api/public/complaints/ABCDEFGH${String(i).padStart(2, '2')}`)).status);
  expect(tries).toContain(429);
});

test('every working day 办公室 gets the mailbox check, once a day, due the next working day', async () => {
  expect(await s.system.duties.openDaily(new Date('2026-12-05T02:00:00Z'))).toBeNull(); // a Saturday
  const monday = await s.system.duties.openDaily(new Date('2026-12-07T02:00:00Z'));
  expect(monday?.day).toBe('2026-12-07');
  expect((await s.system.duties.openDaily(new Date('2026-12-07T08:00:00Z')))?.opened['mailbox-check']).toBe(monday!.opened['mailbox-check']!);
  const office = await s.login('office1');
  const task = await taskAt(office, monday!.opened['mailbox-check']!, 'check_mailbox');
  expect(task.title).toContain('2026-12-07');
  const calendar = new WorkCalendar(s.db);
  await calendar.load();
  expect(new Date(task.dueDate).getTime()).toBe(calendar.addWorkingDays(new Date(task.createdAt), 1).getTime());
  await claimAndComplete(office, task.id, {
    lettersCount: 2,
    mailboxFindings: '来信 2 封：咨询 1 封已答复；投诉 1 封已转监督科登记。',
    forwardedToSupervision: true,
  });
  const detail = (await (await s.login('admin')).get(`/api/process-instances/${monday!.opened['mailbox-check']!}`)).body;
  expect(detail.instance.state).toBe('completed');
  const trail = ((await (await s.login('admin')).get(`/api/audit?instanceId=${monday!.opened['mailbox-check']!}`)).body.items as Body[]).map((e) => e.action);
  expect(trail).toEqual(expect.arrayContaining(['instance.started', 'task.completed']));
  // the month's list of checks: who checked, what came
  const checks = (await office.get('/api/ledgers/mailbox-check?month=2026-12')).body.items as Body[];
  expect(checks.find((c) => c.instanceId === monday!.opened['mailbox-check'])).toMatchObject({
    recordedBy: 'office1',
    values: { checkDay: '2026-12-07', lettersCount: 2, forwardedToSupervision: true },
  });
});

test("the month's complaint bulletin: 监督科 drafts it from the complaints and the mailbox checks, on the first working day after, due by the 5th", async () => {
  const opened = (await s.system.duties.openMonthly(new Date('2027-01-04T01:00:00Z')))!;
  expect(opened.month).toBe('2026-12');
  const sup = await s.login('sup1');
  const draft = await taskAt(sup, opened.opened.complaint!, 'draft');
  expect(new Date(draft.dueDate).toISOString()).toBe(opened.due);
  const text: string = (await sup.get(`/api/tasks/${draft.id}`)).body.variables.bulletinText;
  expect(text).toContain('2026年12月投诉建议办理情况月度通报');
  expect(text).toMatch(/主任信箱查看记录：本月共 [1-9]\d* 条/);
});
