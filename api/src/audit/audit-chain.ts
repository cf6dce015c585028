/** The chain's links: each event's hash, and the walk that checks them all (AuditService.verify). */
import { createHash } from 'node:crypto';
import type { Model } from 'mongoose';
import type { Checkpoint } from './audit-anchor';
import type { AuditDoc, VerifyResult } from './audit.service';

export const GENESIS = '0'.repeat(64);

/** An event's hash over its content and the previous event's hash (exported for the tamper tests). */
export function hashOf(d: Omit<AuditDoc, 'hash'>): string {
  const canonical = JSON.stringify([
    d._id,
    d.at.toISOString(),
    d.actor,
    d.action,
    d.instanceId ?? null,
    d.taskId ?? null,
    d.data,
    d.prevHash,
    ...(d.ref ? [d.ref] : []),
  ]);
  return createHash(d.alg ?? 'sha256')
    .update(canonical)
    .digest('hex');
}

type Base = Pick<VerifyResult, 'algorithm' | 'anchored' | 'checkpoints'>;

export async function walkChain(events: Model<AuditDoc>, checkpoints: Checkpoint[], base: Base): Promise<VerifyResult> {
  const at = new Map<number, Checkpoint[]>();
  for (const c of checkpoints) at.set(c.seq, [...(at.get(c.seq) ?? []), c]);
  let prev = GENESIS;
  let expected = 1;
  let count = 0;
  let matched: Checkpoint | undefined;
  for await (const d of events.find({}).sort({ _id: 1 }).lean().cursor()) {
    const doc = d as AuditDoc;
    const broken = (brokenAt: number, reason: string): VerifyResult => ({ ...base, ok: false, count, headHash: prev, brokenAt, reason, ...last(matched) });
    if (doc._id !== expected) return broken(expected, `event ${expected} is missing`);
    if (doc.prevHash !== prev) return broken(doc._id, 'link to the previous event does not match');
    const { hash, ...rest } = doc;
    if (hashOf(rest) !== hash) return broken(doc._id, 'content does not match its hash');
    for (const c of at.get(doc._id) ?? []) {
      if (c.hash !== hash) return broken(doc._id, `event ${doc._id} is not the one signed at ${c.at} (checkpoint in the ${c.source})`);
      if (!matched || c.seq >= matched.seq) matched = c;
    }
    prev = hash;
    expected++;
    count++;
  }
  const beyond = checkpoints.filter((c) => c.seq > count).sort((a, b) => b.seq - a.seq)[0];
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

function last(c: Checkpoint | undefined): Pick<VerifyResult, 'lastCheckpoint'> {
  return c ? { lastCheckpoint: { seq: c.seq, hash: c.hash, at: c.at } } : {};
}
