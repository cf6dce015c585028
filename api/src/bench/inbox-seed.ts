/**
 * What the inbox benchmark starts from, written straight into the database: staff with sessions
 * (no sign-in per client), open tasks as the engine would have stored them, and closed tasks as
 * history — their last versions and each person's history views, written by the product's own
 * history classes, so the server finds them as it would after years of work.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { SECTIONS } from '@ggzy/shared';
import { AuthService } from '../people/auth.service';
import { peopleModels } from '../people/user.model';
import { taskModel, type TaskDoc } from '../inbox/task.model';
import { ViewLists, type ViewEntry } from '../inbox/history/view-lists';

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
    dueDate: new Date(now + ((i % 96) - 24) * 3600_000),
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
    urgeCount: 0,
    touched: false,
    version: 1,
  };
}

/** Open tasks, offered to the sections' candidate groups, each with the engine's record of its user task. */
export async function seedOpen(db: Connection, count: number): Promise<void> {
  const Task = taskModel(db);
  const EngineTask = db.collection('engine_user_tasks');
  const now = Date.now();
  let batch: TaskDoc[] = [];
  for (let i = 0; i < count; i++) {
    batch.push(baseTask(i, now));
    if (batch.length === 2000 || i === count - 1) {
      await Task.insertMany(batch, { ordered: false });
      await EngineTask.insertMany(
        batch.map((t) => ({
          _id: t._id,
          instanceKey: t.instanceId,
          processId: t.processId,
          processVersion: 1,
          executionId: 'task',
          elementId: t.elementId,
          name: t.name,
          status: 'created',
          candidateGroups: t.candidateGroups,
          candidateUsers: [],
          customHeaders: {},
          variables: '{}',
          createdAt: t.createdAt,
        })) as never[],
        { ordered: false },
      );
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
export async function seedHistory(db: Connection, count: number, staff: Staff[]): Promise<void> {
  const views = new ViewLists(db);
  const Hist = db.collection('inbox_task_history');
  const now = Date.now();
  const span = 3 * 365 * 86_400_000;
  const done = new Map<string, ViewEntry[]>();
  const started = new Map<string, ViewEntry[]>();
  const push = (m: Map<string, ViewEntry[]>, k: string, e: ViewEntry) => {
    let l = m.get(k);
    if (!l) m.set(k, (l = []));
    l.push(e);
  };
  let batch: object[] = [];
  for (let i = 0; i < count; i++) {
    const created = now - span + Math.floor((i / count) * span);
    const by = staff[i % staff.length]!.id;
    const starter = staff[(i * 7 + 3) % staff.length]!.id;
    const t: TaskDoc = {
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
      starter,
      version: 3,
    };
    const { variables: _v, ...doc } = t;
    batch.push(doc);
    const entry = (at: Date): ViewEntry => ({ id: t._id, at: at.getTime(), processId: t.processId, projectId: t.projectId ?? null });
    push(done, by, entry(t.completedAt!));
    push(started, starter, entry(t.createdAt));
    if (batch.length === 2000 || i === count - 1) {
      await Hist.insertMany(batch as never[], { ordered: false });
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
    for (const [user, entries] of m) {
      await views.rebuild(view, user, entries);
      progress('history views', ++lists, done.size + started.size);
    }
  }
  process.stdout.write('\n');
}
