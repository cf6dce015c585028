/** The frame of a benchmark that seeds its own data: a throw-away database, dropped after; exits 0, or 1 with the error. */
import mongoose, { type Connection } from 'mongoose';

export function onThrowawayDb(name: string, run: (db: Connection) => Promise<void>): void {
  const base = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/';
  const bench = async () => {
    const db = await mongoose.createConnection(`${base.replace(/\/[^/]*$/, '/')}bench_${name}_${Date.now().toString(36)}`).asPromise();
    try {
      await run(db);
    } finally {
      await db.dropDatabase().catch(() => undefined);
      await db.close();
    }
  };
  bench().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${String((err as Error).stack ?? err)}\n`);
      process.exit(1);
    },
  );
}
