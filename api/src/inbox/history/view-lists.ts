/**
 * Each person's history views — 已办 (done), 我发起的 (started), 抄送我的 (cc) — as lists in the
 * database that only grow: chunks of up to 500 entries, one document each (`<view>:<user>:<n>`),
 * read and written by `_id` only, so a page costs the same however much history there is. An
 * entry is a task id, when it entered the list, and the process and project it belongs to (so a
 * filtered page can be read without fetching every task).
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../db/model-on';

export type HistoryView = 'done' | 'started' | 'cc';

export interface ViewEntry {
  id: string;
  /** Milliseconds; the list's order (oldest first in storage, newest first when read). */
  at: number;
  processId: string;
  projectId: string | null;
}

/** An entry as stored: `id␁at␁processId␁projectId` (FerretDB 1.x keeps no arrays in arrays). */
type Row = string;
const SEP = '\u0001';

interface ChunkDoc {
  _id: string;
  e: Row[];
}

function toRow(e: ViewEntry): Row {
  return [e.id, e.at, e.processId, e.projectId ?? ''].join(SEP);
}

function idOf(r: Row): string {
  return r.slice(0, r.indexOf(SEP));
}

function atOf(r: Row): number {
  const a = r.indexOf(SEP) + 1;
  return Number(r.slice(a, r.indexOf(SEP, a)));
}

export const CHUNK = 500;

function chunkModel(db: Connection): Model<ChunkDoc> {
  return modelOn<ChunkDoc>(
    db,
    'InboxViewChunk',
    new Schema<ChunkDoc>({ _id: String, e: Schema.Types.Mixed }, { versionKey: false, _id: false, collection: 'inbox_views' }),
  );
}

interface ListState {
  /** How many entries the list holds. */
  count: number;
  /** The last chunk's entries, to keep appends idempotent. */
  tail: ChunkDoc['e'];
  /** The newest time in the last chunk. */
  lastAt: number;
}

/** An entry written again may sit this far back in time (a replay, two acts in the same moment). */
const SLACK_MS = 60_000;

export class ViewLists {
  private readonly Chunk: Model<ChunkDoc>;
  private readonly lists = new Map<string, Promise<ListState>>();
  /** One write at a time per list, in the order asked. */
  private readonly writing = new Map<string, Promise<unknown>>();
  /** Sizes of lists as the last snapshot knew them (so a list is found with a read or two). */
  private readonly known = new Map<string, number>();

  constructor(db: Connection) {
    this.Chunk = chunkModel(db);
  }

  private key(view: HistoryView, user: string): string {
    return `${view}:${user}`;
  }

  private chunkId(key: string, n: number): string {
    return `${key}:${n}`;
  }

  private async chunk(key: string, n: number): Promise<ChunkDoc['e'] | null> {
    const d = await this.Chunk.collection.findOne({ _id: this.chunkId(key, n) } as never);
    return d ? ((d as unknown as ChunkDoc).e ?? []) : null;
  }

  /** The list's size and last chunk, found by probing chunks (a few lookups, once per list). */
  private state(key: string): Promise<ListState> {
    let s = this.lists.get(key);
    if (!s) {
      s = (async () => {
        // From a size known at the last snapshot: its last chunk, and any begun since (one or two reads).
        const known = this.known.get(key);
        if (known !== undefined) {
          let n = known > 0 ? Math.floor((known - 1) / CHUNK) : 0;
          let rows = (await this.chunk(key, n)) ?? [];
          for (let next = await this.chunk(key, n + 1); next; next = await this.chunk(key, n + 1)) {
            n++;
            rows = next;
          }
          return { count: n * CHUNK + rows.length, tail: rows, lastAt: Math.max(0, ...rows.map(atOf)) };
        }
        if (!(await this.chunk(key, 0))) return { count: 0, tail: [], lastAt: 0 };
        let lo = 0;
        let hi = 1;
        while (await this.chunk(key, hi)) {
          lo = hi;
          hi *= 2;
        }
        // The last chunk that exists is in [lo, hi).
        while (hi - lo > 1) {
          const mid = (lo + hi) >> 1;
          if (await this.chunk(key, mid)) lo = mid;
          else hi = mid;
        }
        const last = (await this.chunk(key, lo)) ?? [];
        return { count: lo * CHUNK + last.length, tail: last, lastAt: Math.max(0, ...last.map(atOf)) };
      })();
      this.lists.set(key, s);
      s.catch(() => this.lists.delete(key));
    }
    return s;
  }

  /** Add an entry at the end (again is nothing: an entry already in the last chunk is not repeated). */
  append(view: HistoryView, user: string, entry: ViewEntry): Promise<void> {
    const key = this.key(view, user);
    const prev = this.writing.get(key) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(() => this.write(key, entry));
    this.writing.set(key, next);
    void next.finally(() => {
      if (this.writing.get(key) === next) this.writing.delete(key);
    });
    return next;
  }

  /** Is the entry in the list already? Only entries near it in time are looked at. */
  private async holds(key: string, s: ListState, entry: ViewEntry): Promise<boolean> {
    if (s.tail.some((r) => idOf(r) === entry.id)) return true;
    if (entry.at > s.lastAt) return false;
    for (let n = Math.floor((s.count - 1) / CHUNK) - 1; n >= 0; n--) {
      const rows = (await this.chunk(key, n)) ?? [];
      if (rows.some((r) => idOf(r) === entry.id)) return true;
      if (!rows.length || atOf(rows[0]!) < entry.at - SLACK_MS) return false;
    }
    return false;
  }

  private async write(key: string, entry: ViewEntry): Promise<void> {
    const s = await this.state(key);
    if (await this.holds(key, s, entry)) return;
    const n = Math.floor(s.count / CHUNK);
    const row = toRow(entry);
    if (s.count % CHUNK === 0) {
      await this.Chunk.collection.insertOne({ _id: this.chunkId(key, n), e: [row] } as never).catch(async (err: { code?: number }) => {
        if (err.code !== 11000) throw err;
        await this.Chunk.collection.updateOne({ _id: this.chunkId(key, n) } as never, { $push: { e: row } } as never);
      });
      s.tail = [row];
    } else {
      await this.Chunk.collection.updateOne({ _id: this.chunkId(key, n) } as never, { $push: { e: row } } as never);
      s.tail.push(row);
    }
    s.lastAt = Math.max(s.lastAt, entry.at);
    s.count++;
  }

  /**
   * Write a list whole, from the first chunk (oldest entries first): for building the lists of a
   * system that had none. Written again, it is the same list; chunks beyond it are left as they are.
   */
  async rebuild(view: HistoryView, user: string, entries: ViewEntry[]): Promise<void> {
    const key = this.key(view, user);
    await this.settled();
    for (let n = 0; n * CHUNK < entries.length; n++) {
      const rows = entries.slice(n * CHUNK, (n + 1) * CHUNK).map(toRow);
      await this.Chunk.collection.replaceOne({ _id: this.chunkId(key, n) } as never, { e: rows } as never, { upsert: true });
    }
    this.lists.delete(key);
  }

  /** The size of every list known (for a snapshot): those read or written, and those known before. */
  async sizes(): Promise<Array<[string, number]>> {
    const out = new Map(this.known);
    for (const [key, s] of this.lists) {
      const st = await s.catch(() => null);
      if (st) out.set(key, st.count);
    }
    return [...out];
  }

  /** Sizes from a snapshot. */
  learn(sizes: Array<[string, number]>): void {
    for (const [key, n] of sizes) this.known.set(key, n);
  }

  /** Every list's size, from the chunks themselves (once, at the first start of a system without snapshot). */
  async learnAll(): Promise<void> {
    const sizes = new Map<string, number>();
    for await (const d of this.Chunk.collection.find({}, { projection: { e: 1 } })) {
      const id = String(d._id);
      const cut = id.lastIndexOf(':');
      const n = Number(id.slice(cut + 1));
      const key = id.slice(0, cut);
      sizes.set(key, Math.max(sizes.get(key) ?? 0, n * CHUNK + ((d as unknown as ChunkDoc).e?.length ?? 0)));
    }
    this.learn([...sizes]);
  }

  /** Wait for the appends under way (before a snapshot is taken as the point to replay from). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.writing.values()]);
  }

  async count(view: HistoryView, user: string): Promise<number> {
    return (await this.state(this.key(view, user))).count;
  }

  /**
   * Entries newest first: `skip` of those that pass `keep`, then up to `limit`; with the number
   * that pass in all (all entries, when no `keep` is given, without reading them).
   */
  async page(view: HistoryView, user: string, skip: number, limit: number, keep?: (e: ViewEntry) => boolean): Promise<{ entries: ViewEntry[]; total: number }> {
    const key = this.key(view, user);
    const s = await this.state(key);
    const out: ViewEntry[] = [];
    const lastChunk = Math.floor((s.count - 1) / CHUNK);
    // The last chunk is at hand (appends keep it); the others are read.
    const rowsOf = async (n: number) => (n === lastChunk ? s.tail : ((await this.chunk(key, n)) ?? []));
    if (!keep) {
      // Only the chunks the page falls in.
      const first = s.count - 1 - skip;
      const last = Math.max(0, first - limit + 1);
      for (let n = Math.floor(first / CHUNK); n >= 0 && n >= Math.floor(last / CHUNK); n--) {
        const rows = await rowsOf(n);
        for (let i = rows.length - 1; i >= 0; i--) {
          const pos = n * CHUNK + i;
          if (pos > first || pos < last) continue;
          out.push(toEntry(rows[i]!));
        }
      }
      return { entries: first < 0 ? [] : out, total: s.count };
    }
    let passed = 0;
    for (let n = lastChunk; n >= 0; n--) {
      const rows = await rowsOf(n);
      for (let i = rows.length - 1; i >= 0; i--) {
        const e = toEntry(rows[i]!);
        if (!keep(e)) continue;
        if (passed >= skip && out.length < limit) out.push(e);
        passed++;
      }
    }
    return { entries: out, total: passed };
  }
}

function toEntry(r: Row): ViewEntry {
  const [id, at, processId, projectId] = r.split(SEP) as [string, string, string, string];
  return { id, at: Number(at), processId, projectId: projectId || null };
}
