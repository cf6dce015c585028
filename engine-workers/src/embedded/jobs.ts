/**
 * Jobs of service tasks: run at once by a worker in this process when there is one (the common
 * case), otherwise stored and taken by the poll loop of a process that has the worker. A stored
 * job's outcome is an outcome document `j:<job key>` (the first report wins), which its instance
 * applies and then deletes the job; handlers may run twice after a crash (at least once). The
 * collection of stored jobs holds only jobs not yet done, so the poll reads little.
 */
import type { Logger } from 'pino';
import type { Job, JobHandler, JobOutcome, Variables, WorkerOptions } from '../port/engine-port';
import { runJobHandler } from '../port/run-handler';
import type { InstanceRunner, LocalJob } from './instance-runner';
import type { GroupCommit } from './group-commit';
import type { JobDoc, EngineModels } from './models';
import type { Waiter } from './waiters';

export interface JobHost {
  readonly running: boolean;
  /** Run an operation in an instance's actor without waiting. */
  fire(key: string, op: (inst: InstanceRunner | undefined) => Promise<void>): void;
  /** Settle and write an instance after an operation. */
  afterOp(inst: InstanceRunner): Promise<unknown>;
  /** Something happened to an instance: let it move on. */
  touch(key: string): Promise<void>;
}

export class Jobs {
  private readonly workers = new Map<string, (job: Job) => Promise<JobOutcome>>();
  private readonly runningStored = new Set<string>();

  constructor(
    private readonly models: EngineModels,
    private readonly commit: GroupCommit,
    private readonly logger: Logger,
    private readonly owner: string,
    private readonly jobTimeoutMs: number,
    private readonly host: JobHost,
  ) {}

  createWorker<V extends Variables = Variables>(opts: WorkerOptions<V>): { close(): void } {
    if (this.workers.has(opts.taskType)) throw new Error(`a worker for ${opts.taskType} is already registered`);
    this.workers.set(opts.taskType, opts.handler as unknown as (job: Job) => Promise<JobOutcome>);
    if (this.host.running) void this.poll();
    return { close: () => this.workers.delete(opts.taskType) };
  }

  hasLocalWorker(type: string): boolean {
    return this.workers.has(type);
  }

  private run(type: string, job: Job): Promise<JobOutcome> {
    return runJobHandler(this.workers.get(type) as JobHandler<Variables> | undefined, job, this.logger);
  }

  /** Run a job of a loaded instance now; its outcome is applied inside the instance's actor. */
  runLocal(inst: InstanceRunner, waiter: Waiter, job: LocalJob): void {
    const w = waiter as Waiter & { kind: 'job' };
    const payload: Job = {
      key: job.key,
      type: job.type,
      processInstanceKey: inst.key,
      processId: inst.def.processId,
      elementId: w.elementId,
      retries: job.retries,
      variables: job.variables,
      customHeaders: job.customHeaders,
    };
    void this.run(job.type, payload).then((outcome) =>
      this.host.fire(inst.key, async (current) => {
        if (current !== inst) return; // dropped meanwhile; the job runs again when the instance resumes
        inst.onLocalJobDone(w, job, outcome);
        await this.host.afterOp(inst);
      }),
    );
  }

  /** Jobs waiting in the database: retries after back-off, resolved incidents, types without a local worker at the time. */
  async poll(): Promise<void> {
    const types = [...this.workers.keys()];
    if (!types.length) return;
    const now = new Date();
    const { jobs, outcomes } = this.models;
    const due = await jobs
      .find({
        type: { $in: types },
        $or: [
          { status: { $in: ['activatable', 'failed'] }, runAt: { $lte: now } },
          { status: 'running', lockedUntil: { $lt: now } },
        ],
      })
      .limit(32)
      .toArray();
    for (const d of due) {
      if (this.runningStored.has(d._id)) continue;
      // Reported already, its instance not yet done with it: not run again.
      if (await outcomes.findOne({ _id: `j:${d._id}` })) continue;
      const claimed = await jobs.findOneAndUpdate(
        { _id: d._id, status: d.status, runAt: d.runAt },
        { $set: { status: 'running', lockedUntil: new Date(Date.now() + this.jobTimeoutMs), lockedBy: this.owner } },
        { returnDocument: 'after' },
      );
      if (!claimed) continue;
      // Run without holding up the poll loop.
      this.runningStored.add(claimed._id);
      void this.runStored(claimed)
        .catch((err: unknown) => this.logger.error({ err, job: claimed._id }, 'stored job failed'))
        .finally(() => this.runningStored.delete(claimed._id));
    }
  }

  private async runStored(doc: JobDoc): Promise<void> {
    const outcome = await this.run(doc.type, {
      key: doc._id,
      type: doc.type,
      processInstanceKey: doc.instanceKey,
      processId: doc.processId,
      elementId: doc.elementId,
      retries: doc.retries,
      variables: JSON.parse(doc.variables) as Variables,
      customHeaders: doc.customHeaders ?? {},
    });
    const reported = await this.commit.insert(this.models.outcomes, {
      _id: `j:${doc._id}`,
      instanceKey: doc.instanceKey,
      at: new Date(),
      payload: JSON.stringify(outcome),
    });
    if (reported) await this.host.touch(doc.instanceKey);
  }
}
