/**
 * Who holds something shared in the database (an instance's lease, the memory inbox, a replica's
 * events): `<host>:<pid>:<random>`, so that a holder on this machine whose process is gone (killed)
 * can be told apart from one that is only slow.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

export function processOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** A holder on this machine whose process has ended (another machine's, or a live one, is not). */
export function ownerGoneHere(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== hostname() || Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'EPERM';
  }
}
