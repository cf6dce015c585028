/**
 * 要情专报 end to end over HTTP, as the center's people: FLOWS.md "anomaly-escalation".
 */
import mammoth from 'mammoth';
import { startServer, taskAt, claimAndComplete, eventually, instanceState, PDF, type Body, type TestServer, pdfText } from './harness';

let s: TestServer;

/** Evidence kept at the scene (现场证据), uploaded; its id. */
const evidence = async (c: Awaited<ReturnType<TestServer['login']>>) => (await c.upload('现场照片.pdf', PDF, { category: 'evidence' })).body.id as string;
beforeAll(async () => {
  s = await startServer('anomaly');
});
afterAll(() => s?.close());

const report = {
  projectId: 'XXGC-2026-001',
  category: 'trade',
  assignedBy: 'none',
  title: '开标现场发现投标文件雷同',
  description: '2026年11月29日开标时，两家投标人的投标文件技术部分高度雷同，疑似串通投标。现场已封存文件。',
  pauseNow: true,
};

test('witness reports with a pause; head acknowledges; supervision verifies and drafts; office returns once; director signs; 公开 publishes', async () => {
  // given
  const witness = await s.login('witness1');
  const head = await s.login('eng_head');
  const sup = await s.login('sup1');
  const office = await s.login('office1');
  const director = await s.login('director');
  const deputy = await s.login('deputy');

  // 3.2.2 保留现场相关证据: a report that pauses its project needs its evidence
  const bare = await witness.post('/api/process-instances', { processId: 'anomaly-escalation', variables: report });
  expect([bare.status, bare.body.code, bare.body.message]).toEqual([422, 'ATTACHMENTS_MISSING', '缺少必须提交的材料：现场证据']);
  expect((await witness.get('/api/projects')).body.items.find((p: Body) => p.id === 'XXGC-2026-001').status).toBe('active');

  // when the witness reports with an immediate pause, and the evidence
  const started = await witness.post('/api/process-instances', {
    processId: 'anomaly-escalation',
    variables: report,
    attachmentIds: [await evidence(witness)],
  });
  expect(started.status).toBe(201);
  const id = started.body.id as string;

  // then the project is paused and its parties told
  await eventually(
    async () => (await witness.get('/api/projects')).body.items.find((p: Body) => p.id === 'XXGC-2026-001' && p.status === 'paused'),
    10_000,
    'project paused',
  );
  const headNotes = await eventually(
    async () => (await head.get('/api/notifications')).body.items.find((n: Body) => n.kind === 'project.paused'),
    10_000,
    'pause notice',
  );
  expect(headNotes.title).toContain('项目暂停');

  // an external applicant sees that it is paused, not who reported it or why
  const ext = await s.login('external1');
  const seen = (await ext.get('/api/projects')).body.items.find((p: Body) => p.id === 'XXGC-2026-001');
  expect(seen).toEqual({ id: 'XXGC-2026-001', name: expect.any(String), section: 'engineering', kind: '工程建设', status: 'paused' });

  // supervision, the deputy overseeing engineering and the director are told at once (同步), while the head is still to acknowledge
  for (const c of [sup, deputy, director]) {
    await eventually(
      async () => (await c.get('/api/notifications')).body.items.find((n: Body) => n.kind === 'anomaly.reported' && n.instanceId === id),
      10_000,
      `${c.user} notified`,
    );
  }
  expect((await taskAt(head, id, 'ack')).status).toBe('open');

  // the witness's section head acknowledges at once
  const ack = await taskAt(head, id, 'ack');
  expect(ack.candidateGroups).toEqual(['engineering.head']);
  expect(ack.priority).toBeGreaterThanOrEqual(90);
  expect(ack.dueDate).toBeTruthy();
  expect((await witness.get(`/api/tasks?view=unclaimed`)).body.items.some((t: Body) => t.id === ack.id)).toBe(false);
  await claimAndComplete(head, ack.id, { ackOpinion: '情况紧急，已确认，立即报告' });

  // supervision verifies: substantiated, and drafts (not a platform matter)
  const verify = await taskAt(sup, id, 'verify');
  await claimAndComplete(sup, verify.id, {
    verifyResult: 'substantiated',
    verifyFindings: '经调取录像、比对文件，两家投标文件雷同属实。',
    verifyOpinion: '属实',
  });
  const draft1 = await taskAt(sup, id, 'draft_sup');
  await claimAndComplete(sup, draft1.id, { reportBackground: '项目基本情况……', reportDevelopment: '开标时发现……', reportHandling: '已暂停项目' });

  // the office returns it once with comments
  const review1 = await taskAt(office, id, 'review');
  expect(review1.formId).toBe('anomaly-review');
  expect((await office.post(`/api/tasks/${review1.id}/claim`)).status).toBe(200);
  const returned = await office.post(`/api/tasks/${review1.id}/return`, { opinion: '处理过程请写明时间节点' });
  expect(returned.status).toBe(200);
  expect(returned.body.outcome).toBe('return');

  // it goes back to the one who drafted it, with the earlier text to revise
  const draft2 = await taskAt(sup, id, 'draft_sup', 'mine');
  expect(draft2.id).not.toBe(draft1.id);
  expect(draft2.assignee).toBe('sup1');
  expect((await sup.get(`/api/tasks/${draft2.id}`)).body.variables.reportBackground).toBe('项目基本情况……');
  const revised = await sup.post(`/api/tasks/${draft2.id}/complete`, {
    variables: {
      reportBackground: '项目基本情况……',
      reportDevelopment: '开标时发现……',
      reportHandling: '11月29日10时暂停项目；11时封存文件；14时约谈投标人。',
    },
  });
  expect(revised.status).toBe(200);
  const review2 = await taskAt(office, id, 'review');
  await claimAndComplete(office, review2.id, { reviewDecision: 'approve', reviewOpinion: '同意呈签' });

  // the director sees the escalation first and signs
  const sign = await taskAt(director, id, 'sign');
  const directorList = (await director.get('/api/tasks?view=unclaimed')).body.items;
  expect(directorList[0].processId).toBe('anomaly-escalation');
  await claimAndComplete(director, sign.id, { signDecision: 'sign', signOpinion: '同意报送' });

  // the office issues it (印发, 3.2.5)
  const issue = await taskAt(office, id, 'issue');
  expect(issue.candidateGroups).toEqual(['office']);
  await claimAndComplete(office, issue.id, { issueCopies: 6, issueNote: '按规定范围报送' });

  // dispatched; the project was paused: supervision's head (or a leader) decides on the pause in a step of its own
  const supHead = await s.login('sup_head');
  const resume = await taskAt(supHead, id, 'resume_done');
  expect([resume.name, resume.candidateGroups]).toEqual(['恢复交易', ['supervision.head', 'leader.deputy', 'leader.principal']]);
  expect((await witness.post(`/api/tasks/${resume.id}/claim`)).status).toBe(403);
  await claimAndComplete(supHead, resume.id, { resumeDecision: 'keep', resumeOpinion: '串标问题移交行政监督部门，暂不恢复' });
  // kept paused, for now: classification follows
  const classify = await taskAt(sup, id, 'classify');
  expect((await witness.get('/api/projects')).body.items.find((p: Body) => p.id === 'XXGC-2026-001').status).toBe('paused');
  await claimAndComplete(sup, classify.id, { classification: 'public', classifyOpinion: '可公开' });
  const done = await eventually(
    async () => {
      const d = await instanceState(witness, id);
      return d.instance.state === 'completed' ? d : null;
    },
    10_000,
    'instance completed',
  );
  // numbered in order within the year, not after the instance; one record per recipient, the project's supervisory department named
  expect(done.variables.dispatchNo).toMatch(/^湘西交易要情〔\d{4}〕\d+号$/);
  expect(done.variables.issuedBy).toBe('office1');
  const deliveries = await s.db.collection('dispatch_deliveries').find({ instanceId: id }).sort({ _id: 1 }).toArray();
  expect(deliveries.map((d) => [d.kind, d.to])).toEqual([
    ['send', '州委'],
    ['send', '州人民政府'],
    ['send', '州公管委'],
    ['send', '州纪委监委'],
    ['copy', '州公管办'],
    ['copy', '湘西州住房和城乡建设局'],
  ]);
  expect(new Set(deliveries.map((d) => d.dispatchNo))).toEqual(new Set([done.variables.dispatchNo]));
  expect(done.variables.signByName).toBe('周主任');
  expect(done.variables.publicationId).toBe(id);
  const pub = await s.anonymous().get('/api/public/special-reports');
  expect(pub.body.items.map((p: Body) => p.title)).toContain(report.title);
  // its page, for the portal to link to
  const page = (await s.anonymous().get(`/api/public/special-reports/${id}`)).body;
  expect(page).toMatchObject({ title: report.title, content: { handling: '11月29日10时暂停项目；11时封存文件；14时约谈投标人。' } });

  // the timeline shows who did what, with opinions, in order
  const actions = done.timeline.map((e: Body) => `${e.actor}:${e.action}${e.data.taskName ? `:${e.data.taskName}` : ''}`);
  const expected = [
    'witness1:instance.started',
    'system:project.paused',
    'eng_head:task.completed:科室负责人确认',
    'sup1:task.completed:监督科核实',
    'sup1:task.completed:监督科起草专报',
    'office1:task.returned:办公室审核',
    'sup1:task.completed:监督科起草专报',
    'office1:task.completed:办公室审核',
    'director:task.completed:中心领导签发',
    'office1:task.completed:办公室印发',
    'system:report.dispatched',
    'sup_head:task.completed:恢复交易',
    'sup1:task.completed:确定密级',
    'system:report.published',
  ];
  expect(actions.filter((a: string) => expected.includes(a))).toEqual(expected);
  expect(done.timeline.find((e: Body) => e.action === 'task.returned').data.opinion).toBe('处理过程请写明时间节点');
  expect(done.completedElements).toEqual(expect.arrayContaining(['ack', 'verify', 'draft_sup', 'review', 'sign', 'classify']));
  expect(done.diagram.xml).toContain('anomaly-escalation');

  // supervision's head lifts the pause later, once it is dealt with
  expect((await witness.post('/api/projects/XXGC-2026-001/resume', { reason: '已处理' })).status).toBe(403);
  expect((await supHead.post('/api/projects/XXGC-2026-001/resume', { reason: '串标问题已移交处理，恢复交易' })).body.status).toBe('active');
  expect((await supHead.post('/api/projects/XXGC-2026-001/resume', { reason: '再次' })).status).toBe(409);

  // and the audit chain holds
  const verifyChain = await director.get('/api/audit/verify');
  expect(verifyChain.body).toMatchObject({ ok: true });
  expect(verifyChain.body.count).toBeGreaterThan(15);
});

test('a platform matter is drafted by the office; an unsubstantiated one ends with the reporter told', async () => {
  const witness = await s.login('witness1');
  const head = await s.login('eng_head');
  const sup = await s.login('sup1');
  const office = await s.login('office1');

  // a platform matter need not name a project (any other report must)
  const { projectId: _none, ...unbound } = report;
  const noProject = await witness.post('/api/process-instances', {
    processId: 'anomaly-escalation',
    variables: { ...unbound, pauseNow: false, title: '无项目' },
  });
  expect([noProject.status, noProject.body.details]).toEqual([422, [expect.objectContaining({ field: 'projectId', code: 'REQUIRED' })]]);
  const platform = await witness.post('/api/process-instances', {
    processId: 'anomaly-escalation',
    variables: { ...unbound, category: 'platform', pauseNow: false, title: '电子交易系统开标时宕机' },
  });
  expect(platform.status).toBe(201);
  // 信息科 (the admin's section) is told of a platform matter too, with supervision and the leaders
  const admin = await s.login('admin');
  const toldIt = await eventually(
    async () => (await admin.get('/api/notifications')).body.items.find((n: Body) => n.kind === 'anomaly.reported' && n.instanceId === platform.body.id),
    10_000,
    '信息科 told',
  );
  expect(toldIt.body).toContain('报告平台重大事项');
  expect((await instanceState(witness, platform.body.id)).instance.projectId ?? null).toBeNull();
  const other = await witness.post('/api/process-instances', {
    processId: 'anomaly-escalation',
    variables: { ...report, projectId: 'XXGC-2026-002', pauseNow: false, title: '投诉称评标专家迟到' },
  });
  for (const id of [platform.body.id, other.body.id]) {
    await claimAndComplete(head, (await taskAt(head, id, 'ack')).id, {});
  }
  // platform matter: verified, then drafted by the office (3.2.4)
  await claimAndComplete(sup, (await taskAt(sup, platform.body.id, 'verify')).id, {
    verifyResult: 'substantiated',
    verifyFindings: '系统日志确认宕机 40 分钟',
  });
  const officeDraft = await taskAt(office, platform.body.id, 'draft_office');
  expect(officeDraft.candidateGroups).toEqual(['office']);
  // project 002 was not paused
  const projects = (await witness.get('/api/projects')).body.items;
  expect(projects.find((p: Body) => p.id === 'XXGC-2026-002').status).toBe('active');

  // not substantiated: the flow ends and the reporter is told
  await claimAndComplete(sup, (await taskAt(sup, other.body.id, 'verify')).id, { verifyResult: 'unsubstantiated', verifyFindings: '专家按时到场，投诉不实' });
  await eventually(async () => (await instanceState(witness, other.body.id)).instance.state === 'completed', 10_000, 'closed');
  const note = await eventually(
    async () => (await witness.get('/api/notifications')).body.items.find((n: Body) => n.kind === 'anomaly.unsubstantiated'),
    10_000,
    'reporter told',
  );
  expect(note.body).toContain('投诉不实');
});

/** A person an admin adds, with their own password chosen. */
async function colleague(id: string, name: string, extra: Record<string, unknown>) {
  const admin = await s.login('admin');
  expect((await admin.post('/api/admin/users', { id, name, password: 'Temporary-Pass-Quartz-81', ...extra })).status).toBe(201);
  const c = await s.login(id, 'Temporary-Pass-Quartz-81');
  expect((await c.post('/api/auth/password', { currentPassword: 'Temporary-Pass-Quartz-81', newPassword: 'Own-Choice-Lantern-92' })).status).toBe(204);
  return c;
}

const told = async (c: Awaited<ReturnType<TestServer['login']>>, kind: string, id: string) =>
  ((await c.get('/api/notifications?limit=100')).body.items as Body[]).some((n) => n.kind === kind && n.instanceId === id);

test('the deputy who hears of a report is the one overseeing its section; the principal always', async () => {
  const dep2 = await colleague('dep2', '向分管', { roles: ['deputy'], oversees: ['procurement'] });
  const deputy = await s.login('deputy');
  const director = await s.login('director');
  const proc = await s.login('proc1');
  const r = await proc.post('/api/process-instances', {
    processId: 'anomaly-escalation',
    variables: { ...report, projectId: 'XXCG-2026-010', title: '采购项目异常', pauseNow: false },
  });
  expect(r.status).toBe(201);
  await eventually(async () => (await told(dep2, 'anomaly.reported', r.body.id)) && (await told(director, 'anomaly.reported', r.body.id)), 10_000, 'told');
  // deputy oversees supervision, engineering, general and office — not procurement
  expect(await told(deputy, 'anomaly.reported', r.body.id)).toBe(false);
  const vars = (await director.get(`/api/process-instances/${r.body.id}`)).body.variables;
  expect(vars.overseers).toEqual(['dep2']);
});

test("a report found untrue: everyone told of it — supervision, leaders, the paused project's parties — is told it is closed", async () => {
  const witness = await s.login('witness1');
  const head = await s.login('eng_head');
  const sup = await s.login('sup1');
  const r = await witness.post('/api/process-instances', {
    processId: 'anomaly-escalation',
    variables: { ...report, projectId: 'XXGC-2026-002', title: '经核实不属实的报告' },
    attachmentIds: [await evidence(witness)],
  });
  const id = r.body.id as string;
  await claimAndComplete(head, (await taskAt(head, id, 'ack')).id, {});
  await claimAndComplete(sup, (await taskAt(sup, id, 'verify')).id, { verifyResult: 'unsubstantiated', verifyFindings: '经调取录像，所报情况不存在。' });
  // the reporter; all of supervision; the director and the overseeing deputy; the paused project's section, its head, the general section
  for (const u of ['witness1', 'sup1', 'sup2', 'sup_head', 'director', 'deputy', 'eng_head', 'gen1']) {
    const c = await s.login(u);
    await eventually(() => told(c, 'anomaly.unsubstantiated', id), 10_000, `${u} told it is closed`);
  }
  const note = ((await (await s.login('gen1')).get('/api/notifications?limit=100')).body.items as Body[]).find(
    (n) => n.kind === 'anomaly.unsubstantiated' && n.instanceId === id,
  );
  expect(note.title).toContain('不属实，已办结');
  expect(note.body).toContain('所报情况不存在');
  // those never told of it are not told now
  for (const u of ['proc1', 'office1']) expect(await told(await s.login(u), 'anomaly.unsubstantiated', id)).toBe(false);
  // the pause it made is lifted in a step of its own, with the reason, and the project's parties are told
  const director = await s.login('director');
  const resume = await taskAt(director, id, 'resume_closed');
  const noReason = await (async () => {
    await director.post(`/api/tasks/${resume.id}/claim`);
    return director.post(`/api/tasks/${resume.id}/complete`, { variables: { resumeDecision: 'resume' } });
  })();
  expect([noReason.status, noReason.body.details]).toEqual([422, [expect.objectContaining({ field: 'resumeOpinion', code: 'REQUIRED' })]]);
  expect(
    (await director.post(`/api/tasks/${resume.id}/complete`, { variables: { resumeDecision: 'resume', resumeOpinion: '报告不属实，恢复交易' } })).status,
  ).toBe(200);
  await eventually(async () => (await instanceState(witness, id)).instance.state === 'completed', 10_000, 'closed');
  const project = (await witness.get('/api/projects')).body.items.find((p: Body) => p.id === 'XXGC-2026-002');
  expect(project.status).toBe('active');
  const resumed = await eventually(
    async () => ((await head.get('/api/notifications?limit=100')).body.items as Body[]).find((n) => n.kind === 'project.resumed' && n.instanceId === id),
    10_000,
    'the section told',
  );
  expect(resumed.body).toContain('报告不属实，恢复交易');
  const trail = (await director.get(`/api/audit?instanceId=${id}&action=project.resumed`)).body.items;
  expect(trail.map((e: Body) => [e.actor, e.data.opinion])).toEqual([['director', '报告不属实，恢复交易']]);
});

test('a draft is never reviewed by its writer: the office review is not offered to who drafted it, and is refused to them', async () => {
  const witness = await s.login('witness1');
  const head = await s.login('eng_head');
  const sup = await s.login('sup1');
  const office = await s.login('office1');
  const officeHead = await s.login('office_head');
  const { projectId: _none, ...unbound } = report;
  const r = await witness.post('/api/process-instances', {
    processId: 'anomaly-escalation',
    variables: { ...unbound, category: 'platform', pauseNow: false, title: '交易系统证书服务中断' },
  });
  const id = r.body.id as string;
  await claimAndComplete(head, (await taskAt(head, id, 'ack')).id, {});
  await claimAndComplete(sup, (await taskAt(sup, id, 'verify')).id, { verifyResult: 'substantiated', verifyFindings: '证书服务中断 2 小时属实' });
  await claimAndComplete(office, (await taskAt(office, id, 'draft_office')).id, {
    reportBackground: '背景',
    reportDevelopment: '经过',
    reportHandling: '处置',
  });
  // the review waits for the office — but not for the one who drafted it
  const review = await taskAt(officeHead, id, 'review');
  expect(review.candidateGroups).toEqual(['office']);
  const offered = async (c: typeof office) => ((await c.get('/api/tasks?view=unclaimed&pageSize=100')).body.items as Body[]).some((t) => t.id === review.id);
  expect(await offered(office)).toBe(false);
  const mine = await office.get(`/api/tasks/${review.id}`);
  expect(mine.body.actions).not.toContain('claim');
  const claim = await office.post(`/api/tasks/${review.id}/claim`);
  expect([claim.status, claim.body.code]).toEqual([403, 'SEPARATION_OF_DUTIES']);
  // nor handed to them
  expect((await officeHead.post(`/api/tasks/${review.id}/claim`)).status).toBe(200);
  expect((await officeHead.post(`/api/tasks/${review.id}/transfer`, { userId: 'office1' })).body.code).toBe('SEPARATION_OF_DUTIES');
  expect((await officeHead.post(`/api/tasks/${review.id}/complete`, { variables: { reviewDecision: 'approve' } })).status).toBe(200);
  // the one who drafted is on record
  expect((await instanceState(officeHead, id)).variables.drafter).toBe('office1');
});

test('3.2.4: a matter the prefecture or province assigns is started by the office and drafted by it at once — no acknowledgement, no verification', async () => {
  const office = await s.login('office1');
  const officeHead = await s.login('office_head');
  const r = await office.post('/api/process-instances', {
    processId: 'anomaly-escalation',
    variables: { ...report, pauseNow: false, assignedBy: 'prefecture', title: '州公管办交办：某项目投诉核查情况' },
  });
  expect(r.status).toBe(201);
  const id = r.body.id as string;
  const draft = await taskAt(office, id, 'draft_office');
  expect(draft.candidateGroups).toEqual(['office']);
  await claimAndComplete(office, draft.id, { reportBackground: '州公管办交办', reportDevelopment: '核查经过', reportHandling: '处理意见' });
  await claimAndComplete(officeHead, (await taskAt(officeHead, id, 'review')).id, { reviewDecision: 'approve' });
  const d = await instanceState(office, id);
  expect(d.completedElements).toEqual(expect.arrayContaining(['draft_office', 'review']));
  expect(d.completedElements).not.toContain('ack');
  expect(d.completedElements).not.toContain('verify');
  expect(d.tasks.map((t: Body) => t.elementId)).not.toContain('ack');
  // the leaders heard of it at once all the same
  const director = await s.login('director');
  await eventually(
    async () => ((await director.get('/api/notifications?limit=100')).body.items as Body[]).some((n) => n.kind === 'anomaly.reported' && n.instanceId === id),
    10_000,
    'told',
  );
});

test('文号 run in order within the year, whoever the report: the next issued gets the next number', async () => {
  const witness = await s.login('witness1');
  const head = await s.login('eng_head');
  const sup = await s.login('sup1');
  const office = await s.login('office1');
  const officeHead = await s.login('office_head');
  const director = await s.login('director');
  const numbers: string[] = [];
  for (const title of ['编号一', '编号二']) {
    const r = await witness.post('/api/process-instances', { processId: 'anomaly-escalation', variables: { ...report, pauseNow: false, title } });
    const id = r.body.id as string;
    await claimAndComplete(head, (await taskAt(head, id, 'ack')).id, {});
    await claimAndComplete(sup, (await taskAt(sup, id, 'verify')).id, { verifyResult: 'substantiated', verifyFindings: '属实' });
    await claimAndComplete(sup, (await taskAt(sup, id, 'draft_sup')).id, { reportBackground: 'a', reportDevelopment: 'b', reportHandling: 'c' });
    await claimAndComplete(officeHead, (await taskAt(officeHead, id, 'review')).id, { reviewDecision: 'approve' });
    await claimAndComplete(director, (await taskAt(director, id, 'sign')).id, { signDecision: 'sign' });
    await claimAndComplete(office, (await taskAt(office, id, 'issue')).id, { issueCopies: 3 });
    await taskAt(sup, id, 'classify');
    numbers.push((await instanceState(sup, id)).variables.dispatchNo);
  }
  const n = numbers.map((x) => Number(/〕(\d+)号$/.exec(x)![1]));
  expect(n[1]).toBe(n[0]! + 1);
  const year = /〔(\d{4})〕/.exec(numbers[1]!)![1];
  expect((await s.db.collection('document_numbers').findOne({ _id: `dispatch:${year}` as never }))?.seq).toBe(n[1]);

  // the office's list of the year's dispatches, each issued report as the official document
  const list = (await office.get(`/api/dispatches?year=${year}`)).body;
  const mine = (list.items as Body[]).filter((d) => numbers.includes(d.dispatchNo));
  expect(mine.map((d) => d.title)).toEqual(['编号一', '编号二']);
  const docx = await office.file(`/api/dispatches/${encodeURIComponent(mine[1].id)}/document?format=docx`);
  expect(docx.type).toContain('wordprocessingml');
  const text = (await mammoth.extractRawText({ buffer: docx.bytes })).value;
  expect(text).toContain(numbers[1]);
  expect(text).toContain('湘西自治州公共资源交易中心文件');
  expect(text).toContain(`${mine[1].recipients.join('、')}：`);
  expect(text).toMatch(/抄送：.*州公管办/);
  const pdf = pdfText((await office.file(`/api/dispatches/${encodeURIComponent(mine[1].id)}/document?format=pdf`)).bytes).replace(/\s+/g, '');
  expect(pdf).toContain(numbers[1]);
  expect(pdf).toContain('编号二');
  // a witness does not read the dispatch records
  expect((await witness.get('/api/dispatches')).status).toBe(403);
  expect((await witness.file(`/api/dispatches/${encodeURIComponent(mine[1].id)}/document?format=pdf`)).status).toBe(403);
  // each dispatched report opened its file in the anomaly register: the number, not the text
  const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
  const files = ((await sup.get(`/api/ledgers/anomaly-file?month=${month}`)).body.items as Body[]).filter((i) => i.values.origin === '要情专报');
  expect(files.map((f) => f.values.found)).toEqual(expect.arrayContaining(numbers.map((x) => `要情专报 ${x}（详见专报）`)));
});

test('a report supervision staff made themselves is verified by a colleague, never by them', async () => {
  const sup1 = await s.login('sup1');
  const sup2 = await s.login('sup2');
  const r = await sup1.post('/api/process-instances', {
    processId: 'anomaly-escalation',
    variables: { ...report, pauseNow: false, title: '监督科自行发现的异常' },
  });
  expect(r.status).toBe(201);
  const id = r.body.id as string;
  // its acknowledgement goes to the head of the reporter's own section
  const ack = await eventually(
    async () => ((await sup1.get(`/api/process-instances/${id}`)).body.tasks as Body[]).find((t) => t.elementId === 'ack'),
    10_000,
    'the acknowledgement',
  );
  expect(ack.candidateGroups).toEqual(['supervision.head']);
  await claimAndComplete(await s.login('sup_head'), ack.id, {});
  const verify = await taskAt(sup2, id, 'verify');
  expect(((await sup1.get('/api/tasks?view=unclaimed&pageSize=100')).body.items as Body[]).some((t) => t.id === verify.id)).toBe(false);
  expect((await sup1.post(`/api/tasks/${verify.id}/claim`)).body.code).toBe('SEPARATION_OF_DUTIES');
  await claimAndComplete(sup2, verify.id, { verifyResult: 'unsubstantiated', verifyFindings: '经核实不属实' });
});
