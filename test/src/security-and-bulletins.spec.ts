/**
 * 信息安全 (5.2, 表五) and the monthly bulletins, over HTTP as the real roles on a shortened clock:
 * every working day 信息科 gets the patrol (an abnormal finding told to supervision and the
 * deputy), any section reports an incident (told to 信息科, supervision and the leaders at once;
 * the official feedback before any outside reply); on the first working day each bulletin of the
 * month before opens for its section, due by the 5th working day, and 督办 follows when it is late;
 * the security bulletin is drafted from the register, returned once, approved and published.
 */
import ExcelJS from 'exceljs';
import { claimAndComplete, eventually, pdfText, startServer, taskAt, type Body, type TestServer } from './harness';

let s: TestServer;
beforeAll(async () => {
  s = await startServer('security-bulletins', { DEMO_DATA: 'true' });
});
afterAll(() => s?.close());

const noticeOf = async (user: string, kind: string, instanceId: string) => {
  const c = await s.login(user);
  return eventually(
    async () => ((await c.get('/api/notifications')).body.items as Body[]).find((n) => n.kind === kind && n.instanceId === instanceId),
    10_000,
    `${kind} for ${user}`,
  );
};

test('信息科 patrols every working day; an abnormal finding is told at once; the month reads back as 表五 (.xlsx and PDF)', async () => {
  expect(await s.system.duties.openDaily(new Date('2026-11-28T02:00:00Z'))).toBeNull(); // a Saturday
  const day = await s.system.duties.openDaily(new Date('2026-11-30T01:00:00Z'));
  const id = day!.opened['security-patrol']!;
  expect((await s.system.duties.openDaily(new Date('2026-11-30T07:00:00Z')))!.opened['security-patrol']).toBe(id);
  const it = await s.login('it1');
  // only 信息科 sees it
  expect((await (await s.login('gen1')).get('/api/tasks?view=unclaimed')).body.items.some((t: Body) => t.instanceId === id)).toBe(false);
  const task = await taskAt(it, id, 'patrol');
  expect(task.title).toContain('2026-11-30');
  await claimAndComplete(it, task.id, {
    network: '正常',
    servers: '异常',
    databases: '正常',
    tradingSystem: '正常',
    vendorStaff: '在岗',
    patrolFindings: '2 号文件服务器磁盘使用率达 96%',
    patrolMeasures: '已清理日志并扩容',
  });
  expect((await noticeOf('sup1', 'security.abnormal', id)).body).toContain('磁盘使用率达 96%');
  await noticeOf('deputy', 'security.abnormal', id);

  const item = await eventually(
    async () => ((await it.get('/api/ledgers/security-patrol?month=2026-11')).body.items as Body[]).find((i) => i.instanceId === id),
    10_000,
    'the patrol in 表五',
  );
  expect(item).toMatchObject({
    no: expect.stringMatching(/^XC-2026-\d{4}$/),
    recordedBy: 'it1',
    recordedByName: '何信息',
    values: { patrolDay: '2026-11-30', servers: '异常' },
  });
  // the engineering section does not read it
  expect((await (await s.login('witness1')).get('/api/ledgers/security-patrol?month=2026-11')).status).toBe(403);

  const xlsx = await it.file('/api/ledgers/security-patrol/export?month=2026-11&format=xlsx');
  expect(xlsx.status).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
  const rows = wb.worksheets[0]!.getSheetValues()
    .filter(Boolean)
    .map((r) => (r as unknown[]).filter((c) => c !== undefined && c !== null).map(String));
  expect(rows[0]!.join()).toContain('表五 信息安全巡查记录');
  expect(rows.some((r) => r.includes(item.no) && r.includes('2 号文件服务器磁盘使用率达 96%'))).toBe(true);
  const pdf = await it.file('/api/ledgers/security-patrol/export?month=2026-11&format=pdf');
  expect(pdf.type).toBe('application/pdf');
  const text = pdfText(pdf.bytes);
  expect(text).toContain('信息安全巡查记录');
  expect(text).toContain(item.no);
});

test('an incident any section reports reaches 信息科, supervision and both leaders; the official feedback comes before the register', async () => {
  const proc = await s.login('proc1');
  const started = await proc.post('/api/process-instances', {
    processId: 'security-incident',
    variables: { incidentAt: '2026-11-30T09:10:00+08:00', incidentDesc: '电子开标系统解密超时', incidentImpact: '一个开标项目推迟 20 分钟' },
  });
  expect(started.status).toBe(201);
  const id = started.body.id;
  for (const u of ['it1', 'sup1', 'deputy', 'director']) expect((await noticeOf(u, 'security.incident', id)).body).toContain('记录正式反馈前不得对外答复');
  const it = await s.login('it1');
  await claimAndComplete(it, (await taskAt(it, id, 'handle')).id, { incidentHandling: '重启解密服务，恢复正常' });
  const feedback = await taskAt(it, id, 'feedback');
  expect((await it.post(`/api/tasks/${feedback.id}/claim`)).status).toBe(200);
  // no feedback, no completion (and so no outside reply)
  expect((await it.post(`/api/tasks/${feedback.id}/complete`, { variables: { outsideReply: '系统已恢复' } })).body.code).toBe('FORM_INVALID');
  await it.post(`/api/tasks/${feedback.id}/complete`, { variables: { officialFeedback: '证书服务队列阻塞；已扩容并加监控', outsideReply: '系统已恢复正常' } });
  const item = await eventually(
    async () => ((await it.get('/api/ledgers/security-incident')).body.items as Body[]).find((i) => i.instanceId === id),
    10_000,
    'the incident in its register',
  );
  expect(item.values).toMatchObject({ starterName: '黄采购', officialFeedback: '证书服务队列阻塞；已扩容并加监控', outsideReply: '系统已恢复正常' });
});

test('the bulletins of the month before open on the first working day, due by the 5th; one is returned, approved and published; a late one is supervised', async () => {
  expect(await s.system.duties.openMonthly(new Date('2026-12-08T02:00:00Z'))).toBeNull(); // the 6th working day: too late to open
  const opened = (await s.system.duties.openMonthly(new Date('2026-12-01T01:00:00Z')))!;
  expect(opened.month).toBe('2026-11');
  expect(Object.keys(opened.opened).sort()).toEqual([
    'agent-evaluation',
    'anomaly',
    'complaint',
    'credit',
    'expert-evaluation',
    'rating',
    'security',
    // each business section's figures (3.1.2); 大数据科's report waits for them
    'statistics:engineering',
    'statistics:gpc',
    'statistics:procurement',
    'statistics:property',
    'statistics:resources',
  ]);
  // the 5th working day of December 2026 is Monday the 7th; the end of its office day
  expect(opened.due).toBe(new Date('2026-12-07T17:30:00+08:00').toISOString());
  expect((await s.system.duties.openMonthly(new Date('2026-12-02T01:00:00Z')))!.opened).toEqual(opened.opened);

  const it = await s.login('it1');
  const deputy = await s.login('deputy');
  const director = await s.login('director');
  const id = opened.opened.security!;
  const draft = await taskAt(it, id, 'draft');
  expect(new Date(draft.dueDate).toISOString()).toBe(opened.due);
  const vars = (await it.get(`/api/tasks/${draft.id}`)).body.variables;
  expect(vars.bulletinText).toContain('2026年11月信息安全月度通报');
  expect(vars.bulletinText).toMatch(/信息安全巡查记录：本月共 [1-9]\d* 条/);
  await claimAndComplete(it, draft.id, { bulletinText: `${vars.bulletinText}\n\n本月总体运行平稳。` });
  // the drafter's own section head cannot review it; the deputy returns it once
  const review = await taskAt(deputy, id, 'review');
  await claimAndComplete(deputy, review.id, { reviewDecision: 'return', reviewOpinion: '补充整改措施' });
  const redraft = await taskAt(it, id, 'draft');
  await claimAndComplete(it, redraft.id, { bulletinText: `${vars.bulletinText}\n\n本月总体运行平稳；磁盘告警阈值已调至 85%。` });
  await claimAndComplete(deputy, (await taskAt(deputy, id, 'review')).id, { reviewDecision: 'pass' });
  await claimAndComplete(director, (await taskAt(director, id, 'approve')).id, { approveDecision: 'approve', approveOpinion: '同意' });
  const published = await eventually(
    async () => ((await s.anonymous().get('/api/public/bulletins')).body.items as Body[]).find((b) => b.kind === 'security' && b.month === '2026-11'),
    10_000,
    'the bulletin published',
  );
  expect(published.text).toContain('磁盘告警阈值已调至 85%');

  // the credit bulletin lies untouched in 监督科's inbox: past the 5th working day it is urged, then supervised
  const credit = await taskAt(await s.login('sup1'), opened.opened.credit!, 'draft');
  const late = new Date(new Date(credit.dueDate).getTime() + 2 * 86_400_000);
  const tick = await s.system.sla.tick(late);
  expect(tick.urged).toBeGreaterThanOrEqual(1);
  expect(tick.supervised).toBeGreaterThanOrEqual(1);
  const supervised = await noticeOf('sup_head', 'task.overdue', opened.opened.credit!);
  expect(supervised.title).toContain('【督办】');
});
