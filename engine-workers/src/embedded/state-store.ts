/**
 * Engine state and variables, by instance key, spread over several collections. FerretDB 1.x on
 * SQLite finds a document by `_id` through an index, but its UPDATE and DELETE read the whole
 * table (measured: 3.5 ms at 300 documents, 27 ms at 3,000). Hashing the keys over partitions keeps
 * every table small, so writing state stays cheap as instances accumulate. On MongoDB the
 * partitions cost nothing.
 */
import type { Collection, Connection } from 'mongoose';

export interface StoredState {
  _id: string;
  state: string | null;
  variables: string;
  /** Set with the final state, so an end whose instance row was never written is still known. */
  ended?: 'completed' | 'canceled' | 'failed' | null;
  /** What the instance row holds, so the row can be written (inserted) when the instance is let go. */
  meta?: InstanceMeta;
}

export interface InstanceMeta {
  processId: string;
  version: number;
  definitionKey: string;
  parentKey?: string;
  parentExecutionId?: string;
  startElementId?: string;
  startedAt: Date;
}

export class StateStore {
  private readonly collections: Collection[];

  constructor(conn: Connection, partitions = 64) {
    const n = Math.max(1, Math.floor(partitions));
    this.collections = Array.from({ length: n }, (_, i) => conn.collection(n === 1 ? 'engine_states' : `engine_states_${i.toString(36)}`));
  }

  private of(key: string): Collection {
    let h = 2166136261;
    for (let i = 0; i < key.length; i++) {
      h ^= key.charCodeAt(i);
      h = Math.imul(h, 16777619);
    }
    return this.collections[(h >>> 0) % this.collections.length];
  }

  async get(key: string): Promise<StoredState | null> {
    return (await this.of(key).findOne({ _id: key } as never)) as StoredState | null;
  }

  async insert(doc: StoredState): Promise<void> {
    await this.of(doc._id).insertOne(doc as never);
  }

  async update(key: string, set: Omit<StoredState, '_id'>): Promise<void> {
    await this.of(key).updateOne({ _id: key } as never, { $set: set });
  }

  /** Nothing to prepare: `_id` is indexed by every server. */
  async init(): Promise<void> {}
}
