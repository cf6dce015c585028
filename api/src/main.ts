/**
 * The embedded-mode process: API, engine and workers in one. `npm start` runs it with the
 * embedded database; in cluster mode the same file runs the API only (see README).
 */
import path from 'node:path';
import mongoose from 'mongoose';
import pino from 'pino';
import { EmbeddedEngine } from '@ggzy/engine-workers';
import { buildSystem } from './system';
import { loadConfig } from './config/config';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.LOG_LEVEL, base: { service: 'ggzy' } });
  const db = mongoose.createConnection(config.MONGODB_URI, { serverSelectionTimeoutMS: 10_000 });
  await db.asPromise();
  logger.info({ db: db.name }, 'database connected');

  const engine = new EmbeddedEngine({ connection: db, logger, leaseMs: config.ENGINE_LEASE_MS, pollMs: config.ENGINE_POLL_MS });
  await engine.start();

  const system = buildSystem({
    db,
    engine,
    logger,
    settings: {
      ...config,
      processesDir: config.PROCESSES_DIR ?? path.resolve(__dirname, '../../processes'),
      webDir: config.WEB_DIR ?? path.resolve(__dirname, '../../web/dist/browser'),
    },
  });
  await system.start();
  const app = system.app;
  const server = app.listen(config.PORT, config.HOST, () => {
    const url = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT}/`;
    logger.info({ url }, 'ready');
    process.stdout.write(`\n  湘西州公共资源交易中心 “12345” 流程系统 is running at ${url}\n  health: ${url}api/health\n\n`);
  });
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
    await system.stop();
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
