/**
 * An admin's redrawn diagram and edited form survive restarts: at start a file in `processes/` is
 * deployed (or a form file loaded) only when the file itself changed since it was last deployed
 * from there. The admin's version stays the latest until an admin or a changed file replaces it,
 * and the admin sees which versions came from files and which from admins.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { PROCESSES_DIR, startServer, type Body, type TestServer, requestArchive } from './harness';

let s: TestServer | undefined;
const dir = mkdtempSync(path.join(os.tmpdir(), 'ggzy-processes-'));
afterAll(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Version {
  processId: string;
  version: number;
  key: string;
  origin?: { source: string; by?: string; byName?: string; file?: string };
}

const versionsOf = async (server: TestServer, processId: string): Promise<Version[]> =>
  ((await (await server.login('admin')).get('/api/process-definitions')).body.versions as Version[])
    .filter((v) => v.processId === processId)
    .sort((a, b) => b.version - a.version);

const restart = async (db: Connection): Promise<TestServer> => {
  await s!.halt();
  s = await startServer('admin-versions', { processesDir: dir }, db);
  return s;
};

test('an admin version stays the latest across restarts; a changed file still becomes a new version', async () => {
  cpSync(PROCESSES_DIR, dir, { recursive: true });
  s = await startServer('admin-versions', { processesDir: dir });
  const db = s.db;
  const [fromFile] = await versionsOf(s, 'archive-lending');
  expect(fromFile).toMatchObject({ version: 1, origin: { source: 'file', file: 'archive-lending.bpmn' } });

  // the admin redraws the diagram (the director approves) and edits a form's label
  const admin = await s.login('admin');
  const xml = readFileSync(path.join(dir, 'archive-lending.bpmn'), 'utf8').replace('candidateGroups="=approverGroup"', 'candidateGroups="leader.principal"');
  expect((await admin.post('/api/process-definitions', { name: 'archive-lending.bpmn', xml })).status).toBe(201);
  const form = (await admin.get('/api/forms/archive-check')).body.form as Body;
  const edited = { ...form, components: [{ type: 'text', text: '管理员补充的说明' }, ...(form.components as unknown[])] };
  const saved = await admin.put('/api/forms/archive-check', edited);
  expect(saved.status).toBe(200);
  expect(saved.body.changed).toBe(true);
  const formVersion = saved.body.version as number;

  // after a restart both are still the latest, and the admin sees who made which version
  await restart(db);
  let versions = await versionsOf(s!, 'archive-lending');
  expect(versions.map((v) => v.version)).toEqual([2, 1]);
  expect(versions[0]!.origin).toEqual({ source: 'admin', by: 'admin', byName: expect.any(String) });
  expect(versions[1]!.origin).toMatchObject({ source: 'file', file: 'archive-lending.bpmn' });
  const started = await requestArchive(await s!.login('external1'), {
    archiveId: 'DA-XXCG-2025-012',
    requesterUnit: '州财政局',
    officerName: '吴监管',
    purpose: '核查',
    requestedDays: 3,
  });
  expect(started.status).toBe(201);
  expect(started.body.version).toBe(2);
  const servedForm = (await (await s!.login('admin')).get('/api/forms/archive-check')).body;
  expect(servedForm.version).toBe(formVersion);
  expect(servedForm.form.components[0]).toEqual({ type: 'text', text: '管理员补充的说明' });
  const forms = (await (await s!.login('admin')).get('/api/forms')).body.items as Array<{ id: string; updatedBy: string }>;
  expect(forms.find((f) => f.id === 'archive-check')?.updatedBy).toBe('admin');

  // a second restart changes nothing either
  await restart(db);
  expect((await versionsOf(s!, 'archive-lending')).map((v) => v.version)).toEqual([2, 1]);

  // a changed file still becomes a new version (and a changed form file a new form version)
  writeFileSync(
    path.join(dir, 'archive-lending.bpmn'),
    readFileSync(path.join(dir, 'archive-lending.bpmn'), 'utf8').replace('name="交易档案借阅（网上调阅）"', 'name="交易档案借阅（文件修订）"'),
  );
  const formFile = path.join(dir, 'forms/archive-check.form');
  const fileForm = JSON.parse(readFileSync(formFile, 'utf8')) as Body;
  writeFileSync(
    formFile,
    JSON.stringify({ ...fileForm, components: [{ type: 'text', text: '文件修订的说明' }, ...(fileForm.components as unknown[])] }, null, 2),
  );
  await restart(db);
  versions = await versionsOf(s!, 'archive-lending');
  expect(versions.map((v) => v.version)).toEqual([3, 2, 1]);
  expect(versions[0]!.origin).toMatchObject({ source: 'file', file: 'archive-lending.bpmn' });
  const fromChangedFile = (await (await s!.login('admin')).get('/api/forms/archive-check')).body;
  expect(fromChangedFile.version).toBe(formVersion + 1);
  expect(fromChangedFile.form.components[0]).toEqual({ type: 'text', text: '文件修订的说明' });
}, 120_000);
