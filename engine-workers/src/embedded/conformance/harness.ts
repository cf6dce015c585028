/** One engine on its own database per spec file, with the fixtures it deploys. */
import type { Connection } from 'mongoose';
import type { InstanceView, JobHandler, UserTaskRecord } from '../../port/engine-port';
import type { EmbeddedEngine, EmbeddedEngineOptions } from '../embedded-engine';
import { connectTestDb, eventually, testEngine } from '../../testing/test-db';
import { fixture } from './fixtures';

export interface Harness {
  engine: EmbeddedEngine;
  conn: Connection;
  /** Resolves when the instance has ended with `status`. */
  ended(key: string, status?: InstanceView['status']): Promise<InstanceView>;
  /** Open user tasks of an instance, oldest first. */
  openTasks(instanceKey: string, elementId?: string): Promise<UserTaskRecord[]>;
  /** Waits for `count` open tasks at `elementId`. */
  waitTasks(instanceKey: string, elementId: string, count?: number): Promise<UserTaskRecord[]>;
  close(): Promise<void>;
}

export async function harness(
  name: string,
  fixtures: string[],
  workers: Record<string, JobHandler> = {},
  opts: Partial<EmbeddedEngineOptions> = {},
): Promise<Harness> {
  const conn = await connectTestDb(name);
  const engine = testEngine(conn, opts);
  for (const [taskType, handler] of Object.entries(workers)) engine.createWorker({ taskType, handler });
  await engine.start();
  if (fixtures.length) await engine.deploy(fixtures.map(fixture));
  const openTasks = async (instanceKey: string, elementId?: string) => {
    const tasks = await engine.openTasksOf(instanceKey);
    return tasks.filter((t) => !elementId || t.elementId === elementId).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  };
  return {
    engine,
    conn,
    ended: (key, status = 'completed') =>
      eventually(
        async () => {
          const v = await engine.getInstance(key);
          return v.status === status && v;
        },
        10_000,
        `instance ${key} ${status}`,
      ),
    openTasks,
    waitTasks: (instanceKey, elementId, count = 1) =>
      eventually(
        async () => {
          const t = await openTasks(instanceKey, elementId);
          return t.length === count && t;
        },
        10_000,
        `${count} open task(s) at ${elementId}`,
      ),
    close: async () => {
      await engine.stop();
      await conn.dropDatabase();
      await conn.close();
    },
  };
}
