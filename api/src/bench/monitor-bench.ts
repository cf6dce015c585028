/**
 * The monitor's pages (流程监控, an admin's) with a year of the center's instances stored and with
 * ten years': read from the instance lists as the server does, and, for comparison, by filtering
 * and sorting every instance row (as it did before the lists). Each size also times the one-time
 * build of the lists for rows kept before they existed (as an upgraded system does at its first
 * start). Who took part, read for each shown row's current steps, is left out of both (the same in
 * both).
 *
 * A year: 5,000 instances, three processes, 50 starters, one in a hundred classified; at any size
 * the newest 150 still running (five of them at an incident), the rest ended.
 * Env: MONGODB_URI (a throw-away database is made in it), BENCH_MONITOR_YEARS (default `1,10`),
 * BENCH_MONITOR_READS (pages timed per kind and size, default 50).
 */
import type { UserDto } from '@ggzy/shared';
import { onThrowawayDb } from './throwaway-db';
import { InstanceLists } from '../instances/instance-lists';
import { buildInstanceLists } from '../instances/instance-lists-build';
import { instancePage, type InstanceListQuery } from '../instances/instance-list-page';
import { pct, timed } from './timing';

const YEARS = (process.env.BENCH_MONITOR_YEARS ?? '1,10').split(',').map(Number);
const READS = Number(process.env.BENCH_MONITOR_READS ?? 50);
const A_YEAR = 5_000;
const PROCESSES = ['anomaly-escalation', 'case-assistance', 'archive-lending'];
const ENDS = ['completed', 'completed', 'completed', 'canceled', 'withdrawn'];
const RUNNING = 150;

const ms = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} / p99 ${pct(xs, 99).toFixed(1)} ms`;
const admin = { id: 'admin', name: '管理员', roles: ['admin'], sections: [], groups: [] } as unknown as UserDto;
const noFacts = async () => ({ participants: new Set<string>(), groups: new Set<string>(), currentSteps: [] });

/** Instance `i` of `n` stored. */
function row(i: number, n: number) {
  const startedAt = new Date(Date.UTC(2016, 0, 1) + i * 3_600_000);
  const state = i < n - RUNNING ? ENDS[i % ENDS.length]! : i % 30 === 0 ? 'incident' : 'active';
  return {
    _id: `bench-${String(i).padStart(7, '0')}`,
    processId: PROCESSES[i % 3]!,
    processName: '流程',
    version: 1,
    definitionKey: 'd',
    title: `事项 ${i}`,
    starter: `staff${i % 50}`,
    starterName: '发起人',
    startedAt,
    state,
    endedAt: state === 'active' || state === 'incident' ? null : new Date(startedAt.getTime() + 86_400_000),
    classification: i % 100 === 7 ? 'secret' : null,
  };
}

onThrowawayDb('monitor', async (db) => {
  process.stdout.write(`\nMonitor — an admin's page of 20 instances, ${READS} per kind and size, with years of instances stored\n`);
  for (const years of YEARS) {
    const to = years * A_YEAR;
    process.stdout.write(`  (storing ${years} year(s) of instances…)\n`);
    // (each size in a database of its own)
    const sized = db.useDb(`${db.name}_${years}`);
    const lists = new InstanceLists(sized);
    for (let i = 0; i < to; i += 1000)
      await lists.Meta.collection.insertMany(Array.from({ length: Math.min(1000, to - i) }, (_, k) => row(i + k, to)) as never[]);
    // the rows are put in the lists as an upgraded system's first start does
    const t0 = performance.now();
    await buildInstanceLists(sized, lists, (done, of) => done % 20_000 === 0 && process.stdout.write(`  (lists built for ${done} of ${of} starts and ends)\n`));
    const build = (performance.now() - t0) / 1000;
    const page = (q: Partial<InstanceListQuery>) => (k: number) => instancePage(lists, admin, { page: 1 + (k % 5), pageSize: 20, ...q }, noFacts);
    const kinds: Array<[string, (k: number) => Promise<unknown>]> = [
      ['all, pages 1–5', page({})],
      ['all, page 100', page({ page: 100 })],
      ['one process', page({ processId: PROCESSES[1] })],
      ['at an incident', page({ state: 'incident' })],
      ['completed', page({ state: 'completed' })],
    ];
    const lines = [];
    for (const [name, fn] of kinds) lines.push(`${name} ${ms(await timed(READS, fn))}`);
    // as before the lists: every row read, filtered and sorted
    const scan = await timed(Math.min(READS, years > 1 ? 5 : 20), () => lists.Meta.find({}).sort({ startedAt: -1 }).lean());
    process.stdout.write(
      `  ${String(to).padStart(6)} instances: ${lines.join('; ')}\n` +
        `    every row read and sorted (before the lists) ${ms(scan)}; the lists built for the rows kept before them in ${build.toFixed(1)} s\n`,
    );
    await sized.dropDatabase();
  }
});
