/**
 * Each person's history views — 已办 (done), 我发起的 (started), 抄送我的 (cc) — as lists in the
 * database that only grow: chunks of up to 500 entries, one document each (`<view>:<user>:<n>`),
 * read and written by `_id` only, so a page costs the same however much history there is. An
 * entry is a task id, when it entered the list, and the process and project it belongs to (so a
 * filtered page can be read without fetching every task).
 *
 * Beside the lists, the items a page shows (`inbox_view_items`): a closed task's list item is kept
 * at its position in each list it is in, in blocks of BLOCK positions (`<view>:<user>:b<n>`), so
 * a page of closed tasks is one or two reads, not one per task.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../db/model-on';

export type HistoryView = 'done' | 'started' | 'cc';

export interface ViewEntry {
  id: string;
  /** Where it is in the list (0: the oldest); set on the entries a page returns. */
  pos?: number;
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
/** Positions per item block: a page of 20 falls in at most two. */
export const BLOCK = 20;

interface BlockDoc {
  _id: string;
  /** `i<slot>`: the list item (JSON) at position `block * BLOCK + slot`. */
  t: Record<string, string>;
}

function blockModel(db: Connection): Model<BlockDoc> {
  return modelOn<BlockDoc>(
    db,
    'InboxViewItems',
    new Schema<BlockDoc>({ _id: String, t: Schema.Types.Mixed }, { versionKey: false, _id: false, collection: 'inbox_view_items' }),
  );
}

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
  private readonly Block: Model<BlockDoc>;
  private readonly lists = new Map<string, Promise<ListState>>();
  /** One write at a time per list, in the order asked. */
  private readonly writing = new Map<string, Promise<unknown>>();
  /** Sizes of lists as the last snapshot knew them (so a list is found with a read or two). */
  private readonly known = new Map<string, number>();

  constructor(db: Connection) {
    this.Chunk = chunkModel(db);
    this.Block = blockModel(db);
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
    return this.queue(key, () => this.write(key, entry));
  }

  /** Run a write of a list after those asked for it before. */
  private queue(key: string, job: () => Promise<void>): Promise<void> {
    const prev = this.writing.get(key) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(job);
    this.writing.set(key, next);
    void next.finally(() => {
      if (this.writing.get(key) === next) this.writing.delete(key);
    });
    return next;
  }

  /**
   * Keep a closed task's list item at its entry (found near `at`); in the list's write order, so
   * the item of a later version replaces an earlier one. Nothing when the entry is not found.
   */
  keepItem(view: HistoryView, user: string, id: string, at: number, item: string): Promise<void> {
    const key = this.key(view, user);
    return this.queue(key, async () => {
      const pos = await this.locate(key, id, at);
      if (pos < 0) return;
      await this.Block.collection.updateOne({ _id: `${key}:b${Math.floor(pos / BLOCK)}` } as never, { $set: { [`t.i${pos % BLOCK}`]: item } } as never, {
        upsert: true,
      });
    });
  }

  /** An entry's position: the newest chunks first, back no further than `at` allows; -1 when absent. */
  private async locate(key: string, id: string, at: number): Promise<number> {
    const s = await this.state(key);
    const last = Math.floor((s.count - 1) / CHUNK);
    for (let n = last; n >= 0; n--) {
      const rows = n === last ? s.tail : ((await this.chunk(key, n)) ?? []);
      const i = rows.findIndex((r) => idOf(r) === id);
      if (i >= 0) return n * CHUNK + i;
      if (!rows.length || atOf(rows[0]!) < at - SLACK_MS) return -1;
    }
    return -1;
  }

  /** The list items kept at these positions (one read per block they fall in). */
  async items(view: HistoryView, user: string, positions: number[]): Promise<Map<number, string>> {
    const key = this.key(view, user);
    const out = new Map<number, string>();
    const blocks = [...new Set(positions.map((p) => Math.floor(p / BLOCK)))];
    await Promise.all(
      blocks.map(async (b) => {
        const d = (await this.Block.collection.findOne({ _id: `${key}:b${b}` } as never)) as unknown as BlockDoc | null;
        for (const [slot, item] of Object.entries(d?.t ?? {})) out.set(b * BLOCK + Number(slot.slice(1)), item);
      }),
    );
    return out;
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
  async rebuild(view: HistoryView, user: string, entries: ViewEntry[], items: Array<string | null> = []): Promise<void> {
    const key = this.key(view, user);
    await this.settled();
    for (let n = 0; n * CHUNK < entries.length; n++) {
      const rows = entries.slice(n * CHUNK, (n + 1) * CHUNK).map(toRow);
      await this.Chunk.collection.replaceOne({ _id: this.chunkId(key, n) } as never, { e: rows } as never, { upsert: true });
    }
    // With them, the list items of the closed tasks among them (`items[i]` for `entries[i]`).
    for (let b = 0; b * BLOCK < items.length; b++) {
      const t: Record<string, string> = {};
      items.slice(b * BLOCK, (b + 1) * BLOCK).forEach((item, slot) => item && (t[`i${slot}`] = item));
      if (Object.keys(t).length) await this.Block.collection.replaceOne({ _id: `${key}:b${b}` } as never, { t } as never, { upsert: true });
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
          out.push({ ...toEntry(rows[i]!), pos });
        }
      }
      return { entries: first < 0 ? [] : out, total: s.count };
    }
    let passed = 0;
    for (let n = lastChunk; n >= 0; n--) {
      const rows = await rowsOf(n);
      for (let i = rows.length - 1; i >= 0; i--) {
        const e = { ...toEntry(rows[i]!), pos: n * CHUNK + i };
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
