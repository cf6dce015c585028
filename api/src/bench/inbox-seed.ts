/**
 * What the inbox benchmark starts from, written straight into the database: staff with sessions
 * (no sign-in per client), open tasks with the engine's runtime document of each one's instance,
 * and closed tasks as history — their last versions, each person's history views (written by the
 * product's own history classes) and their instances' engine history — so the server finds them
 * as it would after years of work. The engine documents are copies of ones the engine wrote for
 * its benchmark's parked process.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { SECTIONS } from '@ggzy/shared';
import { captureParkedTemplates, cloneUnder, type StoredTemplates } from '@ggzy/engine-workers/bench-seed';
import { AuthService } from '../people/auth.service';
import { peopleModels } from '../people/user.model';
import { taskModel, type TaskDoc } from '../inbox/task.model';
import { ViewLists, type ViewEntry } from '../inbox/history/view-lists';
import { listItemJson } from '../inbox/history/task-history';

export interface Staff {
  id: string;
  section: string;
  token: string;
}

const sections = SECTIONS.map((s) => s.code);
const PROCESSES = ['anomaly-escalation', 'case-assistance', 'archive-lending'];

function progress(what: string, done: number, of: number): void {
  process.stdout.write(`\r  seeding ${what}: ${done}/${of}`);
}

/** `count` staff spread over the sections, each with a session token (`existing`: the people are there already). */
export async function seedStaff(db: Connection, count: number, existing = false): Promise<Staff[]> {
  const { User, Session } = peopleModels(db);
  const passwordHash = await AuthService.hashPassword(randomBytes(12).toString('hex'));
  const staff: Staff[] = Array.from({ length: count }, (_, i) => ({
    id: `bench${i}`,
    section: sections[i % sections.length]!,
    token: randomBytes(32).toString('base64url'),
  }));
  const now = new Date();
  for (let i = 0; i < staff.length; i += 1000) {
    const batch = staff.slice(i, i + 1000);
    if (!existing)
      await User.insertMany(
        batch.map((s) => ({
          _id: s.id,
          name: `压测${s.id}`,
          sections: [s.section],
          roles: ['staff'],
          oversees: [],
          passwordHash,
          active: true,
          createdAt: now,
        })),
      );
    await Session.insertMany(
      batch.map((s) => ({
        _id: createHash('sha256').update(s.token).digest('hex'),
        userId: s.id,
        createdAt: now,
        expiresAt: new Date(now.getTime() + 86_400_000),
      })),
    );
  }
  return staff;
}

function baseTask(i: number, now: number): TaskDoc {
  const section = sections[i % sections.length]!;
  const due = new Date(now + ((i % 96) - 24) * 3600_000);
  return {
    _id: `bench-${i.toString(36)}:task`,
    kind: 'engine',
    instanceId: `bench-${i.toString(36)}`,
    processId: PROCESSES[i % 3]!,
    processName: '压测流程',
    processVersion: 1,
    elementId: 'verify',
    name: '核实',
    formId: 'anomaly-verify',
    status: 'open',
    assignee: null,
    owner: null,
    delegationState: null,
    candidateGroups: [section],
    candidateUsers: [],
    priority: 40 + (i % 60),
    dueDate: due,
    // (as the time-limit rounds left them: urged when due, reported to supervision four hours later)
    urgedAt: due.getTime() <= now ? due : null,
    supervisedAt: due.getTime() <= now - 4 * 3600_000 ? new Date(due.getTime() + 4 * 3600_000) : null,
    createdAt: new Date(now - i * 1000),
    title: `压测任务 ${i}`,
    projectId: `P-${i % 500}`,
    projectName: `项目 ${i % 500}`,
    starter: 'witness1',
    starterName: '张见证',
    classification: null,
    pendingSigners: [],
    variables: JSON.stringify({ title: `压测任务 ${i}`, description: '压测数据'.repeat(20) }),
    returnable: false,
    urgeCount: due.getTime() <= now ? 1 : 0,
    touched: false,
    version: 1,
  };
}

/** The engine's documents to copy (an instance parked at a user task, an ended one). */
export function engineTemplates(db: Connection): Promise<StoredTemplates> {
  return captureParkedTemplates(db);
}

/** Open tasks, offered to the sections' candidate groups, each with its instance's runtime document in the engine. */
export async function seedOpen(db: Connection, count: number, templates: StoredTemplates): Promise<void> {
  const Task = taskModel(db);
  const runtime = db.collection('engine_runtime');
  const [tplTask] = templates.runtime.tasks;
  if (!tplTask) throw new Error('the parked template has no open task');
  const execution = tplTask.executionId;
  const now = Date.now();
  let batch: TaskDoc[] = [];
  for (let i = 0; i < count; i++) {
    const t = baseTask(i, now);
    batch.push({ ...t, _id: `${t.instanceId}:${execution}` });
    if (batch.length === 2000 || i === count - 1) {
      await Task.insertMany(batch, { ordered: false });
      const docs = batch.map((task) => {
        const doc = cloneUnder(templates.runtime, task.instanceId);
        doc.processId = task.processId;
        doc.tasks = [{ ...doc.tasks[0]!, name: task.name, candidateGroups: task.candidateGroups, priority: task.priority, createdAt: task.createdAt }];
        return doc;
      });
      await runtime.insertMany(docs as never[], { ordered: false });
      batch = [];
      progress('open tasks', i + 1, count);
    }
  }
  process.stdout.write('\n');
}

/**
 * Closed tasks as history: each completed by one of the staff (their 已办) in a report started by
 * one of them (their 我发起的), over the years before now, oldest first.
 */
export async function seedHistory(db: Connection, count: number, staff: Staff[], templates: StoredTemplates): Promise<void> {
  const views = new ViewLists(db);
  const Hist = db.collection('inbox_task_history');
  const EngineHist = db.collection('engine_history');
  const now = Date.now();
  const span = 3 * 365 * 86_400_000;
  // Each person's lists, with the number of each (closed) task in them, for its list item.
  const done = new Map<string, { entries: ViewEntry[]; tasks: number[] }>();
  const started = new Map<string, { entries: ViewEntry[]; tasks: number[] }>();
  const push = (m: typeof done, k: string, e: ViewEntry, i: number) => {
    let l = m.get(k);
    if (!l) m.set(k, (l = { entries: [], tasks: [] }));
    l.entries.push(e);
    l.tasks.push(i);
  };
  const closedTask = (i: number): TaskDoc => {
    const created = now - span + Math.floor((i / count) * span);
    const by = staff[i % staff.length]!.id;
    return {
      ...baseTask(1_000_000_000 + i, now),
      _id: `hist-${i.toString(36)}:task`,
      instanceId: `hist-${Math.floor(i / 4).toString(36)}`,
      status: 'completed',
      assignee: by,
      createdAt: new Date(created),
      claimedAt: new Date(created + 60_000),
      completedAt: new Date(created + 3_600_000),
      completedBy: by,
      outcome: 'substantiated',
      opinion: '属实',
      starter: staff[(i * 7 + 3) % staff.length]!.id,
      version: 3,
    };
  };
  let batch: object[] = [];
  for (let i = 0; i < count; i++) {
    const t = closedTask(i);
    const { variables: _v, ...doc } = t;
    batch.push(doc);
    const entry = (at: Date): ViewEntry => ({ id: t._id, at: at.getTime(), processId: t.processId, projectId: t.projectId ?? null });
    push(done, t.completedBy!, entry(t.completedAt!), i);
    push(started, t.starter, entry(t.createdAt), i);
    if (batch.length === 2000 || i === count - 1) {
      // Four tasks per instance: the instance's engine history with its first task.
      const instances = (batch as TaskDoc[]).filter((_, k) => (i - batch.length + 1 + k) % 4 === 0).map((d) => cloneUnder(templates.history, d.instanceId));
      await Promise.all([
        Hist.insertMany(batch as never[], { ordered: false }),
        instances.length && EngineHist.insertMany(instances as never[], { ordered: false }),
      ]);
      batch = [];
      progress('closed tasks (history)', i + 1, count);
    }
  }
  process.stdout.write('\n');
  let lists = 0;
  for (const [view, m] of [
    ['done', done],
    ['started', started],
  ] as const) {
    for (const [user, { entries, tasks }] of m) {
      await views.rebuild(
        view,
        user,
        entries,
        tasks.map((i) => listItemJson(closedTask(i))),
      );
      progress('history views', ++lists, done.size + started.size);
    }
  }
  process.stdout.write('\n');
}
