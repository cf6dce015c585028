/**
 * The monitor's lists made for the instance rows kept before the lists existed: once, at the first
 * start of such a system, in a few statements per block of entries rather than several per row
 * (rows are put in their lists in the order they started, and in their end lists in the order they
 * ended). A row listed meanwhile by its own start or end keeps its places; the positions taken for
 * it here stay empty. One replica builds (a write lock that outlasts the build); a build cut short
 * by a stop is taken up again at the next start, passing over the rows it listed.
 */
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { WriteLocks } from '../db/write-locks';
import { isClassified } from '../inbox/task-access';
import { endLists, isLive, startLists, type InstanceLists, type Places } from './instance-lists';
import type { InstanceMetaDoc } from './instance.model';

/** Build them at a start, in the background: until it is done the monitor's pages show the instances listed so far. */
export function buildInstanceListsInBackground(db: Connection, lists: InstanceLists, logger: Logger): void {
  buildInstanceLists(db, lists, (done, of) => logger.info({ done, of }, 'monitor lists: rows kept before them listed')).catch((err: unknown) =>
    logger.error({ err }, 'building the monitor lists failed; tried again at the next start'),
  );
}

type Row = Pick<InstanceMetaDoc, '_id' | 'processId' | 'starter' | 'state' | 'startedAt' | 'endedAt' | 'classification'>;

/** Build the lists unless built; the number of rows put in them. `progress`: rows done of all. */
export async function buildInstanceLists(
  db: Connection,
  lists: InstanceLists,
  progress: (done: number, of: number) => void = () => undefined,
): Promise<number> {
  if (await lists.built()) return 0;
  const locks = new WriteLocks(db, { leaseMs: 30 * 60_000, waitMs: 0 });
  return locks
    .hold('instance-lists:build', async () => {
      if (await lists.built()) return 0;
      const rows = await lists.Meta.find({}).select('_id processId starter state startedAt endedAt classification').sort({ startedAt: 1 }).lean<Row[]>();
      const placed = await lists.allPlaces();
      const ended = rows.filter((r) => !isLive(r.state)).sort((a, b) => (a.endedAt?.getTime() ?? 0) - (b.endedAt?.getTime() ?? 0));
      let done = 0;
      const of = rows.length + ended.length;
      for (const [kind, group, listsOf] of [
        ['start', rows, startLists],
        ['end', ended, endLists],
      ] as const) {
        for (let i = 0; i < group.length; i += 1_000) {
          await listBatch(lists, kind, group.slice(i, i + 1_000), listsOf, placed);
          done += Math.min(1_000, group.length - i);
          progress(done, of);
        }
      }
      const live = rows.filter((r) => isLive(r.state));
      for (let i = 0; i < live.length; i += 1_000)
        await lists.live
          .insertMany(
            live.slice(i, i + 1_000).map((r) => ({
              _id: r._id,
              state: r.state as 'active' | 'incident',
              at: r.startedAt.getTime(),
              processId: r.processId,
              starter: r.starter,
              ...(isClassified(r) && { classified: true }),
            })),
            { ordered: false },
          )
          .catch((err: { writeErrors?: Array<{ code: number }> }) => {
            if (!err.writeErrors?.every((e) => e.code === 11000)) throw err;
          });
      for (const r of rows) if (isClassified(r)) await lists.noteClassified(r._id);
      await lists.markBuilt(rows.length);
      return rows.length;
    })
    .catch((err: { code?: string }) => {
      // another replica is building them
      if (err.code === 'WRITE_BUSY') return 0;
      throw err;
    });
}

/**
 * Rows placed before (by their own start or end, or a build a stop cut short) are written at their
 * places again; the others get positions, list by list in the rows' order, and their places.
 */
async function listBatch(lists: InstanceLists, kind: 'start' | 'end', rows: Row[], listsOf: (r: Row) => string[], placed: Map<string, Places>): Promise<void> {
  const fresh = rows.filter((r) => !placed.has(`${r._id}:${kind}`));
  const byList = new Map<string, Row[]>();
  for (const r of fresh) for (const list of listsOf(r)) byList.set(list, [...(byList.get(list) ?? []), r]);
  const places = new Map<string, Places>(fresh.map((r) => [r._id, {}]));
  for (const [list, members] of byList) {
    const first = await lists.takeRange(list, members.length);
    members.forEach((r, i) => (places.get(r._id)![list] = first + i));
  }
  // (one placed meanwhile by its own start or end keeps its places)
  const taken = await lists.placeMany(fresh.map((r) => ({ id: `${r._id}:${kind}`, places: places.get(r._id)! })));
  const writes = new Map<string, Array<{ pos: number; row: Row }>>();
  for (const r of rows) {
    const at = placed.get(`${r._id}:${kind}`) ?? (taken.has(`${r._id}:${kind}`) ? null : places.get(r._id)!);
    for (const [list, pos] of Object.entries(at ?? {})) writes.set(list, [...(writes.get(list) ?? []), { pos, row: r }]);
  }
  for (const [list, entries] of writes) await lists.writeMany(list, entries);
}
