/**
 * Snapshots of the live inbox (open tasks, and who takes part in running instances): gzip'd
 * JSON in chunks of up to 8 MiB (`<snapshot>:<n>` in `inbox_snapshots`), and a head document
 * naming the complete snapshot to load and the log epoch to replay from. Built a few thousand
 * tasks at a time with turns of the event loop in between, so that a snapshot does not hold up
 * requests; each task is written as it is at that moment, and replay (which skips versions a task
 * already has) makes the whole consistent.
 */
import { randomUUID } from 'node:crypto';
import { createGzip, gunzipSync } from 'node:zlib';
import { mongo, type Connection } from 'mongoose';
import type { TaskDoc } from '../task.model';
import type { InstancePeople } from '../history/task-history';

const CHUNK_BYTES = 8 * 1024 * 1024;
const TASKS_PER_TURN = 2000;

export interface LiveInstance extends InstancePeople {
  /** The instance has ended; it goes to history when its last task closes. */
  ending: boolean;
}

export interface SnapshotContent {
  tasks: TaskDoc[];
  instances: Array<[string, LiveInstance]>;
  /** Sizes of the history views' lists. */
  lists?: Array<[string, number]>;
}

interface Head {
  _id: 'head';
  snapshotId: string;
  chunks: number;
  replayFrom: number;
  tasks: number;
  at: Date;
}

export class Snapshots {
  constructor(private readonly db: Connection) {}

  private get collection() {
    return this.db.collection('inbox_snapshots');
  }

  async head(): Promise<Head | null> {
    return (await this.collection.findOne({ _id: 'head' } as never)) as unknown as Head | null;
  }

  /** Write a snapshot; the head names it only once all of it is stored. */
  async write(
    content: () => Iterable<TaskDoc>,
    instances: Array<[string, LiveInstance]>,
    lists: Array<[string, number]>,
    replayFrom: number,
  ): Promise<{ tasks: number; bytes: number }> {
    // Streamed through gzip a few thousand tasks at a time: no step holds the event loop for long.
    const zip = createGzip({ level: 1 });
    const out: Buffer[] = [];
    zip.on('data', (c: Buffer) => out.push(c));
    const done = new Promise<void>((resolve, reject) => {
      zip.on('end', resolve);
      zip.on('error', reject);
    });
    let batch: string[] = ['{"tasks":['];
    let n = 0;
    const flush = async () => {
      if (!zip.write(batch.join(''))) await new Promise((r) => zip.once('drain', r));
      batch = [];
      await new Promise((r) => setImmediate(r));
    };
    for (const t of content()) {
      const { variables: _v, ...rest } = t;
      batch.push(`${n ? ',' : ''}${JSON.stringify(rest)}`);
      if (++n % TASKS_PER_TURN === 0) await flush();
    }
    batch.push(`],"instances":${JSON.stringify(instances)},"lists":${JSON.stringify(lists)}}`);
    await flush();
    zip.end();
    await done;
    const gz = Buffer.concat(out);
    const snapshotId = randomUUID();
    const chunks = Math.max(1, Math.ceil(gz.length / CHUNK_BYTES));
    for (let i = 0; i < chunks; i++) {
      await this.collection.insertOne({ _id: `${snapshotId}:${i}`, data: new mongo.Binary(gz.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES)) } as never);
    }
    const before = await this.head();
    const head: Head = { _id: 'head', snapshotId, chunks, replayFrom, tasks: n, at: new Date() };
    await this.collection.replaceOne({ _id: 'head' } as never, head as never, { upsert: true });
    if (before) for (let i = 0; i < before.chunks; i++) await this.collection.deleteOne({ _id: `${before.snapshotId}:${i}` } as never);
    return { tasks: n, bytes: gz.length };
  }

  async read(head: Head): Promise<SnapshotContent> {
    const bufs: Buffer[] = [];
    for (let i = 0; i < head.chunks; i++) {
      const d = (await this.collection.findOne({ _id: `${head.snapshotId}:${i}` } as never)) as unknown as { data: mongo.Binary } | null;
      if (!d) throw new Error(`inbox snapshot ${head.snapshotId} is missing chunk ${i}`);
      bufs.push(Buffer.from(d.data.buffer));
    }
    // Read at start, before anything else is served: done in one go.
    const json = gunzipSync(bufs.length === 1 ? bufs[0]! : Buffer.concat(bufs)).toString('utf8');
    return JSON.parse(json) as SnapshotContent;
  }
}
