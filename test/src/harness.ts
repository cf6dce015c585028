/**
 * Scenario harness: the real system (engine, workers, API) on its own database on the test
 * database server, listening on a free port; tests talk to it over HTTP as the demo users.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { buildSystem, DEFAULT_SETTINGS, epochCollectionName, type System, type SystemSettings } from '@ggzy/api';
import type { EnginePort } from '@ggzy/engine-workers';
import * as testing from '@ggzy/engine-workers/testing';
import { checkAnswer } from './contract';

/** The repository root, from the sources (jest) or the compiled files (benchmarks). */
const ROOT = (() => {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'processes')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();
export const PROCESSES_DIR = path.join(ROOT, 'processes');
export const WEB_DIR = path.join(ROOT, 'web/dist/browser');

/** JSON bodies as the scenarios read them; each test asserts the shape it relies on. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Body = any;

export interface Reply<T = Body> {
  status: number;
  body: T;
}

export class Client {
  constructor(
    readonly base: string,
    readonly token: string | null,
    readonly user: string,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.token && { authorization: `Bearer ${this.token}` }), ...extra };
  }

  async get<T = Body>(p: string): Promise<Reply<T>> {
    const r = await fetch(this.base + p, { headers: this.headers() });
    const body = (r.headers.get('content-type')?.includes('json') ? await r.json() : await r.text()) as T;
    checkAnswer('GET', p, r.status, body);
    return { status: r.status, body };
  }

  post<T = Body>(p: string, body: unknown = {}): Promise<Reply<T>> {
    return this.send<T>('POST', p, body);
  }

  put<T = Body>(p: string, body: unknown = {}): Promise<Reply<T>> {
    return this.send<T>('PUT', p, body);
  }

  patch<T = Body>(p: string, body: unknown = {}): Promise<Reply<T>> {
    return this.send<T>('PATCH', p, body);
  }

  private async send<T>(method: 'POST' | 'PUT' | 'PATCH', p: string, body: unknown): Promise<Reply<T>> {
    const r = await fetch(this.base + p, {
      method,
      headers: this.headers({ 'content-type': 'application/json' }),
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await r.text();
    const parsed = (text && r.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T;
    checkAnswer(method, p, r.status, parsed);
    return { status: r.status, body: parsed };
  }

  upload<T = Body>(filename: string, content: Buffer, fields: Record<string, string> = {}): Promise<Reply<T>> {
    return this.postFile<T>('/api/attachments', filename, content, fields);
  }

  /** A multipart POST of one file (field `file`) and some fields. */
  async postFile<T = Body>(p: string, filename: string, content: Buffer, fields: Record<string, string> = {}): Promise<Reply<T>> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', new Blob([new Uint8Array(content)]), filename);
    const r = await fetch(this.base + p, { method: 'POST', headers: this.headers(), body: form });
    const body = (await r.json()) as T;
    checkAnswer('POST', p, r.status, body);
    return { status: r.status, body };
  }

  /** The bytes of an answer (a file), with its status and type. */
  async file(p: string): Promise<{ status: number; type: string; bytes: Buffer }> {
    const r = await fetch(this.base + p, { headers: this.headers() });
    return { status: r.status, type: r.headers.get('content-type') ?? '', bytes: Buffer.from(await r.arrayBuffer()) };
  }
}

export interface TestServer {
  base: string;
  db: Connection;
  engine: EnginePort;
  system: System;
  login(user: string, password?: string): Promise<Client>;
  anonymous(): Client;
  /** Stop everything and drop the database. */
  close(): Promise<void>;
  /** Stop the server, engine and system but keep the database (as a process that dies would). */
  halt(): Promise<void>;
}

/** The audit checkpoint file of a test database (the same across restarts on it). */
export function auditCheckpointFile(db: Connection): string {
  return path.join(os.tmpdir(), 'ggzy-audit-checkpoints', `${db.name}.jsonl`);
}

export async function startServer(
  name: string,
  settings: Partial<SystemSettings> = {},
  reuse?: Connection,
  /** Another engine adapter (the cluster contract test); the embedded engine by default. */
  makeEngine: (db: Connection) => EnginePort = (db) => testing.testEngine(db),
  /** Where the system logs (quiet by default; a test that reads the log passes its own). */
  logger: Logger = testing.quietLogger,
): Promise<TestServer> {
  const db = reuse ?? (await testing.connectTestDb(name));
  const engine = makeEngine(db);
  let system: System;
  let server: Server;
  try {
    system = buildSystem({
      db,
      engine,
      logger,
      settings: {
        ...DEFAULT_SETTINGS,
        SLA_CHECK_MS: 200,
        processesDir: PROCESSES_DIR,
        webDir: WEB_DIR,
        ...(process.env.INBOX_STORE === 'database' && { INBOX_STORE: 'database' }),
        // The audit chain anchored as in production: a key outside the database, a checkpoint file per database.
        AUDIT_KEY: 'scenario-audit-key-0123456789',
        AUDIT_CHECKPOINT_FILE: auditCheckpointFile(db),
        // (the periodic duties — the monthly witness books, the daily mailbox check — are run by their own tests, on dates they choose)
        periodicDuties: false,
        ...settings,
      },
    });
    // Listening before the engine starts, as main.ts does (events not taken are told again at start).
    await engine.start();
    await system.start();
    server = await new Promise((resolve) => {
      const srv = system.app.listen(0, '127.0.0.1', () => resolve(srv));
    });
  } catch (err) {
    await engine.stop();
    await db.close();
    throw err;
  }
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients = new Map<string, Client>();
  const halt = async (): Promise<void> => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await system.stop();
    await engine.stop();
  };
  return {
    base,
    db,
    engine,
    system,
    anonymous: () => new Client(base, null, 'anonymous'),
    async login(user, password = 'demo1234') {
      const hit = clients.get(user);
      if (hit && password === 'demo1234') return hit;
      const r = await new Client(base, null, user).post('/api/auth/login', { username: user, password });
      if (r.status !== 200) throw new Error(`login ${user}: ${r.status} ${JSON.stringify(r.body)}`);
      const c = new Client(base, r.body.token, user);
      clients.set(user, c);
      return c;
    },
    halt,
    async close(): Promise<void> {
      await halt();
      await db.dropDatabase().catch(() => undefined);
      await db.close();
    },
  };
}

/** Poll until `fn` returns something truthy. */
export const eventually = testing.eventually;

/** Wait for the one open task of an instance at a step, as seen by `who` in a view. */
export async function taskAt(c: Client, instanceId: string, elementId: string, view: 'mine' | 'unclaimed' = 'unclaimed'): Promise<Body> {
  return eventually(
    async () => {
      const r = await c.get(`/api/tasks?view=${view}&pageSize=100`);
      return r.body.items?.find((t: Body) => t.instanceId === instanceId && t.elementId === elementId && t.status === 'open');
    },
    10_000,
    `${c.user} to see task ${elementId} of ${instanceId} in ${view}`,
  );
}

/** The start of an anomaly report (要情专报) for a project, without pausing it. */
export function anomalyReport(title: string, projectId = 'XXGC-2026-002'): { processId: string; variables: Record<string, unknown> } {
  return {
    processId: 'anomaly-escalation',
    variables: { projectId, category: 'trade', assignedBy: 'none', title, description: '说明', pauseNow: false },
  };
}

/** `c` (a witness) reports an anomaly; asserts it started and returns its instance id. */
export async function reportAnomaly(c: Client, title: string): Promise<string> {
  const r = await c.post('/api/process-instances', anomalyReport(title));
  if (r.status !== 201) throw new Error(`report by ${c.user}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id as string;
}

/**
 * A report whose verification sup1 holds (claimed), carried to its end: verified, drafted, reviewed,
 * signed, issued, and classified as `classification`; waits until the instance has completed.
 */
export async function verifiedToClassified(s: TestServer, instanceId: string, verifyTaskId: string, classification: string): Promise<void> {
  const sup1 = await s.login('sup1');
  const office = await s.login('office1');
  const director = await s.login('director');
  await sup1.post(`/api/tasks/${verifyTaskId}/complete`, { variables: { verifyResult: 'substantiated', verifyFindings: '属实' } });
  await claimAndComplete(sup1, (await taskAt(sup1, instanceId, 'draft_sup')).id, { reportBackground: 'a', reportDevelopment: 'b', reportHandling: 'c' });
  await claimAndComplete(office, (await taskAt(office, instanceId, 'review')).id, { reviewDecision: 'approve' });
  await claimAndComplete(director, (await taskAt(director, instanceId, 'sign')).id, { signDecision: 'sign' });
  await claimAndComplete(office, (await taskAt(office, instanceId, 'issue')).id, { issueCopies: 6 });
  await claimAndComplete(sup1, (await taskAt(sup1, instanceId, 'classify')).id, { classification });
  await eventually(async () => (await sup1.get(`/api/process-instances/${instanceId}`)).body.instance?.state === 'completed', 10_000, 'done');
}

/** Claim and complete a task in one go; asserts both succeed. */
/** An archive-lending request as its officer files it (6.5.3): with the unit's proof and the officer's ID uploaded first. */
export async function requestArchive(c: Client, variables: Record<string, unknown>, extra: string[] = []): Promise<Reply> {
  const proof = await c.upload('单位证明.pdf', PDF, { category: 'unit-proof' });
  const id = await c.upload('经办人身份证.pdf', PDF, { category: 'officer-id' });
  return c.post('/api/process-instances', { processId: 'archive-lending', variables, attachmentIds: [proof.body.id, id.body.id, ...extra] });
}

export async function claimAndComplete(c: Client, taskId: string, variables: Record<string, unknown>): Promise<Body> {
  const claim = await c.post(`/api/tasks/${taskId}/claim`);
  if (claim.status !== 200) throw new Error(`claim by ${c.user}: ${claim.status} ${JSON.stringify(claim.body)}`);
  const done = await c.post(`/api/tasks/${taskId}/complete`, { variables });
  if (done.status !== 200) throw new Error(`complete by ${c.user}: ${done.status} ${JSON.stringify(done.body)}`);
  return done.body;
}

export async function instanceState(c: Client, id: string): Promise<Body> {
  return (await c.get(`/api/process-instances/${id}`)).body;
}

export const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

/**
 * The collection of the memory layout's log that the next start replays from (the snapshot's
 * epoch): where a record a stopped process had just written would be.
 */
export async function liveLogCollection(db: Connection): Promise<string> {
  const head = (await db.collection('inbox_snapshots').findOne({ _id: 'head' as never })) as { replayFrom?: number } | null;
  return epochCollectionName(head?.replayFrom ?? 0);
}

/** How many dark pixels the first page of a PDF has when rendered (pdftoppm, greyscale): 0 is a blank page. */
export function pdfInk(pdf: Buffer): number {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pdf-'));
  writeFileSync(path.join(dir, 'a.pdf'), pdf);
  execFileSync('pdftoppm', ['-r', '40', '-gray', '-f', '1', '-l', '1', path.join(dir, 'a.pdf'), path.join(dir, 'p')]);
  const pgm = readFileSync(
    path.join(
      dir,
      readdirSync(dir).find((f) => f.endsWith('.pgm'))!,
    ),
  );
  // P5 <w> <h> <max> then one byte per pixel
  const header = pgm.subarray(0, 40).toString('latin1').split(/\s+/);
  const [w, h] = [Number(header[1]), Number(header[2])];
  const pixels = pgm.subarray(pgm.length - w * h);
  rmSync(dir, { recursive: true });
  return pixels.filter((p) => p < 128).length;
}

/** The text of a PDF as `pdftotext` reads it (its fonts must map back to Unicode: Chinese reads as Chinese). */
export function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pdf-'));
  writeFileSync(path.join(dir, 'a.pdf'), pdf);
  execFileSync('pdftotext', ['-layout', path.join(dir, 'a.pdf'), path.join(dir, 'a.txt')]);
  const text = readFileSync(path.join(dir, 'a.txt'), 'utf8');
  rmSync(dir, { recursive: true });
  return text;
}
