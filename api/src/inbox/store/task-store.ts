/**
 * Where inbox tasks live: one interface, two layouts (see `createTaskStore`).
 *
 * - `memory` (the embedded default, one API process): the live inbox (open tasks) is held in
 *   memory and answers the busy views at once; each act is one inserted log record; closed tasks
 *   and each person's history views live apart, read by id (see MemoryTaskStore).
 * - `database` (a real MongoDB, several API replicas): guarded `findOneAndUpdate` on
 *   `inbox_tasks` and indexed queries (see DatabaseTaskStore).
 *
 * Both promise the same: a change applies only to the version it expects, so of two people acting
 * on one task at once exactly one wins; an act's audit event is chained only when its change has
 * landed, and is never lost once it has.
 */
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { AuditInput, AuditService } from '../../audit/audit.service';
import type { TaskDoc } from '../task.model';
import type { TaskFilter } from './task-filter';
import type { TaskSort } from './task-sort';
import type { TaskChange } from './task-change';
import { MemoryTaskStore, type MemoryStoreOptions } from './memory-task-store';
import { DatabaseTaskStore } from './database-task-store';

export type { TaskFilter } from './task-filter';
export type { TaskSort } from './task-sort';
export type { TaskChange } from './task-change';

export type TaskStoreMode = 'memory' | 'database';

/** A person's history views: 已办, 我发起的, 抄送我的. */
export type HistoryView = 'done' | 'started' | 'cc';

/** Who takes part in an instance (its tasks' people, its starter, those CC'd), its groups, and where it stands. */
export interface InstancePeople {
  participants: Set<string>;
  groups: Set<string>;
  /** Names of its open steps. */
  currentSteps: string[];
}

export interface TaskStore {
  readonly mode: TaskStoreMode;
  /** The audit trail that the events given to `change` go to. */
  useAudit(audit: AuditService, onError: (err: unknown) => void): void;
  /** Read what the layout keeps in memory (memory layout); the number of tasks. */
  load(): Promise<number>;
  /** Store a new task; false when it is already there. */
  insert(doc: TaskDoc): Promise<boolean>;
  /** A task without its variables (see `variables`). */
  get(id: string): Promise<TaskDoc | null>;
  variables(id: string): Promise<Record<string, unknown>>;
  /**
   * Apply a change if the task is still at `expectVersion` (and open, unless `anyStatus`);
   * returns the task after it, or null when someone else changed it first. `audit`: the act's
   * event, appended to the trail when the change lands (never when it is refused).
   */
  change(id: string, expectVersion: number, ch: TaskChange, opts?: { anyStatus?: boolean }, audit?: AuditInput): Promise<TaskDoc | null>;
  /** Change every task matching a filter (retrying each on a concurrent change); returns those changed. */
  changeAll(filter: TaskFilter, ch: TaskChange): Promise<TaskDoc[]>;
  find(filter: TaskFilter, sort?: TaskSort, skip?: number, limit?: number): Promise<TaskDoc[]>;
  /** One page of the matching tasks, sorted, and how many match in all. */
  page(filter: TaskFilter, sort: TaskSort, skip: number, limit: number): Promise<{ items: TaskDoc[]; total: number }>;
  count(filter: TaskFilter): Promise<number>;
  exists(filter: TaskFilter): Promise<boolean>;
  /**
   * A page of a person's history view, newest first: done (by completion), started (by
   * creation), cc (by when it was copied to them); `filter` narrows it further.
   */
  historyPage(view: HistoryView, user: string, filter: TaskFilter, skip: number, limit: number): Promise<{ items: TaskDoc[]; total: number }>;
  historyCount(view: HistoryView, user: string): Promise<number>;
  /** A task was copied (抄送) to a person: it is in their cc view, and they take part in its instance. */
  addCc(task: TaskDoc, userId: string, at: Date): Promise<void>;
  instancePeople(instanceId: string): Promise<InstancePeople>;
  /** The instance has ended: what it was goes to history once its tasks are closed. */
  endInstance(instanceId: string): Promise<void>;
  /**
   * Engine steps completed here whose completion the engine has not yet confirmed, when the
   * layout knows them without a search (the memory layout keeps them live until confirmed); null
   * when it does not (the link then compares with the engine's open tasks).
   */
  awaitingEngine(): TaskDoc[] | null;
  /** The engine has the completion of this task (it took it, or told it back). */
  engineConfirmed(id: string): void;
  /** Let go (timers); a snapshot is taken where the layout keeps one. */
  close(): Promise<void>;
}

export function createTaskStore(db: Connection, mode: TaskStoreMode, opts: { logger?: Pick<Logger, 'info'>; memory?: MemoryStoreOptions } = {}): TaskStore {
  return mode === 'memory' ? new MemoryTaskStore(db, opts.memory, opts.logger) : new DatabaseTaskStore(db);
}
