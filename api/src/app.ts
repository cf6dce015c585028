/**
 * The composition root of the HTTP API: everything it needs is passed in, so tests build the
 * app with a real database and engine of their own.
 */
import express, { type Express } from 'express';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { EnginePort } from '@ggzy/engine-workers';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { healthRouter } from './health/health.router';
import { versions } from './versions';

export interface AppDeps {
  db: Connection;
  engine: EnginePort & { loadedCount?: number };
  logger: Logger;
}

export function createApp({ db, engine, logger }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(express.json({ limit: '1mb' }));
  app.use('/api', healthRouter({ db, engine, versions: versions(), startedAt: new Date() }));
  app.use('/api', notFoundHandler());
  app.use(errorHandler(logger.child({ scope: 'http' })));
  return app;
}
