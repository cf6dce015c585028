/**
 * One diagram must not stop the server. A real server process (as `npm start` runs it) is sent
 * the hostile diagrams and expressions an admin account could deploy: each is refused at deploy
 * naming the limit, or becomes an incident at run time. Meanwhile `GET /api/health` answers within
 * a second every time, the server's memory stays under 1 GB, and it is still up afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import * as testing from '@ggzy/engine-workers/testing';
import type { Body } from './harness';

const MAIN = path.resolve(__dirname, '../../api/dist/main.js');

/** A diagram laid out on a line, with its shapes and edges (the deploy gate wants them). */
function diagram(processId: string, elements: Array<{ id: string; xml: string }>, flows: Array<[string, string, string, string?]>): string {
  const shapes = elements.map(
    (e, i) => `<bpmndi:BPMNShape id="${e.id}_di" bpmnElement="${e.id}"><dc:Bounds x="${150 + i * 150}" y="100" width="100" height="80" /></bpmndi:BPMNShape>`,
  );
  const edges = flows.map(
    ([id]) => `<bpmndi:BPMNEdge id="${id}_di" bpmnElement="${id}"><di:waypoint x="0" y="0" /><di:waypoint x="10" y="10" /></bpmndi:BPMNEdge>`,
  );
  const flowXml = flows.map(
    ([id, from, to, condition]) =>
      `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}">${condition ? `<bpmn:conditionExpression>${condition}</bpmn:conditionExpression>` : ''}</bpmn:sequenceFlow>`,
  );
  // each element names its flows, as the modeler writes them (the gate checks they are connected)
  const refs = (id: string) =>
    flows
      .filter(([, from, to]) => to === id || from === id)
      .map(([f, from]) => (from === id ? `<bpmn:outgoing>${f}</bpmn:outgoing>` : `<bpmn:incoming>${f}</bpmn:incoming>`))
      .sort((a, b) => (a < b ? -1 : 1))
      .join('');
  const connected = elements.map((e) => ({
    ...e,
    xml: e.xml.replace(/ \/>$/, `>${refs(e.id)}</bpmn:${/^<bpmn:(\w+)/.exec(e.xml)![1]}>`).replace('</bpmn:scriptTask>', `${refs(e.id)}</bpmn:scriptTask>`),
  }));
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="defs-${processId}" targetNamespace="http://bpmn.io/schema/bpmn" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.8.0">
<bpmn:process id="${processId}" name="${processId}" isExecutable="true">
${connected.map((e) => e.xml).join('\n')}
${flowXml.join('\n')}
</bpmn:process>
<bpmndi:BPMNDiagram id="d-${processId}"><bpmndi:BPMNPlane id="p-${processId}" bpmnElement="${processId}">${shapes.join('')}${edges.join('')}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;
}

const start = { id: 'start', xml: '<bpmn:startEvent id="start" name="开始" />' };
const end = (id = 'end') => ({ id, xml: `<bpmn:endEvent id="${id}" name="结束" />` });

/** `branches` parallel branches between a fork and a join. */
function parallel(processId: string, branches: number): string {
  const tasks = Array.from({ length: branches }, (_, i) => ({ id: `t${i}`, xml: `<bpmn:manualTask id="t${i}" name="分支 ${i}" />` }));
  const flows: Array<[string, string, string]> = [
    ['f0', 'start', 'fork'],
    ['fe', 'join', 'end'],
  ];
  tasks.forEach((t, i) => flows.push([`a${i}`, 'fork', t.id], [`b${i}`, t.id, 'join']));
  return diagram(
    processId,
    [
      start,
      { id: 'fork', xml: '<bpmn:parallelGateway id="fork" name="分" />' },
      ...tasks,
      { id: 'join', xml: '<bpmn:parallelGateway id="join" name="合" />' },
      end(),
    ],
    flows,
  );
}

function scriptDiagram(processId: string, expression: string): string {
  const escaped = expression.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return diagram(
    processId,
    [
      start,
      {
        id: 'calc',
        xml: `<bpmn:scriptTask id="calc" name="计算"><bpmn:extensionElements><zeebe:script expression="${escaped}" resultVariable="n" /></bpmn:extensionElements></bpmn:scriptTask>`,
      },
      end(),
    ],
    [
      ['f1', 'start', 'calc'],
      ['f2', 'calc', 'end'],
    ],
  );
}

const conditionDiagram = diagram(
  'runaway-condition',
  [start, { id: 'long', xml: '<bpmn:exclusiveGateway id="long" name="够长吗" />' }, end('yes'), end('no')],
  [
    ['f1', 'start', 'long'],
    ['toYes', 'long', 'yes', '=string length(string join(for i in 1..20000000 return "x")) &gt; 0'],
    ['toNo', 'long', 'no', '=1 &lt; 0'],
  ],
);

describe('no diagram or expression takes the server down', () => {
  let child: ChildProcess;
  let base: string;
  let token: string;
  let uri: string;
  let watching = true;
  const health: number[] = [];
  const rss: number[] = [];
  let watcher: Promise<void>;

  const call = async (method: string, p: string, body?: unknown): Promise<{ status: number; body: Body }> => {
    const r = await fetch(`${base}${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };

  /** What an admin account could deploy, made before the watch begins (making them takes this process a while). */
  let hostile: Array<[string, string, string]> | undefined;

  beforeAll(async () => {
    hostile = [
      ['a 1.4 MB FEEL expression', scriptDiagram('huge-expression', `=${'1 + '.repeat(350_000)}1`), 'bytes'],
      ['a 500 KB FEEL expression', scriptDiagram('long-expression', `=${'1 + '.repeat(125_000)}1`), 'characters in one expression'],
      ['9,000 parallel branches', parallel('wide-9000', 9000), 'bytes'],
      ['600 parallel branches', parallel('wide-600', 600), 'flow elements'],
      ['150 parallel branches', parallel('wide-150', 150), 'sequence flows leaving one element'],
    ];
    uri = testing.testDbUri('containment');
    const port = await testing.freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        MONGODB_URI: uri,
        PORT: String(port),
        HOST: '127.0.0.1',
        DEMO_DATA: 'true',
        LOG_LEVEL: 'silent',
        AUDIT_KEY: 'containment-audit-key-0123456789',
        DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'ggzy-containment-')),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await testing.eventually(async () => (await fetch(`${base}/api/health`).catch(() => null))?.ok, 60_000, 'the server to answer');
    token = (
      await (
        await fetch(`${base}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'admin', password: 'demo1234' }),
        })
      ).json()
    ).token;
    // From here on: the health check every 100 ms, and the server's resident memory.
    watcher = (async () => {
      while (watching) {
        const t = Date.now();
        const ok = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(5_000) }).then(
          (r) => r.ok,
          () => false,
        );
        health.push(ok ? Date.now() - t : Infinity);
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        rss.push(Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
  }, 90_000);

  afterAll(async () => {
    watching = false;
    await watcher;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    const conn = await mongoose.createConnection(uri).asPromise();
    await conn.dropDatabase();
    await conn.close();
  });

  it('refuses at deploy what is over a limit, naming the limit', async () => {
    const cases = hostile!;
    for (const [what, xml, limit] of cases) {
      // as the modeler's XML upload (up to 2 MB) and as JSON (up to 1 MB)
      const raw = await fetch(`${base}/api/process-definitions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
        body: xml,
      });
      const rawBody = (await raw.json()) as Body;
      const overBody = Buffer.byteLength(xml) > 2 * 1024 * 1024; // beyond what the route reads at all
      expect([what, raw.status, rawBody.code]).toEqual([what, 413, overBody ? 'PAYLOAD_TOO_LARGE' : 'DIAGRAM_TOO_LARGE']);
      if (!overBody) expect(rawBody.details.limit).toBe(limit);
      const r = await call('POST', '/api/process-definitions', { name: 'hostile.bpmn', xml });
      expect([what, r.status, r.status === 413 ? 'refused' : r.body]).toEqual([what, 413, 'refused']);
      if (xml.length < 1_000_000) expect([what, r.body.code, r.body.details.limit]).toEqual([what, 'DIAGRAM_TOO_LARGE', limit]);
      const lint = await call('POST', '/api/process-definitions/lint', { xml });
      expect([what, lint.status]).toEqual([what, 413]);
    }
    // a wide diagram within the limits deploys and runs to its end
    expect((await call('POST', '/api/process-definitions', { name: 'wide-90.bpmn', xml: parallel('wide-90', 90) })).status).toBe(201);
    const started = await call('POST', '/api/process-instances', { processId: 'wide-90' });
    expect(started.status).toBe(201);
    await testing.eventually(
      async () => (await call('GET', `/api/process-instances/${started.body.id}`)).body.instance.state === 'completed',
      20_000,
      'the wide flow to end',
    );
  }, 120_000);

  it('an expression that runs away at run time becomes an incident on its element', async () => {
    for (const [name, xml] of [
      ['runaway-script.bpmn', scriptDiagram('runaway-script', '=count(for i in 1..100000000 return i)')],
      ['runaway-condition.bpmn', conditionDiagram],
    ]) {
      const r = await call('POST', '/api/process-definitions', { name, xml });
      expect([name, r.status, r.body.message]).toEqual([name, 201, undefined]);
    }
    const script = await call('POST', '/api/process-instances', { processId: 'runaway-script' });
    const condition = await call('POST', '/api/process-instances', { processId: 'runaway-condition' });
    for (const [id, type, elementId] of [
      [script.body.id, 'EXTRACT_VALUE_ERROR', 'calc'],
      [condition.body.id, 'CONDITION_ERROR', 'long'],
    ]) {
      const incident = await testing.eventually(
        async () => {
          const d = (await call('GET', `/api/process-instances/${id}`)).body;
          return d.instance.state === 'incident' && d.engine?.incidents?.find((i: Body) => i.status === 'open');
        },
        20_000,
        `an incident on ${elementId}`,
      );
      expect(incident).toMatchObject({ type, elementId, message: expect.stringContaining('went over the limits') });
    }
  }, 120_000);

  it('meanwhile health answered within a second every time, memory stayed under 1 GB, and the server is up', async () => {
    const slowest = Math.max(...health);
    const most = Math.max(...rss);
    process.stdout.write(`containment: ${health.length} health checks, slowest ${slowest} ms; peak RSS ${Math.round(most / 1048576)} MB\n`);
    expect(health.length).toBeGreaterThan(5);
    expect(slowest).toBeLessThan(1000);
    expect(most).toBeLessThan(1024 ** 3);
    expect(child.exitCode).toBeNull();
    expect((await fetch(`${base}/api/health`)).ok).toBe(true);
  });
});
