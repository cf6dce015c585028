/**
 * Evaluations, ratings, the anomaly register and credit (4.1–4.3, 5.3, 6.4), over HTTP as the real
 * roles: an archived project gives 综合科 its agent's evaluation, 专家科 one per expert and 监督科
 * its return visit (表一、表二、表八); a party rates the service by the code on the session sheet
 * (表三: once per party, anonymous); the anomaly register takes what the witness saw and what
 * supervision enters by hand (表六); irregular acts and public criticism become credit items, which
 * the public reads only once the credit bulletin is approved.
 */
import ExcelJS from 'exceljs';
import { WorkCalendar } from '../../api/src/calendar/work-calendar';
import { claimAndComplete, eventually, pdfText, startServer, taskAt, type Body, type Client, type TestServer } from './harness';

let s: TestServer;
beforeAll(async () => {
  s = await startServer('evaluations-credit', { DEMO_DATA: 'true' });
});
afterAll(() => s?.close());

const MONTH = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
const items = async (c: Client, kind: string, month = MONTH): Promise<Body[]> => (await c.get(`/api/ledgers/${kind}?month=${month}`)).body.items;

/** A project pushed by the e-trading system with its agent and experts, then archived. */
async function archivedProject(id: string): Promise<void> {
  const et = await s.login('etrade');
  const body = {
    name: `${id} 道路改造工程`,
    kind: '工程建设',
    section: 'engineering',
    tenderer: '吉首市交通运输局',
    agent: '湖南华信招标代理有限公司',
    experts: [
      { name: '贺专家', employer: '湘西州建筑设计院' },
      { name: '彭专家', employer: '吉首大学' },
    ],
  };
  expect((await et.put(`/api/projects/${id}`, body)).status).toBeLessThan(300);
  expect((await et.put(`/api/projects/${id}`, { ...body, stage: 'archived' })).status).toBe(200);
}

test('an archived project gives 综合科 its agent, 专家科 each expert and 监督科 its return visit; an irregular act becomes a credit item', async () => {
  await archivedProject('XXGC-2026-301');
  const gen = await s.login('gen1');
  const expert = await s.login('expert1');
  const sup = await s.login('sup1');
  const agentTask = await eventually(
    async () =>
      ((await gen.get('/api/tasks?view=unclaimed')).body.items as Body[]).find((t) => t.processId === 'agent-evaluation' && t.title.includes('XXGC-2026-301')),
    10_000,
    "the agent's evaluation",
  );
  const expertTasks = await eventually(
    async () => {
      const list = ((await expert.get('/api/tasks?view=unclaimed')).body.items as Body[]).filter(
        (t) => t.processId === 'expert-evaluation' && t.title.includes('XXGC-2026-301'),
      );
      return list.length === 2 ? list : null;
    },
    10_000,
    'one evaluation per expert',
  );
  // archived again (a repeated push) opens nothing more
  const et = await s.login('etrade');
  await et.put('/api/projects/XXGC-2026-301', {
    name: 'XXGC-2026-301 道路改造工程',
    kind: '工程建设',
    section: 'engineering',
    tenderer: '吉首市交通运输局',
    agent: '湖南华信招标代理有限公司',
    stage: 'archived',
  });
  const admin = await s.login('admin');
  const opened = async (processId: string) =>
    ((await admin.get(`/api/process-instances?processId=${processId}&pageSize=100`)).body.items as Body[]).filter((i) => i.title.includes('XXGC-2026-301'))
      .length;
  await eventually(async () => (await opened('return-visit')) === 1, 10_000, 'the return visit opened');
  expect([await opened('agent-evaluation'), await opened('expert-evaluation'), await opened('return-visit')]).toEqual([1, 2, 1]);
  // 综合科 finds the agent broke the rules
  expect((await gen.post(`/api/tasks/${agentTask.id}/claim`)).status).toBe(200);
  const noReason = await gen.post(`/api/tasks/${agentTask.id}/complete`, {
    variables: { score: 62, grade: '不合格', irregular: true, evaluationOpinion: '资料不全' },
  });
  expect(noReason.body.code).toBe('FORM_INVALID');
  await gen.post(`/api/tasks/${agentTask.id}/complete`, {
    variables: {
      agentStaff: '田某',
      score: 62,
      grade: '不合格',
      irregular: true,
      irregularDesc: '开标现场擅自更改评标办法',
      evaluationOpinion: '资料不全，现场纪律差',
    },
  });
  // 专家科 finds one expert left early
  for (const [i, t] of expertTasks.entries())
    await claimAndComplete(
      expert,
      t.id,
      i === 0
        ? { score: 55, grade: '不合格', irregular: true, irregularDesc: '评标未结束擅自离场', evaluationOpinion: '违反评标纪律' }
        : { score: 92, grade: '优秀', evaluationOpinion: '评审认真' },
    );
  const visit = await taskAt(
    sup,
    (
      await eventually(
        async () =>
          ((await sup.get('/api/tasks?view=unclaimed')).body.items as Body[]).find((t) => t.processId === 'return-visit' && t.title.includes('XXGC-2026-301')),
        10_000,
        'the return visit',
      )
    ).instanceId,
    'evaluate',
  );
  await claimAndComplete(sup, visit.id, {
    visitedOn: `${MONTH}-01`,
    visited: '吉首市交通运输局 王科长',
    way: '电话',
    visitContent: '对交易服务的意见',
    visitOpinion: '希望缩短等候时间',
  });

  const agentItem = await eventually(async () => (await items(gen, 'agent-evaluation')).find((i) => i.values.projectId === 'XXGC-2026-301'), 10_000, '表一');
  expect(agentItem).toMatchObject({
    no: expect.stringMatching(/^DLKP-/),
    recordedBy: 'gen1',
    values: { agent: '湖南华信招标代理有限公司', score: 62, irregular: true },
  });
  const experts = await eventually(
    async () => {
      const l = (await items(expert, 'expert-evaluation')).filter((i) => i.values.projectId === 'XXGC-2026-301');
      return l.length === 2 ? l : null;
    },
    10_000,
    '表二',
  );
  expect(experts.map((e) => e.values.expert).sort()).toEqual(['彭专家', '贺专家']);
  // 综合科 does not read the experts' register, nor 专家科 the agents'
  expect((await gen.get(`/api/ledgers/expert-evaluation?month=${MONTH}`)).status).toBe(403);
  expect((await expert.get(`/api/ledgers/agent-evaluation?month=${MONTH}`)).status).toBe(403);
  const visitItem = await eventually(async () => (await items(sup, 'return-visit')).find((i) => i.values.projectId === 'XXGC-2026-301'), 10_000, '表八');
  expect(visitItem.id).toBe('return-visit~XXGC-2026-301');
  // one return visit per project: a paper one for the same project is refused
  const again = await sup.post('/api/ledgers/return-visit', {
    values: { projectId: 'XXGC-2026-301', visitedOn: `${MONTH}-02`, visited: '某', way: '上门', visitContent: '再访' },
  });
  expect(again.status).toBe(409);
  expect(again.body.code).toBe('RETURN_VISIT_EXISTS');
  // the irregular act is a credit item of the agent
  const credit = await eventually(async () => (await items(sup, 'credit')).find((i) => i.values.projectId === 'XXGC-2026-301'), 10_000, 'the credit item');
  expect(credit.values).toMatchObject({
    subjectKind: '代理机构',
    subject: '湖南华信招标代理有限公司',
    act: '开标现场擅自更改评标办法',
    origin: '代理机构考评',
  });
});

test('a party rates once by the code on the sheet, anonymously; a forged code and a second rating are refused; a poor one reaches supervision', async () => {
  const eng = await s.login('eng_head');
  const link = await eng.get('/api/projects/XXGC-2026-001/rating-link');
  expect(link.status).toBe(200);
  expect(link.body.image).toMatch(/^data:image\/png;base64,/);
  const token = link.body.path.replace('/rate/', '');
  // a section that does not run the project does not print its code
  expect((await (await s.login('proc1')).get('/api/projects/XXGC-2026-001/rating-link')).status).toBe(403);
  const anon = s.anonymous();
  expect((await anon.get(`/api/public/ratings/${token}`)).body).toMatchObject({ projectId: 'XXGC-2026-001' });
  const forged = `${token.slice(0, -4)}AAAA`;
  expect((await anon.get(`/api/public/ratings/${forged}`)).body.code).toBe('RATING_CODE_INVALID');
  const other = Buffer.from('XXGC-2026-002').toString('base64url') + token.slice(-22);
  expect((await anon.post(`/api/public/ratings/${other}`, { party: '投标人（供应商）', partyName: '某某公司', grade: '满意' })).status).toBe(404);

  const first = await anon.post(`/api/public/ratings/${token}`, {
    party: '投标人（供应商）',
    partyName: '湘西路桥建设有限公司',
    grade: '不满意',
    comment: '开标等候过久',
  });
  expect(first.status).toBe(201);
  const twice = await anon.post(`/api/public/ratings/${token}`, { party: '投标人（供应商）', partyName: ' 湘西路桥建设有限公司', grade: '非常满意' });
  expect(twice.body.code).toBe('ALREADY_RATED');
  expect((await anon.post(`/api/public/ratings/${token}`, { party: '招标人（采购人）', partyName: '吉首市教育局', grade: '非常满意' })).status).toBe(201);
  expect((await anon.post(`/api/public/ratings/${token}`, { party: '路人', partyName: '某', grade: '满意' })).body.code).toBe('INVALID_BODY');

  const sup = await s.login('sup1');
  const ratings = (await items(sup, 'rating')).filter((i) => i.values.projectId === 'XXGC-2026-001');
  expect(ratings.map((r) => r.values.grade).sort()).toEqual(['不满意', '非常满意']);
  // nobody reads who rated: no name in the register, not even for supervision
  expect(JSON.stringify(ratings)).not.toContain('湘西路桥');
  expect(JSON.stringify(ratings)).not.toContain('吉首市教育局');
  // the rated section does not read the ratings at all
  expect((await eng.get(`/api/ledgers/rating?month=${MONTH}`)).status).toBe(403);
  const poor = await eventually(
    async () => ((await sup.get('/api/notifications')).body.items as Body[]).find((n) => n.kind === 'rating.poor'),
    10_000,
    'the poor rating told',
  );
  expect(poor.body).toContain('开标等候过久');
  // 监督科 enters a paper form
  const paper = await sup.post('/api/ledgers/rating', { values: { projectId: 'XXGC-2026-001', party: '代理机构', grade: '满意', channel: '纸质评价表' } });
  expect(paper.status).toBe(201);
});

test('the anomaly register takes what the witness saw and what supervision enters; a public criticism becomes credit; bad input changes nothing', async () => {
  const sup = await s.login('sup1');
  const witness = await s.login('witness1');
  const day = `${MONTH}-01`;
  const saved = await witness.post('/api/witness-records', {
    projectId: 'XXGC-2026-001',
    day,
    mode: 'offline',
    course: '开标、唱标正常',
    anomaly: true,
    anomalyDesc: '一名投标人代表未按规定存放手机',
  });
  expect(saved.status).toBeLessThan(300);
  const fromWitness = await eventually(
    async () => (await items(sup, 'anomaly-file')).find((i) => i.values.origin === '见证记录' && i.projectId === 'XXGC-2026-001'),
    10_000,
    'the witness anomaly filed',
  );
  expect(fromWitness.values.found).toBe('一名投标人代表未按规定存放手机');
  // supervision records the measure and the result later
  const patched = await sup.patch(`/api/ledgers/anomaly-file/items/${fromWitness.id}`, { values: { measure: '提醒', result: '当场整改' } });
  expect(patched.status).toBe(200);
  expect(patched.body.values).toMatchObject({ measure: '提醒', result: '当场整改', found: '一名投标人代表未按规定存放手机' });

  const before = (await items(sup, 'anomaly-file')).length;
  const bad = await sup.post('/api/ledgers/anomaly-file', { values: { found: '', measure: '罚款', foundAt: 'yesterday' } });
  expect(bad.status).toBe(400);
  expect(bad.body.code).toBe('LEDGER_INVALID');
  expect(bad.body.message).toMatch(/[\u4e00-\u9fff]/);
  expect((await items(sup, 'anomaly-file')).length).toBe(before);
  // only supervision enters anomalies
  expect((await (await s.login('gen1')).post('/api/ledgers/anomaly-file', { values: {} })).status).toBe(403);

  const entered = await sup.post('/api/ledgers/anomaly-file', {
    values: {
      projectId: 'XXGC-2026-002',
      foundAt: `${day}T10:30:00+08:00`,
      origin: '现场监督',
      found: '投标人串通报价迹象',
      measure: '通报批评',
      involved: '湘西某建筑公司',
      flashReport: true,
    },
  });
  expect(entered.status).toBe(201);
  const credit = await eventually(
    async () => (await items(sup, 'credit')).find((i) => i.values.subject === '湘西某建筑公司'),
    10_000,
    'the criticism in credit',
  );
  expect(credit.values).toMatchObject({ subjectKind: '市场主体', penalty: '通报批评', origin: '异常档案' });

  // 5.3.1: a supervising official's arrival on site, with how they performed
  const arrival = await sup.post('/api/ledgers/supervisor-arrival', {
    values: { projectId: 'XXGC-2026-002', arrivedAt: `${day}T08:50:00+08:00`, official: '田某', unit: '湘西州住房和城乡建设局', performance: '正常履职' },
  });
  expect(arrival.status).toBe(201);
  expect(arrival.body.no).toMatch(/^DC-/);
  // any section may report an irregular act at any time
  const proc = await s.login('proc1');
  const reported = await proc.post('/api/ledgers/credit', {
    values: { subjectKind: '代理机构', subject: '湘西某招标代理公司', act: '擅自延长投标截止时间', penalty: '约谈', decidedOn: day, origin: '科室报告' },
  });
  expect(reported.status).toBe(201);
  expect(reported.body.recordedByName).toBe('黄采购');
});

/** The first working day of the month after `month`, as the system's clock would read it there (09:00 Beijing). */
async function firstWorkingDayAfter(month: string): Promise<Date> {
  const calendar = new WorkCalendar(s.db);
  await calendar.load();
  const next = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1)).toISOString().slice(0, 7);
  return new Date(`${calendar.nthWorkingDay(next, 1)}T09:00:00+08:00`);
}

test("the month's bulletins: each in its section's inbox on the first working day after, drafted from its registers, due by the 5th working day, supervised when late; the public sees credit only once it is published", async () => {
  const opened = (await s.system.duties.openMonthly(await firstWorkingDayAfter(MONTH)))!;
  expect(opened.month).toBe(MONTH);
  const draftOf = async (user: string, kind: string) => {
    const c = await s.login(user);
    const t = await taskAt(c, opened.opened[kind]!, 'draft');
    expect(new Date(t.dueDate).toISOString()).toBe(opened.due);
    return { c, t, text: (await c.get(`/api/tasks/${t.id}`)).body.variables.bulletinText as string };
  };
  // each drafted by its own section, from its own registers
  expect((await draftOf('gen1', 'agent-evaluation')).text).toContain('湖南华信招标代理有限公司');
  expect((await draftOf('sup1', 'rating')).text).toMatch(/满意率 \d+\.\d%/);
  expect((await draftOf('sup1', 'anomaly')).text).toMatch(/电子异常档案：本月共 [1-9]\d* 条/);
  const credit = await draftOf('sup1', 'credit');
  expect(credit.text).toContain('湘西某建筑公司');
  const experts = await draftOf('expert1', 'expert-evaluation');
  expect(experts.text).toContain('发现不良行为 1 起');
  // 综合科 does not see 专家科's bulletin
  expect(
    ((await (await s.login('gen1')).get('/api/tasks?view=unclaimed')).body.items as Body[]).some((t) => t.instanceId === opened.opened['expert-evaluation']),
  ).toBe(false);

  // before the credit bulletin is approved the public sees nothing of the month
  const anon = s.anonymous();
  expect((await anon.get(`/api/public/credit?month=${MONTH}`)).body).toMatchObject({ month: null, items: [] });
  const deputy = await s.login('deputy');
  const director = await s.login('director');
  for (const [b, kind] of [
    [credit, 'credit'],
    [experts, 'expert-evaluation'],
  ] as const) {
    await claimAndComplete(b.c, b.t.id, { bulletinText: b.text });
    await claimAndComplete(deputy, (await taskAt(deputy, opened.opened[kind]!, 'review')).id, { reviewDecision: 'pass' });
    await claimAndComplete(director, (await taskAt(director, opened.opened[kind]!, 'approve')).id, { approveDecision: 'approve' });
  }
  const published = await eventually(
    async () => {
      const r = (await anon.get(`/api/public/credit?month=${MONTH}`)).body;
      return r.month === MONTH ? r : null;
    },
    10_000,
    'the credit month published',
  );
  expect(published.items.map((i: Body) => i.subject)).toEqual(expect.arrayContaining(['湖南华信招标代理有限公司', '湘西某建筑公司']));
  // only the public columns: no one who entered it, no internal numbers
  expect(Object.keys(published.items[0]).sort()).toEqual(['act', 'decidedOn', 'penalty', 'projectId', 'subject', 'subjectKind']);
  expect(JSON.stringify(published)).not.toMatch(/王监督|sup1|XY-\d{4}/);
  // the expert bulletin went to the supervisory bodies and the irregular expert's employer
  const irregular = (await items(await s.login('expert1'), 'expert-evaluation')).find((i) => i.values.irregular === true)!;
  const admin = await s.login('admin');
  const sentTo = await eventually(
    async () => (await admin.get(`/api/process-instances/${opened.opened['expert-evaluation']}`)).body.variables?.sentTo as string[] | undefined,
    10_000,
    'the expert bulletin sent',
  );
  expect(sentTo).toEqual(['相关行政监督部门', irregular.values.employer]);

  // past the 5th working day the bulletins still in draft are urged, then supervised
  const tick = await s.system.sla.tick(new Date(Date.parse(opened.due) + 2 * 86_400_000));
  expect(tick.supervised).toBeGreaterThanOrEqual(3);
  const told = ((await (await s.login('sup_head')).get('/api/notifications')).body.items as Body[]).filter((n) => n.kind === 'task.overdue');
  for (const kind of ['agent-evaluation', 'rating', 'anomaly']) expect(told.some((n) => n.instanceId === opened.opened[kind])).toBe(true);
});

test('each table of the month reads back from its export: the rows in Excel, the Chinese text in the PDF', async () => {
  const sup = await s.login('sup1');
  const readers: Record<string, Client> = { 'agent-evaluation': await s.login('gen1'), 'expert-evaluation': await s.login('expert1') };
  for (const [kind, title] of [
    ['agent-evaluation', '表一 代理机构考评'],
    ['expert-evaluation', '表二 评标（评审）专家考评'],
    ['rating', '表三 服务“好差评”'],
    ['anomaly-file', '表六 电子异常档案'],
    ['return-visit', '表八 回访记录'],
    ['credit', '不良行为与信用记录'],
  ] as const) {
    const c = readers[kind] ?? sup;
    const list = await items(c, kind);
    expect(list.length).toBeGreaterThan(0);
    const xlsx = await c.file(`/api/ledgers/${kind}/export?month=${MONTH}&format=xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(String(ws.getCell(1, 1).value)).toBe(title);
    const numbers = (ws.getColumn(1).values as unknown[]).map(String).filter((v) => /^[A-Z]+-\d{4}-\d{4}$/.test(v));
    expect(numbers.sort()).toEqual(list.map((i) => i.no).sort());
    const text = pdfText((await c.file(`/api/ledgers/${kind}/export?month=${MONTH}&format=pdf`)).bytes).replace(/\s+/g, '');
    expect(text).toContain(title.replace(/\s+/g, ''));
    for (const i of list) expect(text).toContain(i.no);
  }
});
