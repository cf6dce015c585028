/**
 * An engine process for the durability tests: it is started, killed with SIGKILL at random
 * moments and started again. Its job handlers record every run (to count at-least-once
 * deliveries), and a simulated user completes every open task of the crash flow.
 *
 * Env: MONGODB_URI (with database), LEASE_MS; CRASH_AFTER_HISTORY=1: the process kills itself
 * the moment the database has answered the first write into the engine's history, that is in the
 * middle of moving an ended instance out of the runtime.
 */
import mongoose from 'mongoose';
import pino from 'pino';
import { EmbeddedEngine } from '../embedded/embedded-engine';
import { jobOutcome } from '../port/engine-port';

async function main(): Promise<void> {
  const crashAfterHistory = process.env.CRASH_AFTER_HISTORY === '1';
  const conn = mongoose.createConnection(process.env.MONGODB_URI!, { monitorCommands: crashAfterHistory });
  await conn.asPromise();
  if (crashAfterHistory) {
    const historyInserts = new Set<number>();
    const client = conn.getClient();
    client.on('commandStarted', (e) => {
      if (e.commandName === 'insert' && (e.command as { insert?: string }).insert === 'engine_history') historyInserts.add(e.requestId);
    });
    client.on('commandSucceeded', (e) => {
      if (historyInserts.has(e.requestId)) process.kill(process.pid, 'SIGKILL');
    });
  }
  const effects = conn.collection('crash_effects');
  const engine = new EmbeddedEngine({
    connection: conn,
    logger: pino({ level: process.env.LOG_LEVEL ?? 'silent' }),
    pollMs: 100,
    leaseMs: Number(process.env.LEASE_MS ?? 2000),
  });
  engine.createWorker({
    taskType: 'crash.step',
    handler: async (job) => {
      await effects.insertOne({ instanceKey: job.processInstanceKey, elementId: job.elementId, jobKey: job.key, pid: process.pid });
      return jobOutcome.complete({ step: `${job.elementId}@${String(job.variables.idx)}` });
    },
  });
  engine.createWorker({
    taskType: 'crash.double',
    handler: async (job) => {
      await effects.insertOne({ instanceKey: job.processInstanceKey, elementId: job.elementId, jobKey: job.key, pid: process.pid });
      return jobOutcome.complete({ twice: Number(job.variables.item) * 2 });
    },
  });
  await engine.start();

  // The simulated approver: completes open tasks, also those created before a crash.
  const approve = async () => {
    const open = (await engine.listOpenUserTasks()).filter((t) => t.processId === 'crash-flow').slice(0, 50);
    for (const t of open) {
      await engine.completeUserTask(t.key, { approved: true }).catch(() => undefined);
    }
  };
  engine.on('userTask.created', () => void approve());
  setInterval(() => void approve(), 200);
  process.send?.('ready');
  process.on('SIGTERM', () => {
    void engine.stop().then(() => process.exit(0));
  });
}

void main();
