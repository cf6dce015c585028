/**
 * Malformed and hostile requests before sign-in: each is a 4xx with the error body, never a 500,
 * and no body is read (or inflated) for a route that needs a token before the token is checked.
 */
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { startServer, type TestServer } from './harness';

let s: TestServer;
beforeAll(async () => {
  s = await startServer('security_requests');
});
afterAll(() => s?.close());

async function raw(path: string, init: RequestInit = {}): Promise<{ status: number; body: { code?: string; message?: string; messageEn?: string } }> {
  const r = await fetch(`${s.base}${path}`, init);
  const text = await r.text();
  let body = {};
  try {
    body = JSON.parse(text) as object;
  } catch {
    body = { text };
  }
  return { status: r.status, body };
}

test('a gzip bomb sent to a route that needs a token is refused for the token, unread', async () => {
  // 200 MB of zeros in about 200 KB
  const bomb = gzipSync(Buffer.alloc(200 * 1024 * 1024), { level: 9 });
  const r = await raw('/api/tasks/x/complete', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body: bomb,
  });
  expect(r.status).toBe(401);
  expect(r.body.code).toBe('UNAUTHENTICATED');

  // and it is answered before its body arrives: a body announced but never sent is not waited for
  const { port } = new URL(s.base);
  const answered = await new Promise<number | 'no answer'>((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/tasks/x/complete',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(bomb.length) },
      },
      (res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      },
    );
    req.on('error', () => undefined);
    req.write(bomb.subarray(0, 1024));
    setTimeout(() => {
      resolve('no answer');
      req.destroy();
    }, 5000);
  });
  expect(answered).toBe(401);
});

test('a sign-in body that inflates past its limit, an unknown encoding, broken gzip and a broken path are each a 4xx with a code', async () => {
  const json = { 'content-type': 'application/json' };
  const big = gzipSync(Buffer.from(JSON.stringify({ username: 'a'.repeat(5_000_000), password: 'x' })));
  const tooBig = await raw('/api/auth/login', { method: 'POST', headers: { ...json, 'content-encoding': 'gzip' }, body: big });
  expect(tooBig.status).toBe(413);
  const compress = await raw('/api/auth/login', { method: 'POST', headers: { ...json, 'content-encoding': 'compress' }, body: 'xxxx' });
  expect(compress.status).toBe(415);
  const broken = await raw('/api/auth/login', { method: 'POST', headers: { ...json, 'content-encoding': 'gzip' }, body: Buffer.from('not gzip at all') });
  expect(broken.status).toBe(400);
  const badJson = await raw('/api/auth/login', { method: 'POST', headers: json, body: '{"username":' });
  expect(badJson.status).toBe(400);
  const path = await raw('/%E0%A4%A');
  expect(path.status).toBe(400);
  for (const r of [tooBig, compress, broken, badJson, path]) {
    expect(r.body.code).toMatch(/^[A-Z_]+$/);
    expect(r.body.message).toBeTruthy();
    expect(r.body.messageEn).toBeTruthy();
  }
});
