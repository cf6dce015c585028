/**
 * Test helpers: every test file gets its own database on the real server that `npm test`
 * started (MONGODB_URI), and an engine on it with short poll intervals.
 */
import mongoose, { type Connection } from 'mongoose';
import pino from 'pino';
import { EmbeddedEngine, type EmbeddedEngineOptions } from '../embedded/embedded-engine';

export function testDbUri(name: string): string {
  const base = process.env.MONGODB_URI;
  if (!base) throw new Error('MONGODB_URI is not set: run the tests with `npm test`, which starts the database');
  const u = new URL(base);
  const db = `t_${name.replace(/[^a-zA-Z0-9]/g, '_')}_${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`.slice(0, 60);
  u.pathname = `/${db}`;
  return u.toString();
}

export async function connectTestDb(name: string): Promise<Connection> {
  const conn = mongoose.createConnection(testDbUri(name));
  await conn.asPromise();
  return conn;
}

/**
 * A database of its own for each test of the file: made before the test, dropped after it.
 * `const t = freshDbEach('name')`, then `t.db` inside the tests.
 */
export function freshDbEach(name: string): { readonly db: Connection } {
  let n = 0;
  const current = { db: undefined as unknown as Connection };
  beforeEach(async () => {
    current.db = await connectTestDb(`${name}_${n++}`);
  });
  afterEach(async () => {
    await current.db.dropDatabase();
    await current.db.close();
  });
  return current;
}

export const quietLogger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

export function testEngine(conn: Connection, opts: Partial<EmbeddedEngineOptions> = {}): EmbeddedEngine {
  return new EmbeddedEngine({ connection: conn, logger: quietLogger, pollMs: 50, leaseMs: 3000, ...opts });
}

/**
 * How much longer than alone a wait may take: `npm test` runs two suites at a time on two cores,
 * and one beside a busy other (the crash test) waits on a shared database (TEST_WAIT_SCALE).
 */
const WAIT_SCALE = Math.max(1, Number(process.env.TEST_WAIT_SCALE) || 1);

/** Poll `fn` until it returns a truthy value or `timeoutMs` (times TEST_WAIT_SCALE) passes. */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs * WAIT_SCALE;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
