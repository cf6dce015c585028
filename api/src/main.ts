/**
 * The server process. Embedded mode (the default): API, engine and job workers in one process, as
 * `npm start` runs it. Cluster mode (ENGINE_MODE=cluster): Zeebe runs the processes; this file runs
 * as an API replica (PROCESS_ROLE=api), as a job-worker replica (PROCESS_ROLE=workers), or both.
 */
import path from 'node:path';
import mongoose from 'mongoose';
import pino from 'pino';
import { EmbeddedEngine, ZeebeEngine, type EnginePort } from '@ggzy/engine-workers';
import { buildSystem } from './system';
import { loadConfig, type Config } from './config/config';
import { startWorkerProcess } from './worker-role/worker-role';
import { listen } from './http/listen';

function createEngine(config: Config, db: mongoose.Connection, logger: pino.Logger): EnginePort {
  if (config.ENGINE_MODE === 'cluster') {
    // Gateway and REST addresses, OAuth and TLS come from the environment (README, "Cluster mode").
    return new ZeebeEngine({ connection: db, logger, inboxListeners: config.PROCESS_ROLE !== 'workers' });
  }
  return new EmbeddedEngine({ connection: db, logger, leaseMs: config.ENGINE_LEASE_MS, pollMs: config.ENGINE_POLL_MS });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.LOG_LEVEL, base: { service: `ggzy-${config.PROCESS_ROLE}` } });
  const db = mongoose.createConnection(config.MONGODB_URI, { serverSelectionTimeoutMS: 10_000 });
  await db.asPromise();
  logger.info({ db: db.name, mode: config.ENGINE_MODE, role: config.PROCESS_ROLE }, 'database connected');

  const engine = createEngine(config, db, logger);

  let stopApp: () => Promise<void>;
  let server: import('node:http').Server;
  if (config.PROCESS_ROLE === 'workers') {
    await engine.start();
    ({ server, stop: stopApp } = await startWorkerProcess({ db, engine, logger, config }));
  } else {
    const system = buildSystem({
      db,
      engine,
      logger,
      settings: {
        ...config,
        runWorkers: config.PROCESS_ROLE === 'all',
        // A cluster's commands may have to wait for it; the embedded engine tells the inbox itself.
        CATCH_UP_MS: config.CATCH_UP_MS ?? (config.ENGINE_MODE === 'cluster' ? 60_000 : 600_000),
        processesDir: config.PROCESSES_DIR ?? path.resolve(__dirname, '../../processes'),
        webDir: config.WEB_DIR ?? path.resolve(__dirname, '../../web/dist/browser'),
      },
    });
    // The inbox listens before the engine starts: events it had not taken are told again at start
    // (they wait until the inbox has loaded).
    await engine.start();
    await system.start();
    server = listen(system.app, config, () => {
      const url = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT}/`;
      logger.info({ url }, 'ready');
      process.stdout.write(`\n  湘西州公共资源交易中心 “12345” 流程系统 is running at ${url}\n  health: ${url}api/health\n\n`);
    });
    stopApp = () => system.stop();
  }
  server.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EADDRINUSE') {
      process.stderr.write(`\n✖ Port ${config.PORT} is taken. Start with PORT=<free port> npm start.\n`);
      process.exit(1);
    }
    throw err;
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close();
    server.closeAllConnections?.();
    await stopApp();
    await engine.stop();
    await db.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`\n✖ ${(err as Error).message}\n`);
  process.exit(1);
});
