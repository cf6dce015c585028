/**
 * A page of the monitor (流程监控), newest first, from the instance lists (instance-lists.ts): the
 * list the filters name is read at the page's positions, then the page's rows by id. Admins and
 * leaders list every instance, a classified one only if entitled to it (an admin on one finds it
 * in their inbox and their own list); applicants and anyone asking for their own list those they
 * started.
 *
 * Staff asking for every instance they may see (through the API: the web app's monitor is the
 * admins') are answered by reading every row and, where the row does not decide it, who took part:
 * what one section member may see is decided instance by instance, and no list keeps it.
 */
import { isLeader, type UserDto } from '@ggzy/shared';
import type { InstanceFacts } from '../inbox/inbox.service';
import { entitledToClassified } from '../inbox/task-access';
import { BLOCK, isLive, listKey, type InstanceLists, type ListChoice, type LiveDoc } from './instance-lists';
import type { InstanceMetaDoc, InstanceState } from './instance.model';
import { canSeeInstance, seenWhoeverTookPart } from './instance-access';

export interface InstanceListQuery {
  processId?: string;
  state?: InstanceState;
  mine?: boolean;
  page: number;
  pageSize: number;
}

type Facts = (instanceId: string, starter: string) => Promise<InstanceFacts>;

/** Who lists every instance (applicants list those they started, staff those they may see). */
export function listsAll(u: UserDto): boolean {
  return u.roles.includes('admin') || isLeader(u);
}

export async function instancePage(lists: InstanceLists, u: UserDto, q: InstanceListQuery, facts: Facts) {
  if (!q.mine && !listsAll(u) && !u.roles.includes('external')) return seenByStaff(lists, u, q, facts);
  const starter = q.mine || !listsAll(u) ? u.id : undefined;
  const skip = (q.page - 1) * q.pageSize;
  // classified instances are left out for those not entitled to them (none in one's own list)
  const withClassified = !!starter || entitledToClassified(u);
  const live = !!q.state && isLive(q.state);
  const { ids, total } = live
    ? await livePage(lists, { state: q.state as LiveDoc['state'], processId: q.processId, starter }, withClassified, skip, q.pageSize)
    : await listPage(lists, { processId: q.processId, starter, ended: q.state }, withClassified, skip, q.pageSize);
  const rows: InstanceMetaDoc[] = [];
  for (const m of await Promise.all(ids.map((id) => lists.Meta.findById(id).lean()))) if (m) rows.push(m);
  // a live instance whose row has moved on since (its end told while it started): the row decides
  const shown = live ? rows.filter((m) => m.state === q.state) : rows;
  if (live) for (const m of rows) if (m.state !== q.state) await settleLive(lists, m);
  const items = await Promise.all(shown.map(async (m) => ({ ...instanceSummary(m), currentSteps: (await facts(m._id, m.starter)).currentSteps })));
  return { items, total: total - (rows.length - shown.length), page: q.page, pageSize: q.pageSize };
}

/** An instance row as the lists and the detail show it. */
export function instanceSummary(m: InstanceMetaDoc) {
  return {
    id: m._id,
    processId: m.processId,
    processName: m.processName,
    version: m.version,
    definitionKey: m.definitionKey,
    title: m.title,
    projectId: m.projectId ?? null,
    projectName: m.projectName ?? null,
    starter: m.starter,
    starterName: m.starterName,
    startedAt: m.startedAt,
    state: m.state,
    endedAt: m.endedAt ?? null,
    classification: m.classification ?? null,
  };
}

async function seenByStaff(lists: InstanceLists, u: UserDto, q: InstanceListQuery, facts: Facts) {
  const docs = await lists.Meta.find({ ...(q.processId && { processId: q.processId }), ...(q.state && { state: q.state }) })
    .sort(q.state && !isLive(q.state) ? { endedAt: -1 } : { startedAt: -1 })
    .lean();
  const known = new Map<string, InstanceFacts>();
  const factsOf = async (m: InstanceMetaDoc) => known.get(m._id) ?? known.set(m._id, await facts(m._id, m.starter)).get(m._id)!;
  const visible: InstanceMetaDoc[] = [];
  for (const m of docs) if (seenWhoeverTookPart(m, u) || canSeeInstance(m, await factsOf(m), u)) visible.push(m);
  const items = [];
  for (const m of visible.slice((q.page - 1) * q.pageSize, q.page * q.pageSize))
    items.push({ ...instanceSummary(m), currentSteps: (await factsOf(m)).currentSteps });
  return { items, total: visible.length, page: q.page, pageSize: q.pageSize };
}

/** Ids at the page's positions of a list, newest first, passing over the hidden and the empty. */
async function listPage(lists: InstanceLists, choice: ListChoice, withClassified: boolean, skip: number, limit: number) {
  // a starter's list of one process: their list, read whole (one person's)
  const key = listKey(choice.starter ? { starter: choice.starter, ended: choice.ended } : choice);
  const [n, classified] = await Promise.all([lists.size(key), withClassified ? [] : lists.classifiedIn(key)]);
  const hidden = new Set(classified.filter((p) => p < n));
  if (choice.starter && choice.processId) {
    const ids: string[] = [];
    let passed = 0;
    for (let k = Math.floor((n - 1) / BLOCK); k >= 0; k--) {
      const entries = [...(await lists.block(key, k))].sort((a, b) => b[0] - a[0]);
      for (const [pos, [id, processId]] of entries) {
        if (processId !== choice.processId || hidden.has(pos)) continue;
        if (passed++ >= skip && ids.length < limit) ids.push(id);
      }
    }
    return { ids, total: passed };
  }
  // the position of the first entry of the page: `skip` visible positions from the newest
  let top = n - 1 - skip;
  for (let above = -1; ;) {
    const now = [...hidden].filter((p) => p >= top).length;
    if (now === above) break;
    above = now;
    top = n - 1 - skip - above;
  }
  const positions: number[] = [];
  for (let p = top; p >= 0 && positions.length < limit; p--) if (!hidden.has(p)) positions.push(p);
  const blocks = new Map<number, Map<number, [string, string]>>();
  for (const k of new Set(positions.map((p) => Math.floor(p / BLOCK)))) blocks.set(k, await lists.block(key, k));
  const ids = positions.map((p) => blocks.get(Math.floor(p / BLOCK))!.get(p)?.[0]).filter((id): id is string => !!id);
  return { ids, total: n - hidden.size };
}

/** Ids of the live instances in a state, newest first (a small collection, read whole). */
async function livePage(
  lists: InstanceLists,
  f: { state: LiveDoc['state']; processId?: string; starter?: string },
  withClassified: boolean,
  skip: number,
  limit: number,
) {
  const docs = (await lists.live.find({}).toArray())
    .filter(
      (d) =>
        d.state === f.state && (!f.processId || d.processId === f.processId) && (!f.starter || d.starter === f.starter) && (withClassified || !d.classified),
    )
    .sort((a, b) => b.at - a.at || (a._id < b._id ? 1 : -1));
  return { ids: docs.slice(skip, skip + limit).map((d) => d._id), total: docs.length };
}

/** A live document behind its row: moved, or gone when the row ended. */
async function settleLive(lists: InstanceLists, m: InstanceMetaDoc): Promise<void> {
  if (m.state === 'active' || m.state === 'incident') await lists.moved(m._id, m.state);
  else await lists.ended(m._id);
}
