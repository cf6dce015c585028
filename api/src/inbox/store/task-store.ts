/**
 * Where inbox tasks live: one interface, two layouts (see `createTaskStore`).
 *
 * - `memory` (the embedded default, one API process): every task is held in memory and answers
 *   the views at once; the database gets each task once (insert) and each change as a new
 *   document `<task>#<version>` (see MemoryTaskStore).
 * - `database` (a real MongoDB, several API replicas): guarded `findOneAndUpdate` on
 *   `inbox_tasks` and indexed queries (see DatabaseTaskStore).
 *
 * Both promise the same: a change applies only to the version it expects, so of two people acting
 * on one task at once exactly one wins; an act's audit event is chained only when its change has
 * landed, and is never lost once it has.
 */
import type { Connection } from 'mongoose';
import type { AuditInput, AuditService } from '../../audit/audit.service';
import type { TaskDoc } from '../task.model';
import type { TaskFilter } from './task-filter';
import type { TaskSort } from './task-sort';
import type { TaskChange } from './task-change';
import { MemoryTaskStore } from './memory-task-store';
import { DatabaseTaskStore } from './database-task-store';

export type { TaskFilter } from './task-filter';
export type { TaskSort } from './task-sort';
export type { TaskChange } from './task-change';

export type TaskStoreMode = 'memory' | 'database';

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
}

export function createTaskStore(db: Connection, mode: TaskStoreMode): TaskStore {
  return mode === 'memory' ? new MemoryTaskStore(db) : new DatabaseTaskStore(db);
}
