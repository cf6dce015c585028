/**
 * One contract for the API: every route Express serves is in the contract (and so in the OpenAPI
 * document), every documented path is served, and the document is generated from the schemas.
 */
import type { Express } from 'express';
import { API, type ApiRoute } from '@ggzy/shared/api';
import { startServer, type TestServer } from './harness';
import { checkAnswer, routeOf } from './contract';

let s: TestServer;
beforeAll(async () => {
  s = await startServer('contract');
});
afterAll(() => s?.close());

interface Layer {
  name: string;
  rawPath?: string;
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** Method and path of every route in the app, as `GET /api/tasks/{id}`. */
function expressRoutes(app: Express): string[] {
  const out: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const l of stack) {
      if (l.route) {
        for (const m of Object.keys(l.route.methods)) out.push(`${m.toUpperCase()} ${prefix}${l.route.path.replace(/:(\w+)/g, '{$1}')}`);
      } else if (l.handle.stack) walk(l.handle.stack, prefix + (l.rawPath === '/' ? '' : (l.rawPath ?? '')));
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return out;
}

const documented = (Object.values(API) as ApiRoute[]).map((r) => `${r.method.toUpperCase()} ${r.path}`);

test('every route Express serves under /api is in the contract, and every contract entry is served', () => {
  const served = expressRoutes(s.system.app).filter((r) => r.includes(' /api'));
  expect(served.length).toBeGreaterThan(40);
  expect(served.filter((r) => !documented.includes(r))).toEqual([]);
  expect(documented.filter((r) => !served.includes(r))).toEqual([]);
});

test('every documented path answers, and is not the unknown-route answer', async () => {
  const admin = await s.login('admin');
  const sample: Record<string, string> = { id: 'sample-1', incidentKey: 'sample-2', date: '2026-12-01' };
  const missed: string[] = [];
  // Signing out last: it ends the session the other requests use.
  const routes = (Object.values(API) as ApiRoute[]).filter((r) => r !== API.logout).concat(API.logout);
  for (const r of routes) {
    const path = r.path.replace(/\{(\w+)\}/g, (_m, k: string) => (r.path.startsWith('/api/attachments') ? '00000000-0000-4000-8000-000000000000' : sample[k]!));
    if (r.produces === 'text/event-stream') {
      const ctl = new AbortController();
      const res = await fetch(s.base + path, { headers: { authorization: `Bearer ${admin.token}` }, signal: ctl.signal });
      if (res.status !== 200 || !res.headers.get('content-type')?.startsWith('text/event-stream')) missed.push(`${r.method} ${r.path} ${res.status}`);
      ctl.abort();
      continue;
    }
    const res = await fetch(s.base + path, {
      method: r.method.toUpperCase(),
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      ...(r.method !== 'get' && { body: '{}' }),
    });
    const text = await res.text();
    if (res.status === 404 && /ROUTE_NOT_FOUND/.test(text)) missed.push(`${r.method} ${r.path}`);
    if (/^<!doctype html>/i.test(text) && r.produces !== 'text/html') missed.push(`${r.method} ${r.path} (the web app answered)`);
  }
  expect(missed).toEqual([]);
});

test('the OpenAPI document is generated from the contract: paths, schemas, public routes', async () => {
  const doc = (await s.anonymous().get('/api/openapi.json')).body;
  expect(doc.openapi).toBe('3.1.0');
  const ops = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, m]) => Object.keys(m).map((k) => `${k.toUpperCase()} ${p}`));
  expect(ops.sort()).toEqual([...documented].sort());
  // The task list's query and the claim's answer come from the shared zod schemas.
  const list = doc.paths['/api/tasks'].get;
  expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['view', 'page', 'pageSize', 'overdue']));
  expect(list.parameters.find((p: { name: string }) => p.name === 'view').schema.enum).toEqual(['mine', 'unclaimed', 'done', 'started', 'cc']);
  expect(doc.paths['/api/tasks/{id}/claim'].post.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Task' });
  expect(doc.components.schemas.Task.required).toEqual(expect.arrayContaining(['id', 'instanceId', 'status', 'version']));
  expect(doc.paths['/api/auth/login'].post.security).toEqual([]);
  expect(doc.paths['/api/me'].get.security).toBeUndefined();
});

test('an answer outside the contract is caught', () => {
  expect(routeOf('GET', '/api/tasks/counts')?.name).toBe('taskCounts');
  expect(routeOf('GET', '/api/tasks/abc')?.name).toBe('task');
  expect(() => checkAnswer('GET', '/api/tasks/counts', 200, { mine: 1 })).toThrow(/outside the contract \(API.taskCounts\)/);
});
