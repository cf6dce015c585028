/**
 * 交易档案借阅 end to end (6.5.3), and the time limits (催办 → 督办) — run with time scaled by
 * configuration (TIME_SCALE): one configured day passes in about 1.7 s.
 */
import { startServer, taskAt, claimAndComplete, eventually, instanceState, PDF, type Body, type TestServer, requestArchive } from './harness';

const SCALE = 0.00002; // 1 day = 1.728 s; PT2H = 0.144 s; SUPERVISE_AFTER PT4H = 0.288 s

let s: TestServer;
beforeAll(async () => {
  s = await startServer('archive', { TIME_SCALE: SCALE, SLA_CHECK_MS: 100 });
});
afterAll(() => s?.close());

const request = {
  archiveId: 'DA-XXGC-2025-031',
  requesterUnit: '湘西州住房和城乡建设局',
  officerName: '吴监管',
  purpose: '核查该项目中标人资格条件',
  requestedDays: 1,
};

test('external1 asks for an archive; supervision asks once for more; the deputy approves; external1 reads it watermarked; access ends by itself', async () => {
  const ext = await s.login('external1');
  const sup = await s.login('sup1');
  const deputy = await s.login('deputy');
  const other = await s.login('sup2');

  // 6.5.3 须持本单位证明材料及本人身份证: without both, nothing starts, and what is missing is named
  const proof = await ext.upload('单位证明.pdf', PDF, { category: 'unit-proof' });
  const refused = await ext.post('/api/process-instances', { processId: 'archive-lending', variables: request, attachmentIds: [proof.body.id] });
  expect([refused.status, refused.body.code, refused.body.message]).toEqual([422, 'ATTACHMENTS_MISSING', '缺少必须提交的材料：经办人身份证明']);
  expect(refused.body.details).toEqual([expect.objectContaining({ field: 'officer-id', code: 'REQUIRED' })]);
  const none = await ext.post('/api/process-instances', { processId: 'archive-lending', variables: request });
  expect(none.body.details.map((d: Body) => d.field)).toEqual(['unit-proof', 'officer-id']);
  const started = await requestArchive(ext, request);
  expect(started.status).toBe(201);
  const id = started.body.id;

  // supervision lists everything missing at once
  await claimAndComplete(sup, (await taskAt(sup, id, 'check')).id, {
    checkDecision: 'supplement',
    missingItems: '加盖公章的单位介绍信',
    checkOpinion: '缺单位介绍信',
  });
  const supplement = await taskAt(ext, id, 'supplement', 'mine');
  expect((await ext.get(`/api/tasks/${supplement.id}`)).body.variables.missingItems).toBe('加盖公章的单位介绍信');
  expect((await ext.upload('介绍信.pdf', PDF, { category: 'letter', taskId: supplement.id })).status).toBe(201);
  expect((await ext.post(`/api/tasks/${supplement.id}/complete`, { variables: { supplementNote: '已补充' } })).status).toBe(200);
  await claimAndComplete(sup, (await taskAt(sup, id, 'check')).id, { checkDecision: 'pass', checkOpinion: '材料齐全' });

  // the deputy (the configured approver) approves one day
  const approve = await taskAt(deputy, id, 'approve');
  expect(approve.candidateGroups).toEqual(['leader.deputy']);
  await claimAndComplete(deputy, approve.id, { approveDecision: 'approve', accessDays: 1, approveOpinion: '同意调阅1天' });

  // external1 reads exactly that archive, read-only, watermarked with their name and the time
  const view = await eventually(
    async () => {
      const r = await ext.get('/api/archives/DA-XXGC-2025-031/view');
      return r.status === 200 ? r : null;
    },
    10_000,
    'access granted',
  );
  expect(view.body.readOnly).toBe(true);
  expect(view.body.watermark).toContain('吴监管');
  expect(view.body.watermark).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
  expect(view.body.sha256).toHaveLength(64);
  const html = await ext.get('/api/archives/DA-XXGC-2025-031/view?format=html');
  expect(html.body).toContain('吴监管');
  // not another archive, and nobody else
  expect((await ext.get('/api/archives/DA-XXCG-2025-012/view')).status).toBe(403);
  expect((await other.get('/api/archives/DA-XXGC-2025-031/view')).status).toBe(403);

  // every view is kept
  const views = await sup.get('/api/archives/DA-XXGC-2025-031/views');
  expect(views.body.items.filter((v: Body) => v.borrower === 'external1')).toHaveLength(2);

  // after the period, access ends by itself and the flow finishes
  const finished = await eventually(
    async () => {
      const d = await instanceState(ext, id);
      return d.instance.state === 'completed' ? d : null;
    },
    15_000,
    'access expired',
  );
  expect(finished.variables.accessRevokedAt).toBeTruthy();
  const after = await ext.get('/api/archives/DA-XXGC-2025-031/view');
  expect(after.status).toBe(403);
  expect(after.body.code).toBe('ARCHIVE_ACCESS_DENIED');
  const trail = (await ext.get(`/api/audit?instanceId=${id}`)).body.items.map((e: Body) => e.action);
  expect(trail).toEqual(expect.arrayContaining(['archive.access-granted', 'archive.viewed', 'archive.access-revoked']));
});

test("a form's choices are read only for the fields that offer them: the request form lists the archives, a form without such a field reads none", async () => {
  const ext = await s.login('external1');
  const requestForm = (await ext.get('/api/forms/archive-request')).body;
  expect(requestForm.options.archiveOptions).toContainEqual({ label: expect.stringContaining('DA-XXGC-2025-031'), value: 'DA-XXGC-2025-031' });
  expect(requestForm.options.projectOptions).toBeUndefined();
  const supplement = (await (await s.login('sup1')).get('/api/forms/archive-supplement')).body;
  expect(supplement.form.components.length).toBeGreaterThan(0);
  expect(Object.keys(supplement.options)).toEqual([]);
});

test('a step left open is urged when due (催办) and reported to supervision when overdue (督办), once each', async () => {
  const witness = await s.login('witness1');
  const head = await s.login('eng_head');
  const supHead = await s.login('sup_head');
  const started = await witness.post('/api/process-instances', {
    processId: 'anomaly-escalation',
    variables: { projectId: 'XXGC-2026-002', category: 'trade', assignedBy: 'none', title: '超时测试', description: '无人确认', pauseNow: false },
  });
  const id = started.body.id;
  const ack = await taskAt(head, id, 'ack');
  // PT2H scaled: due within a fraction of a second
  const urged = await eventually(
    async () => (await head.get('/api/notifications')).body.items.find((n: Body) => n.kind === 'task.due' && n.instanceId === id),
    10_000,
    'urged',
  );
  expect(urged.title).toContain('催办');
  const supervised = await eventually(
    async () => (await supHead.get('/api/notifications')).body.items.find((n: Body) => n.kind === 'task.overdue' && n.instanceId === id),
    10_000,
    'supervised',
  );
  expect(supervised.title).toContain('督办');
  const task = (await head.get(`/api/tasks/${ack.id}`)).body.task;
  expect(task.overdue).toBe(true);
  expect(task.urgeCount).toBe(1);
  // once each, even as time goes on
  await new Promise((r) => setTimeout(r, 500));
  const again = (await head.get('/api/notifications')).body.items.filter((n: Body) => n.kind === 'task.due' && n.instanceId === id);
  expect(again).toHaveLength(1);
  const overdueList = await head.get('/api/tasks?view=unclaimed&overdue=true');
  expect(overdueList.body.items.map((t: Body) => t.id)).toContain(ack.id);
  // a list shows the task as its detail does (lists reuse each version's JSON; "overdue" is decided now)
  const listed = overdueList.body.items.find((t: Body) => t.id === ack.id);
  expect(listed).toEqual((await head.get(`/api/tasks/${ack.id}`)).body.task);
  expect(listed.overdue).toBe(true);
});

test('the starter of a request never checks it; the missing items reach the applicant as plain text, and stay as listed', async () => {
  const sup = await s.login('sup1');
  const other = await s.login('sup2');
  const head = await s.login('sup_head');
  const started = await requestArchive(sup, { ...request, officerName: '王监督' });
  expect(started.status).toBe(201);
  const id = started.body.id;

  const check = await taskAt(other, id, 'check');
  expect((await sup.get(`/api/tasks/${check.id}`)).body.actions).not.toContain('claim');
  const claim = await sup.post(`/api/tasks/${check.id}/claim`, {});
  expect([claim.status, claim.body.code]).toEqual([403, 'SEPARATION_OF_DUTIES']);
  const handed = await head.post(`/api/tasks/${check.id}/transfer`, { userId: 'sup1' });
  expect([handed.status, handed.body.code]).toEqual([422, 'SEPARATION_OF_DUTIES']);

  const listed = '[点此补正](http://evil.example/x) <img src=x onerror=alert(1)>';
  await claimAndComplete(other, check.id, { checkDecision: 'supplement', missingItems: listed, checkOpinion: '缺材料' });
  const supplement = await taskAt(sup, id, 'supplement', 'mine');
  // the form shows the list in a field of its own, as text: no markdown or HTML made of it
  const form = (await sup.get('/api/forms/archive-supplement')).body.form;
  expect(form.components.filter((c: Body) => c.type === 'text').some((c: Body) => String(c.text).includes('missingItems'))).toBe(false);
  expect(form.components.find((c: Body) => c.key === 'missingItems')).toMatchObject({ type: 'textarea', disabled: true });
  // and the applicant cannot rewrite what supervision listed
  expect((await sup.post(`/api/tasks/${supplement.id}/complete`, { variables: { supplementNote: '已补充', missingItems: '无' } })).status).toBe(200);
  expect((await instanceState(other, id)).variables.missingItems).toBe(listed);
  // the next check is still not the starter's
  const again = await taskAt(other, id, 'check');
  expect((await sup.post(`/api/tasks/${again.id}/claim`, {})).status).toBe(403);
});

test('a refusal always has its reason, at the check and at the approval, and the applicant is told it', async () => {
  const ext = await s.login('external1');
  const sup = await s.login('sup1');
  const deputy = await s.login('deputy');
  const start = async () => {
    const r = await requestArchive(ext, request);
    expect(r.status).toBe(201);
    return r.body.id as string;
  };
  // at the check
  const a = await start();
  const check = await taskAt(sup, a, 'check');
  expect((await sup.post(`/api/tasks/${check.id}/claim`)).status).toBe(200);
  for (const checkOpinion of [undefined, '   ']) {
    const r = await sup.post(`/api/tasks/${check.id}/complete`, {
      variables: { checkDecision: 'refuse', ...(checkOpinion !== undefined && { checkOpinion }) },
    });
    expect([r.status, r.body.details]).toEqual([422, [expect.objectContaining({ field: 'checkOpinion', code: 'REQUIRED' })]]);
  }
  expect((await sup.post(`/api/tasks/${check.id}/complete`, { variables: { checkDecision: 'refuse', checkOpinion: '借阅用途与该档案无关' } })).status).toBe(
    200,
  );
  const toldA = await eventually(
    async () => (await ext.get('/api/notifications')).body.items.find((n: Body) => n.kind === 'archive.refused' && n.instanceId === a),
    10_000,
    'told at the check',
  );
  expect(toldA.body).toContain('借阅用途与该档案无关');
  // at the approval
  const b = await start();
  await claimAndComplete(sup, (await taskAt(sup, b, 'check')).id, { checkDecision: 'pass' });
  const approve = await taskAt(deputy, b, 'approve');
  expect((await deputy.post(`/api/tasks/${approve.id}/claim`)).status).toBe(200);
  const bare = await deputy.post(`/api/tasks/${approve.id}/complete`, { variables: { approveDecision: 'refuse' } });
  expect([bare.status, bare.body.details]).toEqual([422, [expect.objectContaining({ field: 'approveOpinion', code: 'REQUIRED' })]]);
  expect(
    (await deputy.post(`/api/tasks/${approve.id}/complete`, { variables: { approveDecision: 'refuse', approveOpinion: '该档案涉及在办案件' } })).status,
  ).toBe(200);
  const toldB = await eventually(
    async () => (await ext.get('/api/notifications')).body.items.find((n: Body) => n.kind === 'archive.refused' && n.instanceId === b),
    10_000,
    'told at the approval',
  );
  expect(toldB.body).toContain('该档案涉及在办案件');
  for (const id of [a, b]) await eventually(async () => (await instanceState(ext, id)).instance.state === 'completed', 10_000, 'ended');
});

test('access goes to the officer the request names, who may be a colleague of the one who filed it — only of their own unit', async () => {
  const admin = await s.login('admin');
  const colleague = async (id: string, unit: string) => {
    expect((await admin.post('/api/admin/users', { id, name: `${id}经办`, roles: ['external'], unit, password: 'Initial-Harbor-5520' })).status).toBe(201);
    const c = await s.login(id, 'Initial-Harbor-5520');
    expect((await c.post('/api/auth/password', { currentPassword: 'Initial-Harbor-5520', newPassword: 'Own-Quartz-Lantern-61' })).status).toBe(204);
    return c;
  };
  const ext2 = await colleague('external2', '湘西州住房和城乡建设局');
  await colleague('external3', '湘西州财政局');
  const ext = await s.login('external1');
  const sup = await s.login('sup1');
  const deputy = await s.login('deputy');
  // the choice offered: the filer's own unit, themselves included
  const options = (await ext.get('/api/forms/archive-request')).body.options.officerOptions.map((o: Body) => o.value);
  expect(options).toEqual(['external1', 'external2']);
  const foreign = await requestArchive(ext, { ...request, officer: 'external3' });
  expect([foreign.status, foreign.body.details]).toEqual([422, [expect.objectContaining({ field: 'officer', code: 'NOT_AN_OPTION' })]]);

  const r = await requestArchive(ext, { ...request, archiveId: 'DA-XXCG-2025-012', officerName: 'external2经办', officer: 'external2' });
  expect(r.status).toBe(201);
  await claimAndComplete(sup, (await taskAt(sup, r.body.id, 'check')).id, { checkDecision: 'pass' });
  await claimAndComplete(deputy, (await taskAt(deputy, r.body.id, 'approve')).id, { approveDecision: 'approve', accessDays: 1, approveOpinion: '同意' });
  // the officer reads it, and is told; the one who filed it is told, and does not read it
  await eventually(async () => (await ext2.get('/api/archives/DA-XXCG-2025-012/view')).status === 200, 10_000, 'the officer reads');
  expect((await ext.get('/api/archives/DA-XXCG-2025-012/view')).status).toBe(403);
  for (const c of [ext, ext2])
    await eventually(
      async () => ((await c.get('/api/notifications')).body.items as Body[]).some((n) => n.kind === 'archive.granted' && n.instanceId === r.body.id),
      10_000,
      `${c.user} told`,
    );
  expect((await ext2.get('/api/archive-grants')).body.items.map((g: Body) => g.archiveId)).toContain('DA-XXCG-2025-012');
});
