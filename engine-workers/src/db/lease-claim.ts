/**
 * Taking a lease document that several processes may want (a write lock, the memory inbox): an
 * insert by its unique `_id`, the one compare-and-set every MongoDB-compatible server answers by
 * index. A lease whose holder is gone — run out, or a process on this machine that has ended — is
 * removed exactly as read (another taker may race us) and taken.
 */
import type { mongo } from 'mongoose';
import { ownerGoneHere } from './process-owner';

export interface LeaseDoc {
  _id: string;
  owner: string;
  until: Date;
}

/** Taken, or the live holder found in the way. */
export type LeaseClaim = { taken: true } | { taken: false; holder: LeaseDoc };

export async function claimLease(leases: mongo.Collection<LeaseDoc>, key: string, owner: string, leaseMs: number): Promise<LeaseClaim> {
  for (;;) {
    try {
      await leases.insertOne({ _id: key, owner, until: new Date(Date.now() + leaseMs) });
      return { taken: true };
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
    }
    const holder = await leases.findOne({ _id: key });
    if (!holder) continue; // let go meanwhile
    if (holder.until.getTime() > Date.now() && !ownerGoneHere(holder.owner)) return { taken: false, holder };
    await leases.deleteOne({ _id: key, owner: holder.owner, until: holder.until });
  }
}
