/** The checkpoint file: a line a failed append left is written with the next one, in order. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditAnchor } from './audit-anchor';

test('checkpoint lines the disk refused are written with the next one, in order, and all verify', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'anchor-'));
  const file = path.join(dir, 'checkpoints.jsonl');
  const anchor = new AuditAnchor(Buffer.from('k'.repeat(32)), file, 'sha256');
  try {
    // given a checkpoint file the system cannot write (a folder stands in its place)
    mkdirSync(file);
    anchor.record(1, 'a'.repeat(64));
    await anchor.flushed();
    expect(anchor.unwritten).toBe(1);

    // when it can again
    rmSync(file, { recursive: true });
    anchor.record(2, 'b'.repeat(64));
    await anchor.flushed();

    // then both lines are there, in order, and hold
    expect(anchor.unwritten).toBe(0);
    expect(
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).seq),
    ).toEqual([1, 2]);
    expect(await anchor.fromFile()).toMatchObject({ forged: 0, checkpoints: [{ seq: 1 }, { seq: 2 }] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
