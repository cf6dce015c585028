/**
 * 案件协查协办 / 复评复审 end to end: FLOWS.md "case-assistance" (5.3.3, 5.3.4).
 */
import { startServer, taskAt, claimAndComplete, eventually, instanceState, PDF, type Body, type TestServer } from './harness';

let s: TestServer;
beforeAll(async () => {
  s = await startServer('case');
});
afterAll(() => s?.close());

const request = {
  requesterUnit: '湘西州住房和城乡建设局',
  officerName: '吴监管',
  officerPhone: '0743-8221234',
  projectId: 'XXGC-2026-001',
  caseSummary: '投诉人反映评标过程存在倾向性打分，请求复评复审。',
  recordingOutside: false,
};

test('re-review: missing complaint letter is told once; supplied; supervision audits; director approves; the business section re-reviews; general section told of recording; requester told', async () => {
  const ext = await s.login('external1');
  const sup = await s.login('sup1');
  const director = await s.login('director');
  const witness = await s.login('witness1');
  const gen = await s.login('gen1');

  // given the work ID and the letter, but not the complaint letter
  const workId = await ext.upload('工作证.pdf', PDF, { category: 'work-id' });
  const letter = await ext.upload('工作函.pdf', PDF, { category: 'letter' });
  expect(workId.status).toBe(201);
  expect(workId.body.sha256).toHaveLength(64);

  // when external1 files a re-review request
  const started = await ext.post('/api/process-instances', {
    processId: 'case-assistance',
    variables: { ...request, kind: 'review', recordingOutside: true },
    attachmentIds: [workId.body.id, letter.body.id],
  });
  expect(started.status).toBe(201);
  const id = started.body.id;

  // then the missing material is told once, to the applicant, all together
  const supplement = await taskAt(ext, id, 'supplement', 'mine');
  const detail = (await ext.get(`/api/tasks/${supplement.id}`)).body;
  expect(detail.variables.missingMaterials).toEqual(['投诉质疑书']);
  expect(detail.form.id).toBe('case-supplement');

  // the applicant uploads it to the task and submits
  const complaint = await ext.upload('投诉质疑书.pdf', PDF, { category: 'complaint', taskId: supplement.id });
  expect(complaint.status).toBe(201);
  const sub = await ext.post(`/api/tasks/${supplement.id}/complete`, { variables: { supplementNote: '已补充投诉质疑书' } });
  expect(sub.status).toBe(200);

  // supervision audits first, then the director approves
  await claimAndComplete(sup, (await taskAt(sup, id, 'audit')).id, { auditDecision: 'pass', auditOpinion: '材料齐全，符合复评复审条件' });
  await claimAndComplete(director, (await taskAt(director, id, 'approve')).id, { approveDecision: 'approve', approveOpinion: '同意复评复审' });

  // 5.3.4: before the work, the general section is told in writing (a 告知书 with the request) and confirms and schedules the recording
  await eventually(
    async () => (await gen.get('/api/notifications')).body.items.find((n: Body) => n.kind === 'case.recording-notice' && n.instanceId === id),
    10_000,
    'general told',
  );
  const schedule = await taskAt(gen, id, 'schedule_recording');
  expect(schedule.candidateGroups).toEqual(['general']);
  expect(((await gen.get(`/api/process-instances/${id}`)).body.tasks as Body[]).map((t) => t.elementId)).not.toContain('review_work');
  const notice = (await gen.get(`/api/process-instances/${id}`)).body.attachments.find((a: Body) => a.category === 'notice');
  expect(notice).toMatchObject({ filename: '录音录像告知书.txt', uploadedBy: 'system' });
  const text = await fetch(`${s.base}/api/attachments/${notice.id}`, { headers: { authorization: `Bearer ${gen.token}` } }).then((r) => r.text());
  expect(text).toContain('异常处理室以外场所录音录像告知书');
  expect(text).toContain('湘西州住房和城乡建设局');
  await claimAndComplete(gen, schedule.id, { recordingAt: '2026-12-10T09:00', recordingPlace: '开标室二', recordingStaff: '刘综合' });

  // the business section that ran the project undertakes it
  const work = await taskAt(witness, id, 'review_work');
  expect(work.candidateGroups).toEqual(['engineering']);
  await claimAndComplete(witness, work.id, { workOutcome: '经复评，维持原评标结果' });
  // supervision writes the on-site supervision record (表六): when, where, who, what was done
  await claimAndComplete(sup, (await taskAt(sup, id, 'record_details')).id, {
    recordAt: '2026-12-10T09:00',
    recordPlace: '开标室二',
    recordPresent: '监督科王监督、申请单位吴监管',
    recordMeasures: '调取录像，现场核对',
  });

  // the requester is told
  const told = await eventually(
    async () => (await ext.get('/api/notifications')).body.items.find((n: Body) => n.kind === 'case.done'),
    10_000,
    'requester told',
  );
  expect(told.body).toContain('维持原评标结果');
  const done = await eventually(
    async () => {
      const d = await instanceState(ext, id);
      return d.instance.state === 'completed' ? d : null;
    },
    10_000,
    'completed',
  );
  expect(done.variables.supervisionRecordNo).toMatch(/^JD-/);
  expect(done.attachments.map((a: Body) => a.category).sort()).toEqual(['complaint', 'letter', 'work-id']);
  // the applicant sees outcomes, not the internal opinions
  expect(done.variables.auditOpinion).toBeUndefined();
  expect(done.variables.approveOpinion).toBe('同意复评复审');
});

test('case assistance refused by the director: the requester is told the reason', async () => {
  const ext = await s.login('external1');
  const sup = await s.login('sup1');
  const director = await s.login('director');
  const a = await ext.upload('工作证.pdf', PDF, { category: 'work-id' });
  const b = await ext.upload('工作函.pdf', PDF, { category: 'letter' });
  const started = await ext.post('/api/process-instances', {
    processId: 'case-assistance',
    variables: { ...request, kind: 'assist' },
    attachmentIds: [a.body.id, b.body.id],
  });
  const id = started.body.id;

  // materials complete: straight to supervision's registration
  await claimAndComplete(sup, (await taskAt(sup, id, 'register')).id, {
    registerDecision: 'accept',
    assistSection: 'supervision',
    registerOpinion: '已登记，建议协助调取开标录像',
  });
  const approve = await taskAt(director, id, 'approve');
  // a refusal needs its reason
  await director.post(`/api/tasks/${approve.id}/claim`);
  const noReason = await director.post(`/api/tasks/${approve.id}/complete`, { variables: { approveDecision: 'refuse' } });
  expect(noReason.status).toBe(422);
  expect(noReason.body.details).toEqual([expect.objectContaining({ field: 'approveOpinion', code: 'REQUIRED' })]);
  const refused = await director.post(`/api/tasks/${approve.id}/complete`, {
    variables: { approveDecision: 'refuse', approveOpinion: '该事项不属于本中心协查范围' },
  });
  expect(refused.status).toBe(200);

  const told = await eventually(
    async () => (await ext.get('/api/notifications')).body.items.find((n: Body) => n.kind === 'case.refused' && n.instanceId === id),
    10_000,
    'told',
  );
  expect(told.body).toContain('该事项不属于本中心协查范围');
  await eventually(async () => (await instanceState(ext, id)).instance.state === 'completed', 10_000, 'ended');
  // 统一由监督科对接记录: a refused request is in the supervision record too, with its reason
  const record = await s.db.collection('supervision_records').findOne({ _id: id as never });
  expect(record).toMatchObject({ kind: '案件协查协办', outcome: '不予同意：该事项不属于本中心协查范围', unit: '湘西州住房和城乡建设局' });
  const done = await instanceState(ext, id);
  expect(done.variables.supervisionRecordNo).toMatch(/^JD-/);
  expect(done.completedElements).toEqual(expect.arrayContaining(['register', 'approve']));
});

test('only the roles a diagram names may start it', async () => {
  const witness = await s.login('witness1');
  const r = await witness.post('/api/process-instances', { processId: 'case-assistance', variables: { ...request, kind: 'assist' } });
  expect(r.status).toBe(403);
  expect(r.body.code).toBe('START_FORBIDDEN');
  const ext = await s.login('external1');
  const r2 = await ext.post('/api/process-instances', { processId: 'anomaly-escalation', variables: {} });
  expect(r2.status).toBe(403);
  // admins too: they run the system, not the center's business (unless a diagram names them)
  const admin = await s.login('admin');
  const r3 = await admin.post('/api/process-instances', { processId: 'case-assistance', variables: { ...request, kind: 'assist' } });
  expect([r3.status, r3.body.code]).toEqual([403, 'START_FORBIDDEN']);
  const flows = (await admin.get('/api/process-definitions')).body.items as Array<{ processId: string; startable: boolean }>;
  // (the demo admin sits in 信息科: the flows 信息科 staff start — the patrol, an incident report — are theirs as staff)
  expect(flows.filter((f) => f.startable).map((f) => f.processId)).toEqual(['security-incident', 'security-patrol']);
});

test('5.3.3 相关科室协助办理: supervision names the assisting section at registration, and that section does the work; registration may also ask once for more, or refuse', async () => {
  const ext = await s.login('external1');
  const sup = await s.login('sup1');
  const director = await s.login('director');
  const witness = await s.login('witness1');
  const start = async (caseSummary: string) => {
    const files = [await ext.upload('工作证.pdf', PDF, { category: 'work-id' }), await ext.upload('工作函.pdf', PDF, { category: 'letter' })];
    const r = await ext.post('/api/process-instances', {
      processId: 'case-assistance',
      variables: { ...request, kind: 'assist', caseSummary },
      attachmentIds: files.map((f) => f.body.id),
    });
    expect(r.status).toBe(201);
    return r.body.id as string;
  };

  // accepted, with the engineering section to assist
  const a = await start('请求协助核查投标人业绩');
  const register = await taskAt(sup, a, 'register');
  await sup.post(`/api/tasks/${register.id}/claim`);
  const noSection = await sup.post(`/api/tasks/${register.id}/complete`, { variables: { registerDecision: 'accept', registerOpinion: '受理' } });
  expect([noSection.status, noSection.body.details]).toEqual([422, [expect.objectContaining({ field: 'assistSection', code: 'REQUIRED' })]]);
  expect(
    (
      await sup.post(`/api/tasks/${register.id}/complete`, {
        variables: { registerDecision: 'accept', assistSection: 'engineering', registerOpinion: '受理，由工程科协助' },
      })
    ).status,
  ).toBe(200);
  await claimAndComplete(director, (await taskAt(director, a, 'approve')).id, { approveDecision: 'approve', approveOpinion: '同意' });
  const work = await taskAt(witness, a, 'assist_work');
  expect([work.name, work.candidateGroups]).toEqual(['相关科室协助办理', ['engineering']]);
  expect(((await sup.get('/api/tasks?view=unclaimed&pageSize=100')).body.items as Body[]).some((t) => t.id === work.id)).toBe(false);
  await claimAndComplete(witness, work.id, { workOutcome: '已核查投标人业绩，情况属实' });
  await claimAndComplete(sup, (await taskAt(sup, a, 'record_details')).id, {
    recordAt: '2026-12-10T09:00',
    recordPlace: '开标室二',
    recordPresent: '监督科王监督、申请单位吴监管',
    recordMeasures: '调取录像，现场核对',
  });
  await eventually(async () => (await instanceState(ext, a)).instance.state === 'completed', 10_000, 'done');

  // asked once for more at registration: the applicant sees the whole list, supplies it, and it comes back to registration
  const b = await start('请求协助调取开标录像');
  await claimAndComplete(sup, (await taskAt(sup, b, 'register')).id, {
    registerDecision: 'supplement',
    missingMaterials: ['投诉质疑书', '其他说明材料'],
    registerOpinion: '缺投诉质疑书及说明',
  });
  const supplement = await taskAt(ext, b, 'supplement', 'mine');
  expect((await ext.get(`/api/tasks/${supplement.id}`)).body.variables.missingMaterials).toEqual(['投诉质疑书', '其他说明材料']);
  expect((await ext.upload('投诉质疑书.pdf', PDF, { category: 'complaint', taskId: supplement.id })).status).toBe(201);
  expect((await ext.post(`/api/tasks/${supplement.id}/complete`, { variables: { supplementNote: '已补充' } })).status).toBe(200);
  const again = await taskAt(sup, b, 'register');
  expect(again.status).toBe('open');

  // refused at registration: the applicant is told why, and it is recorded
  await claimAndComplete(sup, again.id, { registerDecision: 'refuse', registerOpinion: '不属于本中心协查范围' });
  const told = await eventually(
    async () => (await ext.get('/api/notifications')).body.items.find((n: Body) => n.kind === 'case.refused' && n.instanceId === b),
    10_000,
    'told',
  );
  expect(told.body).toContain('不属于本中心协查范围');
  await eventually(async () => (await instanceState(ext, b)).instance.state === 'completed', 10_000, 'ended');
  expect(await s.db.collection('supervision_records').findOne({ _id: b as never })).toMatchObject({ outcome: '不予同意：不属于本中心协查范围' });
});

test('表六: the supervision records of a year, numbered in order, with when, where, who, what was done and the files; for supervision and leaders only', async () => {
  const sup = await s.login('sup1');
  const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
  const r = await sup.get(`/api/records/supervision?year=${year}`);
  expect(r.status).toBe(200);
  const items = r.body.items as Body[];
  // the requests done and refused in this file, in order
  expect(items.length).toBeGreaterThanOrEqual(3);
  const numbers = items.map((i) => i.recordNo);
  expect(numbers).toEqual(numbers.map((_, k) => `JD-${year}-${String(k + 1).padStart(4, '0')}`));
  const done = items.find((i) => i.outcome === '经复评，维持原评标结果');
  expect(done).toMatchObject({ kind: '复评复审', place: '开标室二', present: '监督科王监督、申请单位吴监管', measures: '调取录像，现场核对' });
  expect(done.attachments.map((a: Body) => a.filename)).toEqual(expect.arrayContaining(['工作证.pdf', '工作函.pdf', '投诉质疑书.pdf', '录音录像告知书.txt']));
  expect(items.some((i) => i.outcome.startsWith('不予同意：'))).toBe(true);
  for (const u of ['witness1', 'gen1', 'external1']) expect((await (await s.login(u)).get('/api/records/supervision')).status).toBe(403);
  expect((await (await s.login('director')).get(`/api/records/supervision?year=${year}`)).body.items.length).toBe(items.length);

  // each is also a file of the anomaly register (5.3.2), with its time, place, people present, measures and files
  const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
  const anomalies = (await sup.get(`/api/ledgers/anomaly-file?month=${month}`)).body.items as Body[];
  const entry = anomalies.find((a) => a.instanceId === done.instanceId)!;
  expect(entry.values).toMatchObject({
    origin: '案件协查协办',
    place: '开标室二',
    present: '监督科王监督、申请单位吴监管',
    actions: '调取录像，现场核对',
    result: '经复评，维持原评标结果',
  });
  const page = (await sup.get(`/api/ledgers/anomaly-file/items/${entry.id}`)).body;
  expect(page.attachments.map((a: Body) => a.filename)).toEqual(expect.arrayContaining(['工作证.pdf', '投诉质疑书.pdf']));
  expect((await sup.file(`/api/attachments/${page.attachments[0].id}`)).status).toBe(200);
});
