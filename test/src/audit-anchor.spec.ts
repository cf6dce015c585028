/**
 * The audit trail can be neither cut at its end nor rewritten whole: verify holds the chain to
 * checkpoints signed with a key the database does not hold (one per write in a file outside the
 * database, and periodic ones in the database). SM3 can be chosen as the chain's hash.
 */
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { Connection } from 'mongoose';
import { auditHashOf, auditSeqId, type AuditDoc } from '@ggzy/api';
import { auditCheckpointFile, reportAnomaly, startServer, type TestServer } from './harness';

let s: TestServer | undefined;
afterEach(async () => {
  if (s) rmSync(auditCheckpointFile(s.db), { force: true });
  await s?.close();
  s = undefined;
});

/** witness1 reports an anomaly: several audit events. */
const someActs = async (server: TestServer, title: string) => void (await reportAnomaly(await server.login('witness1'), title));

const verify = async (server: TestServer) => (await (await server.login('admin')).get('/api/audit/verify')).body;
const events = (db: Connection) => db.collection<AuditDoc>('audit_events');

test('an intact chain verifies against its checkpoints', async () => {
  s = await startServer('audit-anchor-ok');
  await someActs(s, '审计一');
  await someActs(s, '审计二');
  const v = await verify(s);
  expect(v).toMatchObject({ ok: true, algorithm: 'sha256', anchored: true });
  expect(v.count).toBeGreaterThan(2);
  expect(v.checkpoints).toBeGreaterThan(0);
  expect(v.lastCheckpoint).toMatchObject({ seq: v.count, hash: v.headHash });
});

test('deleting the newest event is found', async () => {
  s = await startServer('audit-anchor-cut');
  await someActs(s, '删尾');
  const before = await verify(s);
  expect(before.ok).toBe(true);
  await events(s.db).deleteOne({ _id: auditSeqId(before.count) });
  const after = await verify(s);
  expect(after.ok).toBe(false);
  expect(after.count).toBe(before.count - 1);
  expect(after.reason).toContain(`the trail ends at event ${before.count - 1}, but event ${before.count} was signed`);
});

test('rewriting an event and recomputing every later hash is found; the database checkpoints alone find it too', async () => {
  s = await startServer('audit-anchor-rewrite');
  await someActs(s, '改写');
  await s.system.audit.checkpoint(); // one signed checkpoint in the database as well
  expect(await s.db.collection('audit_checkpoints').countDocuments()).toBe(1);
  const before = await verify(s);
  expect(before.ok).toBe(true);

  // the attacker changes event 2 and rebuilds the chain after it with the published formula
  const docs = await events(s.db).find({}).sort({ _id: 1 }).toArray();
  let prev = docs[0]!.hash;
  for (const d of docs.slice(1)) {
    const { hash: _old, ...rest } = d;
    const changed = { ...rest, prevHash: prev, ...(d._id === auditSeqId(2) && { actor: 'someone-else' }) };
    prev = auditHashOf(changed);
    await events(s.db).replaceOne({ _id: d._id }, { ...changed, hash: prev });
  }
  const after = await verify(s);
  expect(after.ok).toBe(false);
  expect(after.brokenAt).toBe(2);
  expect(after.reason).toMatch(/event 2 is not the one signed at .* \(checkpoint in the file\)/);

  // without the file, the database's signed checkpoint still does not match the rewritten head
  rmSync(auditCheckpointFile(s.db));
  const dbOnly = await verify(s);
  expect(dbOnly.ok).toBe(false);
  expect(dbOnly.reason).toContain('checkpoint in the database');

  // and a checkpoint forged without the key is refused
  appendFileSync(auditCheckpointFile(s.db), `${JSON.stringify({ seq: 1, hash: docs[0]!.hash, at: new Date().toISOString(), sig: 'ab'.repeat(32) })}\n`);
  expect((await verify(s)).reason).toContain('signature does not hold');
});

test('SM3 (GB/T 32905) as the chain hash; events made before keep theirs and the chain still verifies', async () => {
  s = await startServer('audit-anchor-sm3');
  await someActs(s, '先用 SHA-256');
  const db = s.db;
  await s.halt();
  s = await startServer('audit-anchor-sm3', { AUDIT_HASH: 'sm3' }, db);
  await someActs(s, '再用 SM3');
  const docs = await events(db).find({}).sort({ _id: 1 }).toArray();
  const last = docs[docs.length - 1]!;
  expect(docs[0]!.alg).toBeUndefined();
  expect(last.alg).toBe('sm3');
  // the stored hash is SM3's over the event (SHA-256's over the same content differs)
  const { hash, ...rest } = last;
  expect(auditHashOf(rest)).toBe(hash);
  expect(auditHashOf({ ...rest, alg: undefined })).not.toBe(hash);
  expect(createHash('sm3').update('abc').digest('hex')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0'); // GB/T 32905 example
  const v = await verify(s);
  expect(v).toMatchObject({ ok: true, algorithm: 'sm3', anchored: true });
  expect(v.count).toBeGreaterThanOrEqual(docs.length);
  expect(readFileSync(auditCheckpointFile(db), 'utf8').trim().split('\n').length).toBeGreaterThan(1);
});
