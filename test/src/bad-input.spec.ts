/**
 * Bad input gets a 4xx with a code and a message in Chinese and English, and changes nothing:
 * unknown fields, wrong types, oversize or disguised files, forged ids, NoSQL operators.
 */
import { gzipSync } from 'node:zlib';
import { startServer, taskAt, claimAndComplete, PDF, type Reply, type TestServer } from './harness';

let s: TestServer;
beforeAll(async () => {
  s = await startServer('badinput', { MAX_UPLOAD_MB: 0.05, LOGIN_ATTEMPTS: 3 });
});
afterAll(() => s?.close());

function expectError(r: Reply, status: number, code: string | RegExp): void {
  expect({ status: r.status, code: r.body.code }).toEqual({ status, code: expect.stringMatching(code) });
  expect(r.body.message).toMatch(/[\u4e00-\u9fa5]/);
  expect(r.body.messageEn).toMatch(/[a-z]/i);
}

async function counts() {
  const c = (name: string) => s.db.collection(name).countDocuments();
  return {
    audit: await c('audit_events'),
    instances: await c('process_instances'),
    tasks: await c('inbox_tasks'),
    files: await c('attachments'),
    sessions: await c('sessions'),
  };
}

const report = { projectId: 'XXGC-2026-001', category: 'trade', assignedBy: 'none', title: '坏输入', description: '说明', pauseNow: false };

test('starting a flow with bad input', async () => {
  const w = await s.login('witness1');
  const before = await counts();
  expectError(await w.post('/api/process-instances', { processId: 'anomaly-escalation', variables: report, extra: 1 }), 400, 'INVALID_BODY');
  expectError(await w.post('/api/process-instances', { processId: 'anomaly-escalation', variables: 'x' }), 400, 'INVALID_BODY');
  expectError(await w.post('/api/process-instances', { processId: { $ne: null }, variables: report }), 400, 'INVALID_BODY');
  expectError(await w.post('/api/process-instances', { processId: 'no-such-flow', variables: {} }), 404, 'NOT_FOUND');
  const wrong = await w.post('/api/process-instances', {
    processId: 'anomaly-escalation',
    variables: { ...report, pauseNow: 'yes', title: { $gt: '' }, projectId: 'NOPE', colour: 'red' },
  });
  expectError(wrong, 422, 'FORM_INVALID');
  expect(wrong.body.details.map((d: { field: string; code: string }) => `${d.field}:${d.code}`).sort()).toEqual([
    'colour:UNKNOWN_FIELD',
    'pauseNow:TYPE',
    'projectId:NOT_AN_OPTION',
    'title:TYPE',
  ]);
  const missing = await w.post('/api/process-instances', { processId: 'anomaly-escalation', variables: { ...report, title: '' } });
  expectError(missing, 422, 'FORM_INVALID');
  expect(missing.body.details[0]).toMatchObject({ field: 'title', code: 'REQUIRED' });
  expectError(await w.post('/api/process-instances', '{"processId": '), 400, 'INVALID_JSON');
  expect(await counts()).toEqual(before);
});

test('acting on tasks with bad input', async () => {
  const w = await s.login('witness1');
  const head = await s.login('eng_head');
  const started = await w.post('/api/process-instances', { processId: 'anomaly-escalation', variables: report });
  await claimAndComplete(head, (await taskAt(head, started.body.id, 'ack')).id, {});
  const sup = await s.login('sup1');
  const task = await taskAt(sup, started.body.id, 'verify');
  await sup.post(`/api/tasks/${task.id}/claim`);
  // The claim's audit event is chained just after its answer; reading the trail over the API waits for it.
  expect((await sup.get(`/api/audit?instanceId=${started.body.id}&action=task.claimed`)).body.items.length).toBeGreaterThan(0);
  const before = await counts();
  const version = (await sup.get(`/api/tasks/${task.id}`)).body.task.version;

  expectError(await sup.get('/api/tasks/000000000000000000000000:verify_0000000000'), 404, 'NOT_FOUND');
  expectError(await sup.get('/api/tasks/%24ne'), 400, 'INVALID_PATH');
  expectError(await sup.post('/api/tasks/nope/claim'), 404, 'NOT_FOUND');
  expectError(await sup.get('/api/tasks?view=everything'), 400, 'INVALID_QUERY');
  expectError(await sup.get('/api/tasks?view[$ne]=mine'), 400, 'INVALID_QUERY');
  expectError(await sup.get('/api/tasks?pageSize=100000'), 400, 'INVALID_QUERY');
  expectError(await sup.post(`/api/tasks/${task.id}/complete`, { variables: { verifyResult: { $ne: 'x' }, verifyFindings: 'x' } }), 422, 'FORM_INVALID');
  expectError(await sup.post(`/api/tasks/${task.id}/complete`, { variables: { verifyResult: 'maybe', verifyFindings: 'x' } }), 422, 'FORM_INVALID');
  expectError(
    await sup.post(`/api/tasks/${task.id}/complete`, { variables: { verifyResult: 'substantiated', verifyFindings: 'x'.repeat(4001) } }),
    422,
    'FORM_INVALID',
  );
  expectError(await sup.post(`/api/tasks/${task.id}/complete`, { vars: {} }), 400, 'INVALID_BODY');
  expectError(await sup.post(`/api/tasks/${task.id}/transfer`, { userId: 'nobody' }), 422, 'USER_NOT_FOUND');
  expectError(await sup.post(`/api/tasks/${task.id}/transfer`, { userId: { $ne: null } }), 400, 'INVALID_BODY');
  expectError(await sup.post(`/api/tasks/${task.id}/transfer`, { userId: 'external1' }), 422, 'USER_NOT_FOUND');
  expectError(await sup.post(`/api/tasks/${task.id}/comments`, { text: '' }), 400, 'INVALID_BODY');
  expectError(await sup.post(`/api/tasks/${task.id}/return`, { opinion: '退回' }), 409, 'RETURN_NOT_ALLOWED');
  // Bodies that are not JSON objects, too large, or in another charset.
  expectError(await sup.post(`/api/tasks/${task.id}/comments`, '{"text": '), 400, 'INVALID_JSON');
  expectError(await sup.post(`/api/tasks/${task.id}/comments`, '"just text"'), 400, 'INVALID_JSON');
  expectError(await sup.post(`/api/tasks/${task.id}/comments`, { text: 'x'.repeat(1_100_000) }), 413, 'PAYLOAD_TOO_LARGE');
  const latin1 = await fetch(`${s.base}/api/tasks/${task.id}/comments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sup.token}`, 'content-type': 'application/json; charset=latin1' },
    body: JSON.stringify({ text: 'abc' }),
  });
  expectError({ status: latin1.status, body: await latin1.json() }, 415, 'UNSUPPORTED_CHARSET');
  expectError(await s.anonymous().get('/api/tasks?view=mine'), 401, 'UNAUTHENTICATED');
  expectError(await s.anonymous().post(`/api/tasks/${task.id}/claim`), 401, 'UNAUTHENTICATED');
  expectError(await sup.post(`/api/tasks/${task.id}/fly`), 404, 'ROUTE_NOT_FOUND');

  expect(await counts()).toEqual(before);
  expect((await sup.get(`/api/tasks/${task.id}`)).body.task.version).toBe(version);
});

test('the inbox reads request bodies as the rest of the API does: compressed, with a BOM, or empty', async () => {
  const head = await s.login('eng_head');
  const started = await (await s.login('witness1')).post('/api/process-instances', { processId: 'anomaly-escalation', variables: report });
  const task = await taskAt(head, started.body.id, 'ack');
  const post = (body: Blob | string, headers: Record<string, string>) =>
    fetch(`${s.base}/api/tasks/${task.id}/comments`, { method: 'POST', headers: { authorization: `Bearer ${head.token}`, ...headers }, body });
  const gzipped = await post(new Blob([new Uint8Array(gzipSync(JSON.stringify({ text: '压缩的意见' })))]), {
    'content-type': 'application/json',
    'content-encoding': 'gzip',
  });
  expect({ status: gzipped.status, text: ((await gzipped.json()) as { text: string }).text }).toEqual({ status: 201, text: '压缩的意见' });
  const bom = await post(`\ufeff${JSON.stringify({ text: '带 BOM 的意见' })}`, { 'content-type': 'application/json; charset=UTF-8' });
  expect({ status: bom.status, text: ((await bom.json()) as { text: string }).text }).toEqual({ status: 201, text: '带 BOM 的意见' });
  // No body at all is an empty one; a body of blanks is not JSON.
  expect((await head.post(`/api/tasks/${task.id}/claim`, '')).status).toBe(200);
  expectError(await head.post(`/api/tasks/${task.id}/comments`, '   '), 400, 'INVALID_JSON');
  // A body with no declared length is cut off at the limit as it streams in.
  const chunk = new TextEncoder().encode(`{"text":"${'x'.repeat(300_000)}`);
  const streamed = await fetch(`${s.base}/api/tasks/${task.id}/comments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${head.token}`, 'content-type': 'application/json' },
    body: new ReadableStream({
      start(c) {
        for (let i = 0; i < 4; i++) c.enqueue(chunk);
        c.enqueue(new TextEncoder().encode('"}'));
        c.close();
      },
    }),
    duplex: 'half',
  } as RequestInit);
  expectError({ status: streamed.status, body: await streamed.json() }, 413, 'PAYLOAD_TOO_LARGE');
  // HEAD answers as GET does, without the body.
  const headOnly = await fetch(`${s.base}/api/tasks/${task.id}`, { method: 'HEAD', headers: { authorization: `Bearer ${head.token}` } });
  expect({ status: headOnly.status, body: await headOnly.text(), length: Number(headOnly.headers.get('content-length')) > 0 }).toEqual({
    status: 200,
    body: '',
    length: true,
  });
  // Paths are matched as Express matches them: one trailing slash, not empty segments.
  expect((await head.get(`/api/tasks/${task.id}/`)).status).toBe(200);
  expectError(await head.get(`/api/tasks//${task.id}`), 404, 'ROUTE_NOT_FOUND');
  const trail = await head.get(`/api/audit?instanceId=${started.body.id}&action=task.commented`);
  expect(trail.body.items.map((e: { data: { opinion: string } }) => e.data.opinion).sort()).toEqual(['压缩的意见', '带 BOM 的意见'].sort());
});

test('every answer carries a request id; the token is checked before a body is read; malformed requests get a 4xx', async () => {
  const head = await s.login('eng_head');
  const given = await fetch(`${s.base}/api/me`, { headers: { authorization: `Bearer ${head.token}`, 'x-request-id': 'proxy-abc.123' } });
  expect(given.headers.get('x-request-id')).toBe('proxy-abc.123');
  const made = await fetch(`${s.base}/api/tasks?view=mine`, { headers: { authorization: `Bearer ${head.token}`, 'x-request-id': 'no spaces allowed' } });
  expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  const anonymous = await fetch(`${s.base}/api/nope`);
  expect(anonymous.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  // A body that inflates to 64 MiB: refused unread without a token, cut off at the limit with one.
  const bomb = new Uint8Array(gzipSync(Buffer.concat([Buffer.from('{"text":"'), Buffer.alloc(64 * 1048576, 0x78), Buffer.from('"}')])));
  expect(bomb.length).toBeLessThan(200_000);
  const send = (token?: string) =>
    fetch(`${s.base}/api/tasks/any/comments`, {
      method: 'POST',
      headers: { ...(token && { authorization: `Bearer ${token}` }), 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: new Blob([bomb]),
    });
  const unread = await send();
  expectError({ status: unread.status, body: await unread.json() }, 401, 'UNAUTHENTICATED');
  const cut = await send(head.token!);
  expectError({ status: cut.status, body: await cut.json() }, 413, 'PAYLOAD_TOO_LARGE');
  const compress = await fetch(`${s.base}/api/tasks/any/comments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${head.token}`, 'content-type': 'application/json', 'content-encoding': 'compress' },
    body: '{}',
  });
  expectError({ status: compress.status, body: await compress.json() }, 415, 'UNSUPPORTED_ENCODING');
  const broken = await fetch(`${s.base}/api/tasks/any/comments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${head.token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body: 'not gzip at all',
  });
  expect(broken.status).toBe(400);
  // A broken escape in a path is the client's fault, not a server error.
  const escape = await fetch(`${s.base}/%E0%A4%A`);
  expectError({ status: escape.status, body: await escape.json() }, 400, 'BAD_REQUEST');
});

test('form rules beyond types: whole days, a declassification date ahead', async () => {
  const ext = await s.login('external1');
  const r = await ext.post('/api/process-instances', {
    processId: 'archive-lending',
    variables: { archiveId: 'DA-XXGC-2025-031', requesterUnit: '州住建局', officerName: '吴监管', purpose: '核查', requestedDays: 1.5 },
  });
  expectError(r, 422, 'FORM_INVALID');
  expect(r.body.details[0]).toMatchObject({ field: 'requestedDays', code: 'INTEGER' });
});

test('uploads: type, disguise and size are checked', async () => {
  const ext = await s.login('external1');
  const before = await counts();
  expectError(await ext.upload('病毒.exe', Buffer.from('MZ....')), 415, 'FILE_TYPE_NOT_ALLOWED');
  expectError(await ext.upload('伪装.pdf', Buffer.from('MZ this is not a pdf')), 415, 'FILE_CONTENT_MISMATCH');
  expectError(await ext.upload('太大.pdf', Buffer.concat([PDF, Buffer.alloc(60 * 1024)])), 413, 'FILE_TOO_LARGE');
  expectError(await ext.upload('x.pdf', PDF, { category: 'secret-stuff' }), 400, 'INVALID_BODY');
  expect(await counts()).toEqual(before);
  const ok = await ext.upload('工作证.pdf', PDF, { category: 'work-id' });
  expect(ok.status).toBe(201);
});

test('sign-in: NoSQL operators, wrong passwords, and too many attempts', async () => {
  const anon = s.anonymous();
  expectError(await anon.post('/api/auth/login', { username: { $ne: null }, password: { $ne: null } }), 400, 'INVALID_BODY');
  expectError(await anon.post('/api/auth/login', { username: 'gen1', password: 'wrong' }), 401, 'INVALID_CREDENTIALS');
  expectError(await anon.post('/api/auth/login', { username: 'nobody', password: 'wrong' }), 401, 'INVALID_CREDENTIALS');
  await anon.post('/api/auth/login', { username: 'gen1', password: 'wrong' });
  await anon.post('/api/auth/login', { username: 'gen1', password: 'wrong' });
  expectError(await anon.post('/api/auth/login', { username: 'gen1', password: 'demo1234' }), 429, 'TOO_MANY_LOGIN_ATTEMPTS');
  expectError(
    await new (anon.constructor as typeof import('./harness').Client)(s.base, 'forged-token-aaaaaaaaaaaaaaaaaaaaaaaa', 'x').get('/api/me'),
    401,
    'UNAUTHENTICATED',
  );
  // logout ends the session
  const office = await s.login('office1');
  expect((await office.get('/api/me')).body.id).toBe('office1');
  expect((await office.post('/api/auth/logout')).status).toBe(204);
  expectError(await office.get('/api/me'), 401, 'UNAUTHENTICATED');
});
