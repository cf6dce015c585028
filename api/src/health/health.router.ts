/** `GET /api/health`: is the database answering, is the engine running, which versions. */
import { Router } from 'express';
import type { Connection } from 'mongoose';
import type { EnginePort } from '@ggzy/engine-workers';
import { API } from '@ggzy/shared/api';
import { bind } from '../http/bind-route';

export interface HealthDeps {
  db: Connection;
  engine: EnginePort & { loadedCount?: number };
  versions: Record<string, string>;
  startedAt: Date;
}

export function healthRouter({ db, engine, versions, startedAt }: HealthDeps): Router {
  const router = Router();
  bind(router, API.health, async ({ res }) => {
    const t0 = process.hrtime.bigint();
    let dbOk = false;
    let dbError: string | undefined;
    try {
      await db.db!.admin().command({ ping: 1 });
      dbOk = true;
    } catch (err) {
      dbError = (err as Error).message;
    }
    const latencyMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const eng = engine.health ? await engine.health() : { ok: true };
    const ok = dbOk && eng.ok;
    const body = {
      status: ok ? 'ok' : 'degraded',
      database: { ok: dbOk, latencyMs: Math.round(latencyMs * 100) / 100, name: db.name, ...(dbError && { error: dbError }) },
      engine: { mode: engine.mode, loadedInstances: engine.loadedCount ?? null, ...eng },
      versions,
      uptimeSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    };
    res.status(ok ? 200 : 503).json(body);
  });
  return router;
}
