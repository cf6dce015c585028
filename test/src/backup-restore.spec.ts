/**
 * Backup → restore into an empty data directory → the same users, instances, tasks and
 * attachments (SHA-256 equal), every collection document for document, and a verifying audit
 * chain; the restored system serves them. Both commands are run as an operator runs them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import { BACKUP_LEAVES_OUT, auditSeqId } from '@ggzy/api';
import { auditCheckpointFile, claimAndComplete, eventually, PDF, reportAnomaly, startServer, taskAt, type TestServer } from './harness';

const ROOT = path.resolve(__dirname, '../..');
const KEY = 'scenario-audit-key-0123456789';
let s: TestServer | undefined;
let restored: TestServer | undefined;
let work: string;
let database: { uri: string; stop(): void } | undefined;
afterAll(async () => {
  await restored?.halt();
  await restored?.db.close();
  database?.stop();
  await s?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

function run(args: string[], env: NodeJS.ProcessEnv): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'backup.mjs'), ...args], { cwd: ROOT, env, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** The embedded database binary `npm test` built, on a data directory of our own. */
async function serveDataDir(dataDir: string): Promise<{ uri: string; stop(): void }> {
  const binDir = path.join(ROOT, '.cache', 'bin');
  const bin = readdirSync(binDir).find((f) => f.startsWith('ferretdb-'));
  if (!bin) throw new Error('the embedded database binary is not built');
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(path.join(binDir, bin), [`-sqlite-url=file:${path.join(dataDir, 'ferretdb')}/`, `-listen-addr=127.0.0.1:${port}`, '-log-level=error'], {
    stdio: 'ignore',
  });
  const uri = `mongodb://127.0.0.1:${port}/ggzy`;
  await eventually(
    async () => {
      const c = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 300 });
      const up = await c.asPromise().then(
        () => true,
        () => false,
      );
      await c.close().catch(() => undefined);
      return up;
    },
    20_000,
    'the restored database to answer',
  );
  return { uri, stop: () => child.kill('SIGTERM') };
}

/** Every collection's documents (but who held leases), sorted, as canonical Extended JSON. */
async function contents(db: Connection): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const c of await db.db!.listCollections().toArray()) {
    if (BACKUP_LEAVES_OUT.includes(c.name)) continue;
    const docs = await db.db!.collection(c.name).find({}).toArray();
    out[c.name] = docs.map((d) => mongoose.mongo.BSON.EJSON.stringify(d, { relaxed: false })).sort();
  }
  return out;
}

test('a backup restored into an empty data directory is the same system, and its audit chain verifies', async () => {
  // given a system with users, instances at several steps, acts, an attachment and a form an admin edited
  s = await startServer('backup_src');
  const witness = await s.login('witness1');
  const head = await s.login('eng_head');
  const first = await reportAnomaly(witness, '备份测试一');
  const second = await reportAnomaly(witness, '备份测试二');
  await claimAndComplete(head, (await taskAt(head, first, 'ack')).id, { ackOpinion: '已确认' });
  const upload = await witness.upload('现场照片.pdf', PDF, { category: 'evidence', instanceId: second });
  expect(upload.status).toBe(201);
  const sha = createHash('sha256').update(PDF).digest('hex');
  await eventually(async () => (await (await s!.login('sup1')).get('/api/tasks?view=unclaimed')).body.items?.length > 0, 10_000, 'the verification task');
  await s.system.audit.checkpoint();
  const before = (await (await s.login('admin')).get('/api/audit/verify')).body;
  expect(before.ok).toBe(true);
  await s.halt();
  const source = await contents(s.db);
  expect(source['audit_events']!.length).toBeGreaterThan(5);
  expect(source['attachments.chunks']!.length).toBeGreaterThan(0);

  // when an operator backs it up
  work = mkdtempSync(path.join(os.tmpdir(), 'ggzy-backup-'));
  const backupDir = path.join(work, 'backup');
  const checkpointFile = auditCheckpointFile(s.db);
  const srcUri = Object.assign(new URL(process.env.MONGODB_URI!), { pathname: `/${s.db.name}` }).toString();
  const made = run(['backup', '--out', backupDir], { ...process.env, MONGODB_URI: srcUri, AUDIT_KEY: KEY, AUDIT_CHECKPOINT_FILE: checkpointFile });
  expect(made.out).toContain('[backup] audit_events:');
  expect(made.status).toBe(0);
  const manifest = JSON.parse(readFileSync(path.join(backupDir, 'manifest.json'), 'utf8'));
  expect(manifest.collections.audit_events).toBe(source['audit_events']!.length);
  expect(readFileSync(path.join(backupDir, 'database.archive.gz')).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));

  // then a restore without the key that signed the checkpoints is refused and writes nothing
  const dataDir = path.join(work, 'restored-data');
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, AUDIT_KEY: KEY };
  delete env.MONGODB_URI;
  const wrongKey = run(['restore', backupDir], { ...env, AUDIT_KEY: 'another-key-0123456789' });
  expect(wrongKey.status).toBe(1);
  expect(wrongKey.out).toContain('does not sign');
  expect(existsSync(path.join(dataDir, 'audit-checkpoints.jsonl'))).toBe(false);

  // and a damaged archive is refused before anything is written
  const damaged = path.join(work, 'damaged');
  spawnSync('cp', ['-r', backupDir, damaged]);
  const archive = readFileSync(path.join(damaged, 'database.archive.gz'));
  archive[archive.length - 20] ^= 0xff;
  writeFileSync(path.join(damaged, 'database.archive.gz'), archive);
  const refused = run(['restore', damaged], env);
  expect(refused.status).toBe(1);
  expect(refused.out).toContain('damaged');

  // when it is restored into an empty data directory
  const done = run(['restore', backupDir], env);
  expect(done.out).toContain('audit chain: verifies');
  expect(done.out).toMatch(/attachments: 1 checked, 0 whose SHA-256 differs/);
  expect(done.status).toBe(0);

  // then the restored database holds every document of every collection, as it was
  database = await serveDataDir(dataDir);
  const db = mongoose.createConnection(database.uri);
  await db.asPromise();
  expect(await contents(db)).toEqual(source);

  // and a restore into it again is refused (it is not empty)
  database.stop();
  await new Promise((r) => setTimeout(r, 500));
  const again = run(['restore', backupDir], env);
  expect(again.status).toBe(1);
  expect(again.out).toMatch(/already holds data|exists already/);
  database = await serveDataDir(dataDir);
  await db.close();
  const db2 = mongoose.createConnection(database.uri);
  await db2.asPromise();

  // and the system started on it serves the same people, instances, tasks and attachment, and verifies its trail
  restored = await startServer('backup_dst', { AUDIT_CHECKPOINT_FILE: path.join(dataDir, 'audit-checkpoints.jsonl') }, db2);
  const sup = await restored.login('sup1');
  const verify = await taskAt(sup, first, 'verify');
  expect(verify.name).toBe('监督科核实');
  expect((await (await restored.login('eng_head')).get(`/api/process-instances/${second}`)).status).toBe(200);
  const file = await fetch(`${restored.base}/api/attachments/${upload.body.id}`, {
    headers: { authorization: `Bearer ${(await restored.login('witness1')).token}` },
  });
  expect(file.status).toBe(200);
  expect(
    createHash('sha256')
      .update(Buffer.from(await file.arrayBuffer()))
      .digest('hex'),
  ).toBe(sha);
  const after = (await (await restored.login('admin')).get('/api/audit/verify')).body;
  // (the restored system's own logins since are chained after the restored head)
  expect(after.ok).toBe(true);
  expect(after.count).toBeGreaterThanOrEqual(before.count);
  expect((await db2.collection<{ _id: string; hash: string }>('audit_events').findOne({ _id: auditSeqId(before.count) }))?.hash).toBe(before.headHash);
  expect(after.lastCheckpoint?.seq).toBeGreaterThan(0);
});
