/**
 * The visibility matrix: every read path × every demo user × instances of each classification
 * (公开, 保密, 暂保密, not yet classified), of several sections, and an external applicant's
 * requests — asserting what each sees, field by field, not only the status.
 *
 *   P  anomaly report, engineering, classified public (completed)
 *   S  anomaly report, engineering, classified secret, paused its project (completed)
 *   T  anomaly report, engineering, classified temp-secret (waiting for its term)
 *   V  anomaly report, procurement, waiting for its head's acknowledgement
 *   C  case assistance by external1 (completed; internal opinions on its steps)
 *   A  archive lending by external1 (at its approval)
 */
import { startServer, taskAt, claimAndComplete, eventually, PDF, type Body, type Client, type TestServer, requestArchive } from './harness';

let s: TestServer;
const USERS = ['witness1', 'eng_head', 'proc1', 'sup1', 'sup2', 'sup_head', 'office1', 'gen1', 'deputy', 'director', 'admin', 'external1'] as const;
type User = (typeof USERS)[number];
const ids: Record<'P' | 'S' | 'T' | 'V' | 'C' | 'A', string> = { P: '', S: '', T: '', V: '', C: '', A: '' };
const c = {} as Record<User, Client>;

/** Who sees each instance (derived from the rules, not from the code): those on it, its sections, leaders, admins; classified ones only those on it and the entitled. */
const ON_P = ['witness1', 'eng_head', 'sup1', 'office1', 'director'];
const SEES: Record<keyof typeof ids, User[]> = {
  // sections offered its steps (supervision, office, engineering heads), leaders, admins
  P: [...ON_P, 'sup2', 'sup_head', 'deputy', 'admin'] as User[],
  // those on it, leaders, the supervision head; not the rest of supervision, not admins
  S: [...ON_P, 'deputy', 'sup_head'] as User[],
  T: [...ON_P, 'deputy', 'sup_head'] as User[],
  // its starter, leaders, admins (its step waits for the procurement head: nobody else's section)
  V: ['proc1', 'deputy', 'director', 'admin'],
  C: ['external1', 'sup1', 'sup2', 'sup_head', 'director', 'deputy', 'admin'],
  A: ['external1', 'sup1', 'sup2', 'sup_head', 'director', 'deputy', 'admin'],
};

/** How many of the instances `u` sees. */
const SEES_COUNT = (u: User) => Object.values(SEES).filter((who) => who.includes(u)).length;

async function anomaly(title: string, classification: 'public' | 'secret' | 'temp-secret', pauseNow = false, termMs = 30 * 86_400_000): Promise<string> {
  const r = await c.witness1.post('/api/process-instances', {
    processId: 'anomaly-escalation',
    variables: {
      projectId: pauseNow ? 'XXGC-2026-002' : 'XXGC-2026-001',
      category: 'trade',
      assignedBy: 'none',
      title,
      description: `${title}的情况说明`,
      pauseNow,
    },
    attachmentIds: pauseNow ? [(await c.witness1.upload('现场照片.pdf', PDF, { category: 'evidence' })).body.id] : [],
  });
  expect(r.status).toBe(201);
  const id = r.body.id as string;
  await claimAndComplete(c.eng_head, (await taskAt(c.eng_head, id, 'ack')).id, {});
  await claimAndComplete(c.sup1, (await taskAt(c.sup1, id, 'verify')).id, { verifyResult: 'substantiated', verifyFindings: `${title}核实属实` });
  await claimAndComplete(c.sup1, (await taskAt(c.sup1, id, 'draft_sup')).id, { reportBackground: '背景', reportDevelopment: '进展', reportHandling: '处置' });
  await claimAndComplete(c.office1, (await taskAt(c.office1, id, 'review')).id, { reviewDecision: 'approve' });
  await claimAndComplete(c.director, (await taskAt(c.director, id, 'sign')).id, { signDecision: 'sign' });
  await claimAndComplete(c.office1, (await taskAt(c.office1, id, 'issue')).id, { issueCopies: 6 });
  // a paused project stays paused (the director decides so in the flow's own step)
  if (pauseNow) await claimAndComplete(c.director, (await taskAt(c.director, id, 'resume_done')).id, { resumeDecision: 'keep', resumeOpinion: '维持暂停' });
  const term = classification === 'temp-secret' ? { declassifyAt: new Date(Date.now() + termMs).toISOString().slice(0, 19) } : {};
  await claimAndComplete(c.sup1, (await taskAt(c.sup1, id, 'classify')).id, { classification, ...term });
  return id;
}

beforeAll(async () => {
  s = await startServer('visibility');
  for (const u of USERS) c[u] = await s.login(u);
  ids.P = await anomaly('公开专报P', 'public');
  ids.S = await anomaly('保密专报S', 'secret', true);
  ids.T = await anomaly('暂保密专报T', 'temp-secret');
  const v = await c.proc1.post('/api/process-instances', {
    processId: 'anomaly-escalation',
    variables: { projectId: 'XXGC-2026-001', category: 'trade', assignedBy: 'none', title: '采购科专报V', description: '说明', pauseNow: false },
  });
  ids.V = v.body.id;

  // C: case assistance, complete materials; opinions written on the way are internal
  const files = [await c.external1.upload('工作证.pdf', PDF, { category: 'work-id' }), await c.external1.upload('工作函.pdf', PDF, { category: 'letter' })];
  const cs = await c.external1.post('/api/process-instances', {
    processId: 'case-assistance',
    variables: {
      requesterUnit: '湘西州住房和城乡建设局',
      officerName: '吴监管',
      officerPhone: '0743-8221234',
      projectId: 'XXGC-2026-001',
      caseSummary: '请求协助调取开标录像。',
      recordingOutside: false,
      kind: 'assist',
    },
    attachmentIds: files.map((f) => f.body.id),
  });
  ids.C = cs.body.id;
  await claimAndComplete(c.sup1, (await taskAt(c.sup1, ids.C, 'register')).id, {
    registerDecision: 'accept',
    assistSection: 'supervision',
    registerOpinion: '内部登记意见：录像在机房二号柜',
  });
  await claimAndComplete(c.director, (await taskAt(c.director, ids.C, 'approve')).id, { approveDecision: 'approve', approveOpinion: '同意协查' });
  const work = await taskAt(c.sup2, ids.C, 'assist_work');
  expect((await c.sup2.post(`/api/tasks/${work.id}/claim`)).status).toBe(200);
  expect((await c.sup2.upload('内部工作底稿.pdf', PDF, { category: 'evidence', taskId: work.id })).status).toBe(201);
  expect((await c.sup2.post(`/api/tasks/${work.id}/comments`, { text: '内部讨论：需核对录像时间' })).status).toBe(201);
  expect(
    (await c.sup2.post(`/api/tasks/${work.id}/complete`, { variables: { workOutcome: '已提供开标录像', workOpinion: '内部办理意见：录像有缺帧' } })).status,
  ).toBe(200);
  await claimAndComplete(c.sup1, (await taskAt(c.sup1, ids.C, 'record_details')).id, {
    recordAt: '2026-12-10T09:00',
    recordPlace: '开标室二',
    recordPresent: '监督科王监督、申请单位吴监管',
    recordMeasures: '调取录像，现场核对',
  });

  // A: archive lending, checked and waiting for approval
  const ar = await requestArchive(c.external1, {
    archiveId: 'DA-XXGC-2025-031',
    requesterUnit: '湘西州住房和城乡建设局',
    officerName: '吴监管',
    purpose: '案件调查',
    requestedDays: 1,
  });
  expect(ar.status).toBe(201);
  ids.A = ar.body.id;
  await claimAndComplete(c.sup1, (await taskAt(c.sup1, ids.A, 'check')).id, { checkDecision: 'pass', checkOpinion: '材料齐全' });
  await taskAt(c.deputy, ids.A, 'approve');
  for (const k of ['P', 'S', 'C'] as const)
    await eventually(async () => (await c.director.get(`/api/process-instances/${ids[k]}`)).body.instance?.state === 'completed', 15_000, `${k} completed`);
}, 180_000);
afterAll(() => s?.close());

const sees = (k: keyof typeof ids, u: User) => SEES[k].includes(u);

test.each(USERS)('%s: instance detail, its tasks and its trail answer exactly for the instances they may see', async (u) => {
  for (const k of Object.keys(ids) as (keyof typeof ids)[]) {
    const detail = await c[u].get(`/api/process-instances/${ids[k]}`);
    expect({ k, status: detail.status }).toEqual({ k, status: sees(k, u) ? 200 : 404 });
    const trail = await c[u].get(`/api/audit?instanceId=${ids[k]}&pageSize=200`);
    expect({ k, trail: trail.status }).toEqual({ k, trail: sees(k, u) ? 200 : 404 });
    // a step of it, by its id, answers the same (the director sees every one)
    const steps = (await c.director.get(`/api/process-instances/${ids[k]}`)).body.tasks as Body[];
    for (const t of steps) {
      const r = await c[u].get(`/api/tasks/${t.id}`);
      expect({ k, step: t.elementId, status: r.status }).toEqual({ k, step: t.elementId, status: sees(k, u) ? 200 : 404 });
    }
  }
  // the list holds the same instances
  const listed = new Set(((await c[u].get('/api/process-instances?pageSize=100')).body.items as Body[]).map((i) => i.id));
  for (const k of Object.keys(ids) as (keyof typeof ids)[]) expect({ k, listed: listed.has(ids[k]) }).toEqual({ k, listed: sees(k, u) });
});

test("the instance list reads who took part only where it decides what one sees, and for the page's rows", async () => {
  // given an admin, who sees every unclassified instance whoever took part, and none of the classified ones he is not on
  const facts = jest.spyOn(s.system.inbox, 'facts');
  try {
    const page = (await c.admin.get('/api/process-instances?pageSize=2')).body;
    // then only the two rows shown were looked into (for their current steps): the lists leave the classified ones out
    expect(page.items).toHaveLength(2);
    expect(page.total).toBe(SEES_COUNT('admin'));
    expect(new Set(facts.mock.calls.map((call) => call[0]))).toEqual(new Set((page.items as Body[]).map((i) => i.id as string)));
    expect((page.items as Body[]).every((i) => Array.isArray(i.currentSteps))).toBe(true);
  } finally {
    facts.mockRestore();
  }
});

test('staff who may see a case read all of it: internal opinions, who held each step, their files and comments', async () => {
  for (const u of ['sup_head', 'director', 'admin'] as const) {
    const d = (await c[u].get(`/api/process-instances/${ids.C}`)).body;
    expect(d.variables).toMatchObject({
      registerOpinion: '内部登记意见：录像在机房二号柜',
      workOpinion: '内部办理意见：录像有缺帧',
      approveOpinion: '同意协查',
    });
    expect(d.tasks.find((t: Body) => t.elementId === 'register')).toMatchObject({ assignee: 'sup1', completedBy: 'sup1' });
    expect(d.timeline.map((e: Body) => e.actor)).toEqual(expect.arrayContaining(['sup1', 'sup2', 'director']));
    expect(d.comments.map((x: Body) => [x.author, x.text])).toEqual([['sup2', '内部讨论：需核对录像时间']]);
    expect(d.attachments.map((a: Body) => a.filename).sort()).toEqual(['内部工作底稿.pdf', '工作函.pdf', '工作证.pdf']);
    expect(d.variables.limits).toBeUndefined();
  }
});

test('the applicant reads their request, the answers addressed to them, and which steps it passed — no internal opinion, no staff name, no internal file', async () => {
  const ext = c.external1;
  const d = (await ext.get(`/api/process-instances/${ids.C}`)).body;
  expect(d.variables).toMatchObject({
    requesterUnit: '湘西州住房和城乡建设局',
    caseSummary: '请求协助调取开标录像。',
    approveOpinion: '同意协查',
    workOutcome: '已提供开标录像',
  });
  expect(d.variables.supervisionRecordNo).toMatch(/^JD-/);
  for (const k of ['registerOpinion', 'workOpinion', 'limits', 'approverGroup', 'starterSection'])
    expect({ k, v: d.variables[k] }).toEqual({ k, v: undefined });
  expect(JSON.stringify(d)).not.toMatch(/内部登记意见|内部办理意见|内部讨论|内部工作底稿/);
  // steps, their state and outcome; nobody's name
  expect(d.tasks.map((t: Body) => t.elementId)).toEqual(expect.arrayContaining(['register', 'approve', 'assist_work']));
  for (const t of d.tasks)
    expect({ step: t.elementId, assignee: t.assignee, completedBy: t.completedBy, opinion: t.opinion }).toEqual({
      step: t.elementId,
      assignee: null,
      completedBy: null,
      opinion: null,
    });
  for (const who of ['sup1', 'sup2', 'director', '王监督', '田监督', '周主任']) expect(JSON.stringify(d.tasks) + JSON.stringify(d.timeline)).not.toContain(who);
  for (const e of d.timeline) expect(['external1', '', 'system']).toContain(e.actor);
  for (const e of d.timeline) expect(Object.keys(e.data).every((k) => k === 'taskName' || k === 'outcome')).toBe(true);
  expect(d.instance.participants).toEqual(['external1']);
  expect(d.comments).toEqual([]);
  expect(d.attachments.map((a: Body) => a.filename).sort()).toEqual(['工作函.pdf', '工作证.pdf']);

  // the trail of the instance says the same
  const trail = (await ext.get(`/api/audit?instanceId=${ids.C}&pageSize=200`)).body.items as Body[];
  expect(trail.length).toBeGreaterThan(3);
  for (const e of trail) {
    expect(['external1', '', 'system']).toContain(e.actor);
    expect(Object.keys(e.data).every((k) => k === 'taskName' || k === 'outcome')).toBe(true);
  }
  // a step of it, by its id: its state, not its opinion or holder
  const register = d.tasks.find((t: Body) => t.elementId === 'register');
  const step = (await ext.get(`/api/tasks/${register.id}`)).body;
  expect(step.task).toMatchObject({ assignee: null, completedBy: null, opinion: null, status: 'completed' });
  expect(step.variables.registerOpinion).toBeUndefined();
  expect(step.variables.caseSummary).toBe('请求协助调取开标录像。');
  expect(step.actions).toEqual(expect.not.arrayContaining(['claim', 'complete']));
  // the internal file is refused though its id is known
  const internal = (await c.director.get(`/api/process-instances/${ids.C}`)).body.attachments.find((a: Body) => a.filename === '内部工作底稿.pdf');
  expect((await ext.get(`/api/attachments/${internal.id}`)).status).toBe(403);
  expect((await c.sup_head.get(`/api/attachments/${internal.id}`)).status).toBe(200);

  // the "started by me" list shows the steps, not who holds them
  const started = (await ext.get('/api/tasks?view=started&pageSize=100')).body.items as Body[];
  const archiveApprove = started.find((t) => t.instanceId === ids.A && t.elementId === 'approve');
  expect(archiveApprove).toMatchObject({ assignee: null, candidateUsers: [], pendingSigners: [] });
  for (const t of started) expect([t.assignee, t.completedBy, t.opinion]).toEqual([null, null, null]);
  // the archive's check opinion is addressed to the applicant; its holder is not named
  const a = (await ext.get(`/api/process-instances/${ids.A}`)).body;
  expect(a.variables).toMatchObject({ checkDecision: 'pass', checkOpinion: '材料齐全', archiveId: 'DA-XXGC-2025-031' });
  expect(a.tasks.find((t: Body) => t.elementId === 'check')).toMatchObject({ completedBy: null });
});

test('the whole audit trail shows a classified report to the entitled, and to everyone else only that something happened', async () => {
  const eventsOf = async (u: User, k: keyof typeof ids) => {
    const all: Body[] = [];
    for (let page = 1; ; page++) {
      const r = (await c[u].get(`/api/audit?pageSize=200&page=${page}`)).body;
      all.push(...r.items);
      if (all.length >= r.total || !r.items.length) break;
    }
    return all.filter((e) => e.instanceId === ids[k]);
  };
  for (const u of ['director', 'deputy', 'sup_head'] as const) {
    const s1 = await eventsOf(u, 'S');
    expect(s1.some((e) => JSON.stringify(e.data).includes('保密专报S'))).toBe(true);
    expect(s1.some((e) => e.actor === 'sup1')).toBe(true);
  }
  for (const k of ['S', 'T'] as const) {
    const seen = await eventsOf('admin', k);
    expect(seen.length).toBeGreaterThan(5);
    for (const e of seen) expect({ actor: e.actor, data: e.data, taskId: e.taskId }).toEqual({ actor: '', data: { redacted: true }, taskId: undefined });
    expect(JSON.stringify(seen)).not.toMatch(/专报S|专报T|核实属实|情况说明/);
  }
  // an unclassified report is the admin's to audit in full
  const p = await eventsOf('admin', 'P');
  expect(p.some((e) => JSON.stringify(e.data).includes('公开专报P'))).toBe(true);
  // others may not read the whole trail at all
  for (const u of ['sup2', 'gen1', 'witness1', 'external1'] as const) expect((await c[u].get('/api/audit')).status).toBe(403);
});

test('a project paused by a classified report: why and by whom only for those who may see the report', async () => {
  const project = async (u: User) => ((await c[u].get('/api/projects')).body.items as Body[]).find((p) => p.id === 'XXGC-2026-002');
  for (const u of USERS) {
    const p = await project(u);
    expect({ u, status: p.status }).toEqual({ u, status: 'paused' });
    if (u === 'external1') expect(Object.keys(p).sort()).toEqual(['id', 'kind', 'name', 'section', 'status']);
    else if (sees('S', u))
      expect({ u, reason: p.pauseReason, by: p.pausedBy, inst: p.pauseInstanceId }).toEqual({ u, reason: '保密专报S', by: 'witness1', inst: ids.S });
    else expect({ u, reason: p.pauseReason, by: p.pausedBy, inst: p.pauseInstanceId }).toEqual({ u, reason: null, by: null, inst: null });
  }
});

test('notifications of a matter since classified tell those outside its circle only that there was one', async () => {
  const notes = async (u: User) => (await c[u].get('/api/notifications?limit=200')).body.items as Body[];
  // the general section and all of supervision were told of the pause, and supervision of the report
  for (const u of ['gen1', 'sup2'] as const) {
    const all = await notes(u);
    const masked = all.filter((n) => n.title === '【保密事项】');
    expect({ u, masked: masked.length > 0 }).toEqual({ u, masked: true });
    expect(JSON.stringify(all)).not.toMatch(/保密专报S|暂保密专报T/);
    for (const n of masked) expect(n.instanceId).toBeUndefined();
  }
  // the supervision head, entitled, reads them as sent
  expect((await notes('sup_head')).some((n) => n.instanceId === ids.S && n.title.includes('保密专报S'))).toBe(true);
});

test('live updates follow the same policy: the applicant is not told who holds a step', async () => {
  const events: Body[] = [];
  const aborter = new AbortController();
  const r = await fetch(`${s.base}/api/events`, { headers: { authorization: `Bearer ${c.external1.token}` }, signal: aborter.signal });
  const reader = r.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  const reading = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buf += decoder.decode(value, { stream: true });
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (block.includes('event: task') && data) events.push(JSON.parse(data.slice(6)));
        }
      }
    } catch {
      // aborted
    }
  })();
  try {
    const approve = await taskAt(c.deputy, ids.A, 'approve');
    expect((await c.deputy.post(`/api/tasks/${approve.id}/claim`)).status).toBe(200);
    const claimed = await eventually(
      async () => events.find((e) => e.task.id === approve.id && e.change === 'updated' && e.task.status === 'open' && e.task.version > approve.version),
      10_000,
      'heard',
    );
    expect(claimed.task).toMatchObject({ id: approve.id, assignee: null, status: 'open' });
    expect(JSON.stringify(events)).not.toMatch(/"deputy"|孙分管/);
  } finally {
    aborter.abort();
    await reading;
  }
});

test('the review of a 暂保密 report at the end of its term is offered only to those entitled among supervision and office, and listed to nobody else', async () => {
  const id = await anomaly('暂保密到期U', 'temp-secret', false, 2_000);
  // due: the review step waits, offered to supervision and office
  const review = await eventually(
    async () => ((await c.director.get(`/api/process-instances/${id}`)).body.tasks as Body[]).find((t) => t.elementId === 'reclassify' && t.status === 'open'),
    20_000,
    'the review step',
  );
  expect(review.candidateGroups).toEqual(['supervision', 'office']);
  const unclaimed = async (u: User) => ((await c[u].get('/api/tasks?view=unclaimed&pageSize=100')).body.items as Body[]).map((t) => t.id);
  const counted = async (u: User) => (await c[u].get('/api/tasks/counts')).body.unclaimed as number;
  // supervision staff who may not see the report do not find its step, nor count it
  const before = await counted('sup2');
  expect(await unclaimed('sup2')).not.toContain(review.id);
  expect(JSON.stringify((await c.sup2.get('/api/tasks?view=unclaimed&pageSize=100')).body)).not.toContain('暂保密到期U');
  expect((await c.sup2.post(`/api/tasks/${review.id}/claim`)).status).toBe(404);
  expect(await counted('sup2')).toBe(before);
  // the supervision head does, and reviews it
  expect(await unclaimed('sup_head')).toContain(review.id);
  await claimAndComplete(c.sup_head, review.id, { classification: 'public' });
  await eventually(async () => (await c.sup_head.get(`/api/process-instances/${id}`)).body.instance.state === 'completed', 10_000, 'published');
});
