/**
 * The flows changed to follow the regulation (issue: 要情专报 issued by the office, the pause lifted in
 * a step of its own…): a report begun on the diagram as it was finishes on it, while a report begun
 * after the upgrade takes the new one. The diagram as it was is kept in test/fixtures.
 */
import { copyFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROCESSES_DIR, claimAndComplete, eventually, instanceState, startServer, taskAt, type TestServer } from './harness';

let s: TestServer | undefined;
const dir = mkdtempSync(path.join(os.tmpdir(), 'ggzy-upgrade-'));
afterAll(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

const report = (title: string) => ({
  processId: 'anomaly-escalation',
  variables: { projectId: 'XXGC-2026-001', category: 'trade', assignedBy: 'none', title, description: '说明', pauseNow: false },
});

test('a report begun on the old diagram finishes on it; one begun after the upgrade takes the new steps', async () => {
  // the center runs the diagram as it was
  cpSync(PROCESSES_DIR, dir, { recursive: true });
  copyFileSync(path.resolve(__dirname, '../fixtures/anomaly-escalation-2026-11.bpmn'), path.join(dir, 'anomaly-escalation.bpmn'));
  s = await startServer('flow-upgrade', { processesDir: dir });
  const db = s.db;
  const witness = await s.login('witness1');
  const old = await witness.post('/api/process-instances', report('升级前的报告'));
  expect(old.body.version).toBe(1);
  const head = await s.login('eng_head');
  await claimAndComplete(head, (await taskAt(head, old.body.id, 'ack')).id, {});
  // it waits at verification (no job in flight: a job a stopped process held waits out its timeout)
  await taskAt(await s.login('sup1'), old.body.id, 'verify');

  // the upgrade: the changed file is deployed at the next start
  await s.halt();
  copyFileSync(path.join(PROCESSES_DIR, 'anomaly-escalation.bpmn'), path.join(dir, 'anomaly-escalation.bpmn'));
  s = await startServer('flow-upgrade', { processesDir: dir }, db);
  const w2 = await s.login('witness1');
  const fresh = await w2.post('/api/process-instances', report('升级后的报告'));
  expect(fresh.body.version).toBe(2);

  const sup = await s.login('sup1');
  const officeHead = await s.login('office_head');
  const director = await s.login('director');
  const office = await s.login('office1');
  const h2 = await s.login('eng_head');
  await claimAndComplete(h2, (await taskAt(h2, fresh.body.id, 'ack')).id, {});
  for (const id of [old.body.id, fresh.body.id]) {
    await claimAndComplete(sup, (await taskAt(sup, id, 'verify')).id, { verifyResult: 'substantiated', verifyFindings: '属实' });
    await claimAndComplete(sup, (await taskAt(sup, id, 'draft_sup')).id, { reportBackground: 'a', reportDevelopment: 'b', reportHandling: 'c' });
    await claimAndComplete(officeHead, (await taskAt(officeHead, id, 'review')).id, { reviewDecision: 'approve' });
    await claimAndComplete(director, (await taskAt(director, id, 'sign')).id, { signDecision: 'sign' });
  }
  // only the new one has the office's issuing step
  await claimAndComplete(office, (await taskAt(office, fresh.body.id, 'issue')).id, { issueCopies: 4 });
  for (const id of [old.body.id, fresh.body.id]) {
    await claimAndComplete(sup, (await taskAt(sup, id, 'classify')).id, { classification: 'secret' });
    await eventually(async () => (await instanceState(sup, id)).instance.state === 'completed', 10_000, `${id} finished`);
  }
  const oldDone = await instanceState(sup, old.body.id);
  const newDone = await instanceState(sup, fresh.body.id);
  expect(oldDone.diagram.version).toBe(1);
  expect(oldDone.completedElements).not.toContain('issue');
  expect(newDone.diagram.version).toBe(2);
  expect(newDone.completedElements).toEqual(expect.arrayContaining(['issue', 'classify']));
  expect(newDone.variables.dispatchNo).toMatch(/〕\d+号$/);
});
