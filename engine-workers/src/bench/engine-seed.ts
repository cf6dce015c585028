/**
 * Years of the engine's work, written straight into the database for the benchmarks: instances
 * parked at a user task (runtime documents) and ended ones (history documents). Each is a copy of
 * a document the engine itself wrote for a real instance of the benchmark's parked process, under
 * a key of its own, so the engine finds them as it would after years of work and could resume any
 * of them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { parseWithDates } from '@ggzy/shared';
import pino from 'pino';
import { EmbeddedEngine } from '../embedded/embedded-engine';
import { engineModels, type HistoryDoc, type RuntimeDoc } from '../embedded/models';
import { progress } from './progress';

export interface StoredTemplates {
  runtime: RuntimeDoc;
  history: HistoryDoc;
}

/** Park one instance of `processId` and end another with a real engine; their documents are the templates. */
export async function captureTemplates(conn: Connection, xml: string, processId: string): Promise<StoredTemplates> {
  const engine = new EmbeddedEngine({ connection: conn, logger: pino({ level: 'silent' }) });
  const tasks: string[] = [];
  engine.on('userTask.created', (t) => void tasks.push(t.key));
  await engine.start();
  try {
    await engine.deploy([{ name: `${processId}.bpmn`, content: xml }]);
    const variables = { project: 'P-0', title: '压测', description: '压测数据'.repeat(20) };
    const parked = await engine.createInstance({ processId, variables });
    const ended = await engine.createInstance({ processId, variables });
    const done = new Promise<void>((resolve) => engine.on('instance.completed', (e) => e.key === ended.key && resolve()));
    const deadline = Date.now() + 10_000;
    while (tasks.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const endedTask = tasks.find((k) => k.startsWith(`${ended.key}:`));
    if (!endedTask) throw new Error('the parked process did not reach its user task');
    await engine.completeUserTask(endedTask, { approved: true });
    await done;
    const { runtime, history } = engineModels(conn);
    const r = await runtime.findOne({ _id: parked.key });
    const h = await history.findOne({ _id: ended.key });
    if (!r || !h) throw new Error('the engine did not write the template instances');
    return { runtime: r, history: h };
  } finally {
    await engine.stop();
  }
}

/** The templates from the benchmark's parked process (a start event, a user task, an end event). */
export function captureParkedTemplates(conn: Connection): Promise<StoredTemplates> {
  const xml = readFileSync(path.resolve(__dirname, '../../src/bench/parked.bpmn'), 'utf8');
  return captureTemplates(conn, xml, 'bench-parked');
}

/** A copy of `doc` under another instance key (in its state, variables, tasks and trail too). */
export function cloneUnder<T extends { _id: string }>(doc: T, key: string): T {
  const text = JSON.stringify(doc).replaceAll(doc._id, key);
  return parseWithDates<T>(text);
}

/**
 * Add stored instances until there are `total` (counting from `from`): one in ten parked at the
 * user task, the rest ended, as a year's mix is. Keys are `seed-<n>`. Shows progress.
 */
export async function seedStored(conn: Connection, t: StoredTemplates, from: number, total: number, label = 'stored instances'): Promise<void> {
  const { runtime, history } = engineModels(conn);
  const BATCH = 1000;
  const t0 = Date.now();
  for (let i = from; i < total; i += BATCH) {
    const live: RuntimeDoc[] = [];
    const ended: HistoryDoc[] = [];
    for (let n = i; n < Math.min(total, i + BATCH); n++) {
      const key = `seed-${n.toString(36)}`;
      if (n % 10 === 0) live.push(cloneUnder(t.runtime, key));
      else ended.push(cloneUnder(t.history, key));
    }
    await Promise.all([live.length && runtime.insertMany(live, { ordered: false }), ended.length && history.insertMany(ended, { ordered: false })]);
    const done = Math.min(total, i + BATCH);
    if ((done - from) % 20_000 === 0 || done === total)
      progress(`seeding ${label}: ${done.toLocaleString('en')}/${total.toLocaleString('en')} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  progress(null);
}
