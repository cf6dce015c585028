/**
 * An admin redraws a diagram and deploys it: new instances take the new version, running ones
 * finish on theirs, with no code change. Diagrams that Camunda 8.8 or the engine cannot run are refused.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, taskAt, claimAndComplete, eventually, PROCESSES_DIR, type Body, type TestServer, requestArchive } from './harness';

let s: TestServer;
beforeAll(async () => {
  s = await startServer('design');
});
afterAll(() => s?.close());

const request = { archiveId: 'DA-XXCG-2025-012', requesterUnit: '州财政局', officerName: '吴监管', purpose: '核查', requestedDays: 3 };

test('a redrawn diagram changes what new instances do; running ones finish on their version', async () => {
  const admin = await s.login('admin');
  const ext = await s.login('external1');
  const sup = await s.login('sup1');
  const old = await requestArchive(ext, request);
  expect(old.body.version).toBe(1);

  // the admin makes the director, not the configured leader, approve archive lending
  const xml = readFileSync(path.join(PROCESSES_DIR, 'archive-lending.bpmn'), 'utf8').replace(
    'candidateGroups="=approverGroup"',
    'candidateGroups="leader.principal"',
  );
  const deployed = await admin.post('/api/process-definitions', { name: 'archive-lending.bpmn', xml });
  expect(deployed.status).toBe(201);
  expect(deployed.body.processes[0]).toMatchObject({ processId: 'archive-lending', version: 2 });
  const flows = (await admin.get('/api/process-definitions')).body;
  expect(
    flows.versions
      .filter((v: { processId: string }) => v.processId === 'archive-lending')
      .map((v: { version: number }) => v.version)
      .sort(),
  ).toEqual([1, 2]);

  const fresh = await requestArchive(ext, request);
  expect(fresh.body.version).toBe(2);
  for (const id of [old.body.id, fresh.body.id]) await claimAndComplete(sup, (await taskAt(sup, id, 'check')).id, { checkDecision: 'pass' });
  expect((await taskAt(await s.login('deputy'), old.body.id, 'approve')).candidateGroups).toEqual(['leader.deputy']);
  expect((await taskAt(await s.login('director'), fresh.body.id, 'approve')).candidateGroups).toEqual(['leader.principal']);
});

test('a diagram that fails the compatibility gate or the engine is refused with the element named', async () => {
  const admin = await s.login('admin');
  const before = (await admin.get('/api/process-definitions')).body.versions.length;
  const noType = readFileSync(path.join(PROCESSES_DIR, 'archive-lending.bpmn'), 'utf8').replace(
    '<zeebe:taskDefinition type="archive.grant-access" retries="3" />',
    '',
  );
  const r = await admin.post('/api/process-definitions', { xml: noType });
  expect(r.status).toBe(400);
  expect(r.body.code).toBe('BPMN_LINT_FAILED');
  expect(r.body.details.some((p: { elementId?: string }) => p.elementId === 'grant')).toBe(true);
  const broken = await admin.post('/api/process-definitions', { xml: '<bpmn:definitions' });
  expect(broken.status).toBe(400);
  expect((await admin.get('/api/process-definitions')).body.versions.length).toBe(before);
});

test('whatever the deploy gate accepts can be started, listed and viewed: ids as Camunda Modeler draws them', async () => {
  const admin = await s.login('admin');
  const dir = path.join(PROCESSES_DIR, '../engine-workers/src/diagram/camunda-modeler');
  const service = readFileSync(path.join(dir, 'service-task.bpmn'), 'utf8');
  const diagrams = [
    { processId: 'Process_0abc123', xml: service },
    { processId: 'reviewProcess', xml: readFileSync(path.join(dir, 'user-task-form.bpmn'), 'utf8') },
    { processId: 'bid.review-2', xml: service.replaceAll('Process_0abc123', 'bid.review-2') },
  ];
  for (const d of diagrams) {
    const deployed = await admin.post('/api/process-definitions', { xml: d.xml });
    expect(deployed.status).toBe(201);
    expect(deployed.body.processes[0].processId).toBe(d.processId);
    // unnamed start and end events, as the modeler leaves them, are warnings
    expect(deployed.body.warnings.map((w: { rule: string }) => w.rule)).toContain('label-required');
    const started = await admin.post('/api/process-instances', { processId: d.processId, variables: {} });
    expect(started.status).toBe(201);
    const listed = await admin.get(`/api/process-instances?processId=${encodeURIComponent(d.processId)}`);
    expect(listed.body.items.map((i: { id: string }) => i.id)).toContain(started.body.id);
    const detail = await admin.get(`/api/process-instances/${started.body.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.instance.processId).toBe(d.processId);
    expect(detail.body.diagram.xml).toContain(`id="${d.processId}"`);
  }
  // an id the tools do not allow is refused at the gate with the id named, not at the start (nor
  // as dozens of failed rules)
  for (const id of ['x'.repeat(120), '评标复核流程']) {
    const bad = await admin.post('/api/process-definitions', { xml: service.replaceAll('Process_0abc123', id) });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'BPMN_INVALID_ID', details: { elementId: id } });
  }
  const lint = await admin.post('/api/process-definitions/lint', { xml: service.replaceAll('Activity_1', '审核') });
  expect(lint.status).toBe(400);
  expect(lint.body.code).toBe('BPMN_INVALID_ID');
});

test('the API contract is published as OpenAPI 3 with the route names integrators rely on', async () => {
  const doc = (await s.anonymous().get('/api/openapi.json')).body;
  expect(doc.openapi).toMatch(/^3\./);
  const paths = Object.keys(doc.paths);
  for (const p of [
    '/api/auth/login',
    '/api/me',
    '/api/process-definitions',
    '/api/process-instances',
    '/api/process-instances/{id}',
    '/api/tasks',
    '/api/tasks/{id}',
    '/api/audit',
    '/api/audit/verify',
  ]) {
    expect(paths).toContain(p);
  }
  for (const a of ['claim', 'unclaim', 'complete', 'transfer', 'delegate', 'return', 'withdraw', 'add-signer', 'cc', 'urge', 'comments']) {
    expect(doc.paths[`/api/tasks/{id}/${a}`].post).toBeDefined();
  }
  expect(doc.paths['/api/tasks'].get.parameters.find((p: { name: string }) => p.name === 'view').schema.enum).toEqual([
    'mine',
    'unclaimed',
    'done',
    'started',
    'cc',
  ]);
  expect(doc.paths['/api/auth/login'].post.requestBody.content['application/json'].schema.required).toEqual(['username', 'password']);
  const page = await s.anonymous().get('/api/docs');
  expect(page.body).toContain('/api/openapi.json');
});

test('a failing job becomes an incident the admin sees and retries once the cause is fixed', async () => {
  const ext = await s.login('external1');
  const sup = await s.login('sup1');
  const director = await s.login('director');
  const admin = await s.login('admin');
  const started = await requestArchive(ext, { ...request, archiveId: 'DA-XXGC-2025-031' });
  const id = started.body.id;
  await claimAndComplete(sup, (await taskAt(sup, id, 'check')).id, { checkDecision: 'pass' });

  // given the archive went missing before access is granted
  const archives = s.db.collection('archives');
  const archive = await archives.findOne({ _id: 'DA-XXGC-2025-031' as never });
  await archives.deleteOne({ _id: 'DA-XXGC-2025-031' as never });
  // (version 2 of this diagram, deployed above, has the director approve)
  await claimAndComplete(director, (await taskAt(director, id, 'approve')).id, { approveDecision: 'approve', accessDays: 2, approveOpinion: '同意' });

  // then the grant fails its retries and the instance shows an incident
  const incident = await eventually(
    async () => {
      const d = (await admin.get(`/api/process-instances/${id}`)).body;
      return d.instance.state === 'incident' ? d.engine.incidents.find((i: { status: string }) => i.status === 'open') : null;
    },
    10_000,
    'incident',
  );
  expect(incident.elementId).toBe('grant');
  expect(incident.message).toContain('DA-XXGC-2025-031');
  // the monitor lists it among the instances at an incident, not among the running ones
  const monitor = async (state: string) => ((await admin.get(`/api/process-instances?state=${state}&pageSize=100`)).body.items as Body[]).map((i) => i.id);
  expect(await monitor('incident')).toContain(id);
  expect(await monitor('active')).not.toContain(id);
  expect((await director.post(`/api/process-instances/${id}/incidents/${incident.key}/resolve`, { retries: 1 })).status).toBe(403);

  // when the archive is back and the admin retries
  await archives.insertOne(archive!);
  expect((await admin.post(`/api/process-instances/${id}/incidents/${incident.key}/resolve`, { retries: 1 })).status).toBe(200);

  // then access is granted and the flow goes on
  const view = await eventually(
    async () => {
      const r = await ext.get('/api/archives/DA-XXGC-2025-031/view');
      return r.status === 200 ? r : null;
    },
    10_000,
    'granted after retry',
  );
  expect(view.body.readOnly).toBe(true);
  expect((await admin.get(`/api/process-instances/${id}`)).body.instance.state).toBe('active');
  expect(await monitor('active')).toContain(id);
  expect(await monitor('incident')).not.toContain(id);
  // and once the admin cancels it, it is the first of the canceled (newest ended first) and no longer running
  expect((await admin.post(`/api/process-instances/${id}/cancel`, { reason: '测试结束' })).status).toBe(200);
  expect((await monitor('canceled'))[0]).toBe(id);
  expect(await monitor('active')).not.toContain(id);
  const all = (await admin.get('/api/process-instances?pageSize=100')).body;
  expect(all.items[0].id).toBe(id);
  expect(all.total).toBe(all.items.length);
});

test('limits in days count working days of the calendar, which admins adjust', async () => {
  const admin = await s.login('admin');
  const ext = await s.login('external1');
  const sup = await s.login('sup1');
  const cal = (await sup.get('/api/calendar?year=2026')).body.days;
  expect(cal).toEqual(expect.arrayContaining([expect.objectContaining({ date: '2026-10-01', workday: false, source: 'official' })]));

  const body = { ...request, archiveId: 'DA-XXCG-2025-012' };
  const first = await taskAt(sup, (await requestArchive(ext, body)).body.id, 'check');
  const due1 = new Date(first.dueDate);
  expect(due1.toISOString().slice(11, 16)).toBe('09:30'); // 17:30 China time, the end of a working day
  const day1 = new Date(due1.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

  // the center closes that day: the next request's limit runs past it
  const put = (date: string, b: unknown, c = admin) =>
    fetch(`${s.base}/api/calendar/${date}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(b),
    });
  expect((await put(day1, { type: 'holiday', name: '临时闭馆' }, sup)).status).toBe(403);
  expect((await put(day1, { type: 'holiday', name: '临时闭馆' })).status).toBe(200);
  const second = await taskAt(sup, (await requestArchive(ext, body)).body.id, 'check');
  expect(new Date(second.dueDate).getTime()).toBeGreaterThan(due1.getTime());
  expect(new Date(new Date(second.dueDate).getTime() + 8 * 3600_000).toISOString().slice(0, 10)).not.toBe(day1);
  const year = day1.slice(0, 4);
  expect((await sup.get(`/api/calendar?year=${year}`)).body.days).toEqual(
    expect.arrayContaining([{ date: day1, workday: false, name: '临时闭馆', source: 'override' }]),
  );
  expect((await put(day1, { type: 'official' })).status).toBe(200);
  expect(
    (await sup.get(`/api/calendar?year=${year}`)).body.days.some((d: { date: string; source: string }) => d.date === day1 && d.source === 'override'),
  ).toBe(false);
});
