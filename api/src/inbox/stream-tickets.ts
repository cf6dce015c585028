/**
 * One-time tickets for the live-update stream. A browser's EventSource cannot send the
 * `Authorization` header, and a long-lived token in a URL ends up in proxy and browser logs; so the
 * web app asks for a ticket (with its header) and opens the stream with it: good once, for 30
 * seconds, for that session only. Kept in the database (by the hash of the ticket, like sessions),
 * so that any replica can take the stream; a use deletes it, and expired ones are swept.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';

const TTL_MS = 30_000;

interface TicketDoc {
  _id: string;
  sessionId: string;
  userId: string;
  expiresAt: Date;
}

const idOf = (ticket: string) => createHash('sha256').update(ticket).digest('hex');

export class StreamTickets {
  private readonly tickets;
  private sweeper?: NodeJS.Timeout;

  constructor(db: Connection) {
    this.tickets = db.collection<TicketDoc>('stream_tickets');
  }

  async issue(sessionId: string, userId: string): Promise<{ ticket: string; expiresAt: string }> {
    const ticket = randomBytes(24).toString('base64url');
    const expiresAt = new Date(Date.now() + TTL_MS);
    await this.tickets.insertOne({ _id: idOf(ticket), sessionId, userId, expiresAt });
    return { ticket, expiresAt: expiresAt.toISOString() };
  }

  /** The session a ticket was issued to; null when unknown, used or expired. */
  async redeem(ticket: string): Promise<{ sessionId: string; userId: string } | null> {
    const doc = await this.tickets.findOneAndDelete({ _id: idOf(ticket) });
    if (!doc || doc.expiresAt.getTime() <= Date.now()) return null;
    return { sessionId: doc.sessionId, userId: doc.userId };
  }

  /** Sweep expired tickets now and then (the collection holds only the last half-minute's). */
  startSweeping(everyMs = 60_000): void {
    this.sweeper = setInterval(() => void this.tickets.deleteMany({ expiresAt: { $lt: new Date() } }).catch(() => undefined), everyMs);
    this.sweeper.unref();
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }
}
