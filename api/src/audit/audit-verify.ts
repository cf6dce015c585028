/**
 * The audit trail's check: walk the whole chain in order; report the first event whose link or
 * hash does not hold, then hold it to the signed checkpoints (the file's and the database's): an
 * event missing after one, or one whose hash is not the one signed, breaks it even if every hash
 * after it was recomputed.
 */
import type { Model } from 'mongoose';
import type { AuditAnchor, AuditHash, Checkpoint } from './audit-anchor';
import { GENESIS, hashOf, seqId, type AuditDoc } from './audit-doc';

export interface CheckpointDoc {
  _id: number;
  hash: string;
  at: string;
  alg?: 'sm3';
  sig: string;
}

export interface VerifyResult {
  ok: boolean;
  count: number;
  headHash: string;
  brokenAt?: number;
  reason?: string;
  algorithm: AuditHash;
  /** Whether the chain is held to signed checkpoints; the last one it matched. */
  anchored: boolean;
  checkpoints: number;
  lastCheckpoint?: { seq: number; hash: string; at: string };
}

export async function verifyChain(
  events: Model<AuditDoc>,
  checkpoints: Model<CheckpointDoc>,
  anchor: AuditAnchor | null,
  algorithm: AuditHash,
): Promise<VerifyResult> {
  const anchors = await loadCheckpoints(checkpoints, anchor);
  const base = { algorithm, anchored: !!anchor, checkpoints: anchors.list.length };
  if (anchors.forged) return { ...base, ok: false, count: 0, headHash: GENESIS, reason: `${anchors.forged} checkpoint(s) whose signature does not hold` };
  const at = new Map<number, Checkpoint[]>();
  for (const c of anchors.list) at.set(c.seq, [...(at.get(c.seq) ?? []), c]);
  let prev = GENESIS;
  let expected = 1;
  let count = 0;
  let matched: Checkpoint | undefined;
  for await (const d of events.find({}).sort({ _id: 1 }).lean().cursor()) {
    const doc = d as AuditDoc;
    const broken = (brokenAt: number, reason: string): VerifyResult => ({ ...base, ok: false, count, headHash: prev, brokenAt, reason, ...last(matched) });
    if (doc._id !== seqId(expected)) return broken(expected, `event ${expected} is missing`);
    if (doc.prevHash !== prev) return broken(expected, 'link to the previous event does not match');
    const { hash, ...rest } = doc;
    if (hashOf(rest) !== hash) return broken(expected, 'content does not match its hash');
    for (const c of at.get(expected) ?? []) {
      if (c.hash !== hash) return broken(expected, `event ${expected} is not the one signed at ${c.at} (checkpoint in the ${c.source})`);
      if (!matched || c.seq >= matched.seq) matched = c;
    }
    prev = hash;
    expected++;
    count++;
  }
  const beyond = anchors.list.filter((c) => c.seq > count).sort((a, b) => b.seq - a.seq)[0];
  if (beyond)
    return {
      ...base,
      ok: false,
      count,
      headHash: prev,
      brokenAt: count + 1,
      reason: `the trail ends at event ${count}, but event ${beyond.seq} was signed at ${beyond.at} (checkpoint in the ${beyond.source})`,
      ...last(matched),
    };
  return { ...base, ok: true, count, headHash: prev, ...last(matched) };
}

async function loadCheckpoints(model: Model<CheckpointDoc>, anchor: AuditAnchor | null): Promise<{ list: Checkpoint[]; forged: number }> {
  if (!anchor) return { list: [], forged: 0 };
  const { checkpoints, forged } = await anchor.fromFile();
  let bad = forged;
  for (const d of await model.find({}).lean()) {
    if (anchor.holds({ seq: d._id, hash: d.hash, at: d.at, ...(d.alg && { alg: d.alg }), sig: d.sig }))
      checkpoints.push({ seq: d._id, hash: d.hash, at: d.at, source: 'database' });
    else bad++;
  }
  return { list: checkpoints, forged: bad };
}

function last(c: Checkpoint | undefined): Pick<VerifyResult, 'lastCheckpoint'> {
  return c ? { lastCheckpoint: { seq: c.seq, hash: c.hash, at: c.at } } : {};
}
