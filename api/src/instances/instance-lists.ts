/**
 * The monitor's lists of instances (流程监控), kept apart from the instance rows and read by `_id`
 * alone, so that a page costs the same with a year's instances as with ten years' (on the embedded
 * database any other filter, and any sort, reads every row ever stored).
 *
 * - **Lists that only grow.** An instance enters, when it starts, the list of all instances, of its
 *   process and of its starter; when it ends, the lists of its end state (completed, canceled,
 *   withdrawn, failed): of all, of its process and of its starter. A list is a counter
 *   (`n:<list>`, a position is taken with one `$inc`, in any number of processes) and blocks of
 *   BLOCK positions (`b:<list>:<k>`). Where an instance stands in its lists is written once, by a
 *   unique id (`<instance>:start`, `<instance>:end` in `instance_places`): told again (a start or an
 *   end carried again after a stop) it is written at the same places. A stop between taking a
 *   position and writing it leaves that position empty: pages pass over it.
 * - **Live states.** The instances still running (active, at an incident) are in `instance_live`,
 *   one document each, removed when they end: a small collection, read whole for those filters.
 * - **Classified instances**: each list's positions that hold one (`instance_classified`, a
 *   document per list, read by its id), so that a page for someone not entitled to them leaves them
 *   out and still finds its positions by arithmetic; a live one is marked on its live document.
 */
import type { Connection, Model } from 'mongoose';
import { instanceMetaModel, type InstanceMetaDoc, type InstanceState } from './instance.model';
import { isClassified } from '../inbox/task-access';

/** Positions per block: a page of up to 100 falls in at most three. */
export const BLOCK = 50;
const SEP = '\u0001';
const LIVE: ReadonlySet<InstanceState> = new Set<InstanceState>(['active', 'incident']);

/** Where an instance stands: list → position. */
export type Places = Record<string, number>;
/** Places as stored: `<list>\u0001<position>` (a list's name may hold a dot, which a field name may not). */
type StoredPlaces = string[];
const stored = (p: Places): StoredPlaces => Object.entries(p).map(([list, pos]) => `${list}${SEP}${pos}`);
export const readPlaces = (s: StoredPlaces | undefined): Places =>
  Object.fromEntries((s ?? []).map((e) => [e.slice(0, e.lastIndexOf(SEP)), Number(e.slice(e.lastIndexOf(SEP) + 1))]));
interface CounterDoc {
  _id: string;
  n: number;
}
interface BlockDoc {
  _id: string;
  /** `i<slot>`: `<instance id>\u0001<process id>` at position `k * BLOCK + slot`. */
  t: Record<string, string>;
}
interface PlacesDoc {
  _id: string;
  p: StoredPlaces;
}
export interface LiveDoc {
  _id: string;
  state: 'active' | 'incident';
  /** Started at (ms): the live list's order. */
  at: number;
  processId: string;
  starter: string;
  classified?: boolean;
}
interface HiddenDoc {
  /** The list's key. */
  _id: string;
  /** Its positions that hold a classified instance. */
  p: number[];
}

/** Which list a page reads: all instances, or those of a process, or of a starter; started or ended in a state. */
export interface ListChoice {
  processId?: string;
  starter?: string;
  /** An end state (a live one is read from the live instances). */
  ended?: InstanceState;
}

export function listKey(c: ListChoice): string {
  const base = c.starter ? `u:${c.starter}` : c.processId ? `p:${c.processId}` : 'all';
  return c.ended ? `${base}:s:${c.ended}` : base;
}

/** The lists an instance enters when it starts. */
export function startLists(row: Pick<InstanceMetaDoc, 'processId' | 'starter'>): string[] {
  return [listKey({}), listKey({ processId: row.processId }), listKey({ starter: row.starter })];
}

/** The lists an instance enters when it ends. */
export function endLists(row: Pick<InstanceMetaDoc, 'processId' | 'starter' | 'state'>): string[] {
  return [listKey({ ended: row.state }), listKey({ processId: row.processId, ended: row.state }), listKey({ starter: row.starter, ended: row.state })];
}

export function isLive(state: InstanceState): state is LiveDoc['state'] {
  return LIVE.has(state);
}

export class InstanceLists {
  readonly Meta: Model<InstanceMetaDoc>;
  private readonly lists;
  private readonly places;
  readonly live;
  private readonly classified;

  constructor(db: Connection) {
    this.Meta = instanceMetaModel(db);
    this.lists = db.collection<CounterDoc | BlockDoc>('instance_lists');
    this.places = db.collection<PlacesDoc>('instance_places');
    this.live = db.collection<LiveDoc>('instance_live');
    this.classified = db.collection<HiddenDoc>('instance_classified');
  }

  /** A new instance's row exists: it enters its lists, and the live ones unless it ended already. */
  async started(id: string): Promise<void> {
    const row = await this.Meta.findById(id).lean();
    if (!row) return;
    await this.write(await this.placeIn(`${id}:start`, startLists(row)), row);
    if (LIVE.has(row.state))
      await this.live.updateOne(
        { _id: id },
        { $setOnInsert: { state: row.state as LiveDoc['state'], at: row.startedAt.getTime(), processId: row.processId, starter: row.starter } },
        { upsert: true },
      );
    if (isClassified(row)) await this.noteClassified(id);
  }

  /** An instance's row ended: it enters the lists of its end state and leaves the live ones. */
  async ended(id: string): Promise<void> {
    const row = await this.Meta.findById(id).lean();
    if (!row || LIVE.has(row.state)) return;
    await this.write(await this.placeIn(`${id}:end`, endLists(row)), row);
    await this.live.deleteOne({ _id: id });
    if (isClassified(row)) await this.noteClassified(id);
  }

  /** A live instance moved between active and incident. */
  async moved(id: string, to: LiveDoc['state']): Promise<void> {
    await this.live.updateOne({ _id: id }, { $set: { state: to } });
  }

  /** An instance was classified: pages for those not entitled to it leave it out. */
  async noteClassified(id: string): Promise<void> {
    const [start, end] = await Promise.all([this.places.findOne({ _id: `${id}:start` }), this.places.findOne({ _id: `${id}:end` })]);
    const places = { ...readPlaces(start?.p), ...readPlaces(end?.p) };
    await Promise.all([
      ...Object.entries(places).map(([list, pos]) => this.classified.updateOne({ _id: list }, { $addToSet: { p: pos } }, { upsert: true })),
      this.live.updateOne({ _id: id }, { $set: { classified: true } }),
    ]);
  }

  /** The positions of a list that hold a classified instance. */
  async classifiedIn(list: string): Promise<number[]> {
    return (await this.classified.findOne({ _id: list }))?.p ?? [];
  }

  /** The places of an instance in `lists`: those written before, else positions taken now. */
  private async placeIn(id: string, lists: string[]): Promise<Places> {
    const had = await this.places.findOne({ _id: id });
    if (had) return readPlaces(had.p);
    const p: Places = Object.fromEntries(await Promise.all(lists.map(async (list) => [list, await this.takeRange(list, 1)] as const)));
    try {
      await this.places.insertOne({ _id: id, p: stored(p) });
      return p;
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      // told twice at once: the first to write its places wins (the positions taken here stay empty)
      return readPlaces((await this.places.findOne({ _id: id }))!.p);
    }
  }

  private async write(places: Places, row: Pick<InstanceMetaDoc, '_id' | 'processId'>): Promise<void> {
    await Promise.all(Object.entries(places).map(([list, pos]) => this.writeMany(list, [{ pos, row }])));
  }

  /** How many positions a list has taken (those a stop left empty too). */
  async size(list: string): Promise<number> {
    return ((await this.lists.findOne({ _id: `n:${list}` })) as CounterDoc | null)?.n ?? 0;
  }

  /** The entries at the block's positions: slot → [instance id, process id]. */
  async block(list: string, k: number): Promise<Map<number, [string, string]>> {
    const d = (await this.lists.findOne({ _id: `b:${list}:${k}` })) as BlockDoc | null;
    const out = new Map<number, [string, string]>();
    for (const [slot, e] of Object.entries(d?.t ?? {})) out.set(k * BLOCK + Number(slot.slice(1)), e.split(SEP) as [string, string]);
    return out;
  }

  /** Whether the lists were made for the rows kept before they existed (instance-lists-build.ts). */
  async built(): Promise<boolean> {
    return !!(await this.lists.findOne({ _id: 'built' }));
  }

  async markBuilt(rows: number): Promise<void> {
    await this.lists.updateOne({ _id: 'built' }, { $set: { n: rows } }, { upsert: true });
  }

  /** Take `k` positions of a list at once; the first of them. */
  async takeRange(list: string, k: number): Promise<number> {
    const c = await this.lists.findOneAndUpdate({ _id: `n:${list}` }, { $inc: { n: k } }, { upsert: true, returnDocument: 'after' });
    return (c as CounterDoc).n - k;
  }

  /** Write many entries of a list, one statement per block. */
  async writeMany(list: string, entries: Array<{ pos: number; row: Pick<InstanceMetaDoc, '_id' | 'processId'> }>): Promise<void> {
    const blocks = new Map<number, Record<string, string>>();
    for (const { pos, row } of entries) {
      const k = Math.floor(pos / BLOCK);
      const set = blocks.get(k) ?? {};
      set[`t.i${pos % BLOCK}`] = `${row._id}${SEP}${row.processId}`;
      blocks.set(k, set);
    }
    for (const [k, set] of blocks) await this.lists.updateOne({ _id: `b:${list}:${k}` }, { $set: set }, { upsert: true });
  }

  /** Write places of many instances (`<id>:start` / `<id>:end`); the ids whose places were there already. */
  async placeMany(docs: Array<{ id: string; places: Places }>): Promise<Set<string>> {
    const taken = new Set<string>();
    if (!docs.length) return taken;
    await this.places
      .insertMany(
        docs.map((d) => ({ _id: d.id, p: stored(d.places) })),
        { ordered: false },
      )
      .catch((err: { writeErrors?: Array<{ index: number; code: number }> }) => {
        const errors = err.writeErrors ?? [];
        if (!errors.length || errors.some((e) => e.code !== 11000)) throw err;
        for (const e of errors) taken.add(docs[e.index]!.id);
      });
    return taken;
  }

  /** Every place written, by `<id>:start` / `<id>:end` (read whole: only while building). */
  async allPlaces(): Promise<Map<string, Places>> {
    return new Map((await this.places.find({}).toArray()).map((d) => [d._id, readPlaces(d.p)]));
  }
}
