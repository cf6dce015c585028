/**
 * How a loaded instance is written: its engine state and variables first (by instance key, over
 * several collections, see state-store.ts), then — when it is let go — its row (status, next
 * wake-up, where its tokens are) and its lease. Also the reads that make sense of a crash: the
 * row and state of an instance, the waits a dead process opened but never saved, and the
 * leftovers of an instance that ended.
 */
import type { Logger } from 'pino';
import type { InstanceRunner, Snapshot } from './instance-runner';
import type { Leases } from './leases';
import type { EngineModels } from './models';
import type { InstanceMeta } from './state-store';

/** The instance row and its state; until an instance is first let go, its state speaks for the row. */
export async function readInstance(models: EngineModels, key: string) {
  const [row, st] = await Promise.all([models.Instance.findById(key).lean(), models.states.get(key)]);
  const fromState = st?.meta ? { ...st.meta, _id: key, status: 'active' as const, activeElements: [] as string[], wakeAt: null, endedAt: undefined } : null;
  return { row, st, doc: row ?? fromState };
}

export class InstanceWrites {
  constructor(
    private readonly models: EngineModels,
    private readonly leases: Leases,
    private readonly logger: Logger,
    /** Someone asked for the instance while it was held: drive it again. */
    private readonly driveAgain: (key: string) => void,
  ) {}

  read(key: string) {
    return readInstance(this.models, key);
  }

  /** The write of a snapshot; `release`: the instance is let go (row written, lease released). */
  write(inst: InstanceRunner, snap: Snapshot, release: boolean) {
    return async (): Promise<void> => {
      const { Instance, states } = this.models;
      const state = { state: snap.state, variables: snap.variables, ended: inst.ended };
      if (!inst.persisted) {
        try {
          await states.insert({ _id: inst.key, ...state, meta: this.rowMeta(inst) });
        } catch (err) {
          if ((err as { code?: number }).code === 11000) {
            inst.leaseLost = true;
            return;
          }
          throw err;
        }
        inst.persisted = true;
      } else {
        // State first: whoever sees the instance row change (ended, waiting) then reads the matching variables.
        await states.update(inst.key, state);
      }
      if (!release) return;
      // The instance row is written when the instance is let go: inserted the first time (an insert
      // costs the same at any size on FerretDB 1.x), updated after that.
      if (inst.rowWritten) await Instance.updateOne({ _id: inst.key }, { $set: snap.instance });
      else {
        await Instance.collection.insertOne({ _id: inst.key, ...this.rowMeta(inst), ...snap.instance } as never).catch(async (err: { code?: number }) => {
          if (err.code !== 11000) throw err;
          await Instance.updateOne({ _id: inst.key }, { $set: snap.instance });
        });
        inst.rowWritten = true;
      }
      const { wasHeld, wake } = await this.leases.release(inst.key);
      if (!wasHeld) {
        inst.leaseLost = true;
        this.logger.warn({ instance: inst.key }, 'lease lost; another process drives this instance');
      } else if (wake && snap.instance.status === 'active') {
        this.driveAgain(inst.key); // someone asked while we held it
      }
    };
  }

  private rowMeta(inst: InstanceRunner): InstanceMeta {
    return {
      processId: inst.def.processId,
      version: inst.def.version,
      definitionKey: inst.def.key,
      ...(inst.meta.parentKey && { parentKey: inst.meta.parentKey, parentExecutionId: inst.meta.parentExecutionId }),
      ...(inst.meta.startElementId && { startElementId: inst.meta.startElementId }),
      startedAt: inst.meta.startedAt,
    };
  }

  /** Taken over from a process that died: close waits it opened but never saved. */
  async closeUnsaved(inst: InstanceRunner): Promise<void> {
    const execIds = inst.waiters.all().map((w) => w.executionId);
    const { UserTask, Subscription, Job } = this.models;
    await UserTask.updateMany(
      { instanceKey: inst.key, status: 'created', executionId: { $nin: execIds } },
      { $set: { status: 'canceled', completedAt: new Date() } },
    );
    await Subscription.updateMany({ instanceKey: inst.key, status: 'open', executionId: { $nin: execIds } }, { $set: { status: 'closed' } });
    await Job.updateMany(
      { instanceKey: inst.key, status: { $in: ['activatable', 'failed'] }, executionId: { $nin: execIds } },
      { $set: { status: 'canceled' } },
    );
  }

  /** An instance that ended: its open tasks, subscriptions, jobs and incidents are closed. */
  async closeLeftovers(inst: InstanceRunner): Promise<void> {
    const { UserTask, Subscription, Job, Incident } = this.models;
    const now = new Date();
    const openTasks = await UserTask.find({ instanceKey: inst.key, status: 'created' }).lean();
    if (openTasks.length) {
      await UserTask.updateMany({ instanceKey: inst.key, status: 'created' }, { $set: { status: 'canceled', completedAt: now } });
      for (const t of openTasks) inst.emitLater('userTask.canceled', { ...t, status: 'canceled' });
    }
    await Subscription.updateMany({ instanceKey: inst.key, status: 'open' }, { $set: { status: 'closed' } });
    await Job.updateMany({ instanceKey: inst.key, status: { $in: ['activatable', 'failed', 'incident', 'running'] } }, { $set: { status: 'canceled' } });
    await Incident.updateMany({ instanceKey: inst.key, status: 'open' }, { $set: { status: 'resolved', resolvedAt: now } });
  }
}
