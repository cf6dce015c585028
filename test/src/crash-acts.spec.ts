/**
 * Nothing accepted is lost when the server is killed: 20 clients start reports, claim, complete,
 * urge, add signers, sign and withdraw while the server process (`api/dist/main.js`, as `npm start`
 * runs it) is killed with SIGKILL at random moments, ten times (CRASH_KILLS), and started again each time. Then:
 * every act that was answered 2xx is there with its audit event, every instance the engine runs has
 * its record, no step waits for a signature nobody can give, and the audit chain verifies.
 * Seeded (CRASH_SEED), bounded in time; the table of acts is printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import * as testing from '@ggzy/engine-workers/testing';
import { anomalyReport, type Body } from './harness';

const MAIN = path.resolve(__dirname, '../../api/dist/main.js');
const SEED = Number(process.env.CRASH_SEED ?? 12345);
const KILLS = Number(process.env.CRASH_KILLS ?? 10);
const CLIENTS = 20;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

const debug = (line: string) => void (process.env.CRASH_DEBUG && process.stderr.write(`${line}\n`));

type Act = 'start' | 'claim' | 'complete' | 'urge' | 'add-signer' | 'sign' | 'withdraw';
interface Acked {
  act: Act;
  instanceId: string;
  taskId?: string;
}

class Server {
  child: ChildProcess | null = null;
  up = false;
  constructor(
    readonly uri: string,
    readonly port: number,
    private readonly dataDir: string,
  ) {}

  async start(): Promise<void> {
    this.child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        MONGODB_URI: this.uri,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        DEMO_DATA: 'true',
        LOG_LEVEL: 'silent',
        ENGINE_LEASE_MS: '2000',
        ENGINE_POLL_MS: '200',
        AUDIT_KEY: 'crash-test-audit-key-0123456789',
        DATA_DIR: this.dataDir,
        INBOX_STORE: process.env.INBOX_STORE ?? 'memory',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await testing.eventually(async () => (await fetch(`http://127.0.0.1:${this.port}/api/health`).catch(() => null))?.ok, 30_000, 'the server to answer');
    this.up = true;
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    const c = this.child;
    this.up = false;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill(signal);
      // a stop that does not end in time is a kill
      if (signal !== 'SIGKILL') setTimeout(() => c.kill('SIGKILL'), 15_000).unref();
    });
  }
}

/** A client of one demo user: requests that fail because the server is down are sent again once it is up. */
class Client {
  private token = '';
  constructor(
    private readonly server: Server,
    readonly user: string,
  ) {}

  private async raw(method: string, p: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Body } | null> {
    try {
      const r = await fetch(`http://127.0.0.1:${this.server.port}${p}`, {
        method,
        headers: {
          ...(this.token && { authorization: `Bearer ${this.token}` }),
          ...(body !== undefined && { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : null };
    } catch (err) {
      if ((err as Error).name === 'TimeoutError') debug(`${this.user} ${method} ${p}: no answer in 10 s`);
      return null; // the server died under the request: not answered
    }
  }

  /** Send until answered (an answer lost to a kill is not an acknowledgement). */
  async call(method: string, p: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: Body; retried: boolean }> {
    let retried = false;
    for (;;) {
      while (!this.server.up) await new Promise((r) => setTimeout(r, 50));
      if (!this.token) {
        const login = await this.raw('POST', '/api/auth/login', { username: this.user, password: 'demo1234' });
        if (login?.status === 200) this.token = login.body.token;
        else {
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
      }
      const r = await this.raw(method, p, body, headers);
      if (r) return { ...r, retried };
      retried = true;
      await new Promise((res) => setTimeout(res, 100));
    }
  }
}

async function openTaskOf(c: Client, instanceId: string, elementId: string, view: string, deadline: number): Promise<Body | null> {
  while (Date.now() < deadline) {
    const r = await c.call('GET', `/api/tasks?view=${view}&pageSize=100`);
    const t = r.body?.items?.find((x: Body) => x.instanceId === instanceId && x.elementId === elementId && x.status === 'open');
    if (t) return t;
    await new Promise((res) => setTimeout(res, 150));
  }
  return null;
}

test('acts acknowledged while the server is killed ten times are all there, with their audit events', async () => {
  const uri = testing.testDbUri('crash-acts');
  const server = new Server(uri, await testing.freePort(), mkdtempSync(path.join(os.tmpdir(), 'ggzy-crash-')));
  await server.start();
  const random = rng(SEED);
  const acked: Acked[] = [];
  const ack = (a: Acked) => acked.push(a);
  let stopping = false;

  // the clients: each runs reports through one of four paths until the kills are over (as the
  // same three people, each signed in once, as browsers keep their session)
  const witness = new Client(server, 'witness1');
  const head = new Client(server, 'eng_head');
  const signer = new Client(server, 'proc1');
  await Promise.all([witness, head, signer].map((c) => c.call('GET', '/api/me')));
  const client = async (i: number) => {
    for (let round = 0; !stopping; round++) {
      const started = await witness.call('POST', '/api/process-instances', anomalyReport(`崩溃测试 ${i}-${round}`), {
        'idempotency-key': `crash-${SEED}-${i}-${round}`,
      });
      if (started.status !== 201) continue;
      const id = started.body.id as string;
      ack({ act: 'start', instanceId: id });
      const deadline = Date.now() + 20_000;
      const ackTask = await openTaskOf(head, id, 'ack', 'unclaimed', deadline);
      if (!ackTask) continue;
      const path4 = i % 4;
      if (path4 === 0) {
        const w = await witness.call('POST', `/api/tasks/${ackTask.id}/withdraw`, { reason: '误报' });
        if (w.status === 200) ack({ act: 'withdraw', instanceId: id, taskId: ackTask.id });
        continue;
      }
      const c = await head.call('POST', `/api/tasks/${ackTask.id}/claim`);
      if (c.status === 200) ack({ act: 'claim', instanceId: id, taskId: ackTask.id });
      else if (!c.retried) continue;
      if (path4 === 1) {
        const u = await witness.call('POST', `/api/tasks/${ackTask.id}/urge`, { note: '请尽快' });
        if (u.status === 200) ack({ act: 'urge', instanceId: id, taskId: ackTask.id });
      }
      if (path4 === 2) {
        const a = await head.call('POST', `/api/tasks/${ackTask.id}/add-signer`, { userId: 'proc1', comment: '请会签' });
        if (a.status === 200) ack({ act: 'add-signer', instanceId: id, taskId: ackTask.id });
        const signTask = await (async () => {
          for (let k = 0; k < 60 && !stopping; k++) {
            const r = await signer.call('GET', '/api/tasks?view=mine&pageSize=100');
            const t = r.body?.items?.find((x: Body) => x.parentTaskId === ackTask.id && x.status === 'open');
            if (t) return t;
            await new Promise((res) => setTimeout(res, 150));
          }
          return null;
        })();
        if (signTask) {
          const sgn = await signer.call('POST', `/api/tasks/${signTask.id}/complete`, { variables: { opinion: '同意', agree: true } });
          if (sgn.status === 200) ack({ act: 'sign', instanceId: id, taskId: signTask.id });
        }
      }
      const done = await head.call('POST', `/api/tasks/${ackTask.id}/complete`, { variables: {} });
      if (done.status === 200) ack({ act: 'complete', instanceId: id, taskId: ackTask.id });
    }
  };

  // the killer: ten SIGKILLs at random moments, a restart after each
  const killer = async () => {
    for (let k = 0; k < KILLS; k++) {
      await new Promise((r) => setTimeout(r, 800 + random() * 2200));
      await server.kill('SIGKILL');
      const t0 = Date.now();
      await server.start();
      if (process.env.CRASH_DEBUG) process.stderr.write(`kill ${k + 1}: restarted in ${Date.now() - t0} ms, ${acked.length} acts acknowledged\n`);
    }
    stopping = true;
  };
  await Promise.all([killer(), ...Array.from({ length: CLIENTS }, (_, i) => client(i).then(() => debug(`client ${i} done`)))]);
  debug('clients done');

  // a last clean restart, and time for what recovery carries through
  const t0 = Date.now();
  await server.kill('SIGTERM');
  debug(`stopped in ${Date.now() - t0} ms`);
  await server.start();
  debug('restarted; verifying');
  const db: Connection = await mongoose.createConnection(uri).asPromise();
  try {
    const admin = new Client(server, 'admin');
    await new Promise((r) => setTimeout(r, 1500));
    const audit = db.collection('audit_events');
    const has = async (action: string, q: Record<string, string>) => !!(await audit.findOne({ action, ...q }));
    const rows = new Map<Act, { acked: number; found: number; missing: string[] }>();
    for (const a of acked) {
      const row = rows.get(a.act) ?? { acked: 0, found: 0, missing: [] };
      rows.set(a.act, row);
      row.acked++;
      let ok = false;
      if (a.act === 'start')
        ok =
          (await admin.call('GET', `/api/process-instances/${a.instanceId}`)).status === 200 && (await has('instance.started', { instanceId: a.instanceId }));
      if (a.act === 'withdraw')
        ok =
          (await admin.call('GET', `/api/process-instances/${a.instanceId}`)).body?.instance?.state === 'withdrawn' &&
          (await has('instance.withdrawn', { taskId: a.taskId! }));
      if (a.act === 'claim') ok = await has('task.claimed', { taskId: a.taskId! });
      if (a.act === 'urge')
        ok = (await has('task.urged', { taskId: a.taskId! })) && !!(await db.collection('notifications').findOne({ kind: 'task.urged', taskId: a.taskId! }));
      if (a.act === 'add-signer') ok = await has('task.signer-added', { taskId: a.taskId! });
      if (a.act === 'sign') ok = await has('task.signed', { taskId: a.taskId! });
      if (a.act === 'complete')
        ok = (await has('task.completed', { taskId: a.taskId! })) && (await admin.call('GET', `/api/tasks/${a.taskId}`)).body?.task?.status === 'completed';
      if (ok) row.found++;
      else row.missing.push(a.taskId ?? a.instanceId);
    }
    // every instance the engine runs or ran has its record
    const meta = new Set(
      (
        await db
          .collection('process_instances')
          .find({}, { projection: { _id: 1 } })
          .toArray()
      ).map((d) => String(d._id)),
    );
    const engineKeys = [
      ...(await db
        .collection('engine_runtime')
        .find({ processId: 'anomaly-escalation' }, { projection: { _id: 1 } })
        .toArray()),
      ...(await db
        .collection('engine_history')
        .find({ processId: 'anomaly-escalation' }, { projection: { _id: 1 } })
        .toArray()),
    ].map((d) => String(d._id));
    const orphans = engineKeys.filter((k) => !meta.has(k));
    // no step waits for a signature nobody can give
    const blocked: string[] = [];
    for (const a of acked.filter((x) => x.act === 'add-signer')) {
      const t = (await admin.call('GET', `/api/tasks/${a.taskId}`)).body?.task;
      if (t?.status !== 'open') continue;
      for (const s of t.pendingSigners ?? []) {
        const signer = new Client(server, s);
        const mine = (await signer.call('GET', '/api/tasks?view=mine&pageSize=100')).body?.items ?? [];
        if (!mine.some((x: Body) => x.parentTaskId === a.taskId && x.status === 'open')) blocked.push(a.taskId!);
      }
    }
    const verify = (await admin.call('GET', '/api/audit/verify')).body;

    const table = [...rows].map(
      ([act, r]) => `  ${act.padEnd(11)} ${String(r.acked).padStart(5)} ${String(r.found).padStart(6)} ${String(r.acked - r.found).padStart(8)}`,
    );
    process.stdout.write(
      `\nCrash test (seed ${SEED}): ${KILLS} SIGKILLs, ${CLIENTS} clients\n  act         acked  found  missing\n${table.join('\n')}\n` +
        `  instances without their record: ${orphans.length}; steps blocked on a signer: ${blocked.length}; audit chain: ${verify.ok ? 'ok' : verify.reason} (${verify.count} events)\n`,
    );
    expect(acked.filter((a) => a.act === 'start').length).toBeGreaterThan(10);
    for (const [act, r] of rows) expect({ act, missing: r.missing }).toEqual({ act, missing: [] });
    expect(orphans).toEqual([]);
    expect(blocked).toEqual([]);
    expect(verify.ok).toBe(true);
  } finally {
    await server.kill('SIGTERM');
    await db.dropDatabase().catch(() => undefined);
    await db.close();
  }
}, 400_000);
