/**
 * The job-worker role of the server process (cluster mode, PROCESS_ROLE=workers): the same workers and services as the
 * embedded mode, taking jobs from Zeebe, plus `GET /api/health` for the orchestrator's checks.
 * It serves no user requests and holds no inbox; any number can run side by side.
 */
import type { Server } from 'node:http';
import express from 'express';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { registerWorkers, type EnginePort } from '@ggzy/engine-workers';
import { AuditService } from '../audit/audit.service';
import { notifierWithChannels, type ChannelConfig } from '../notifications/notifier-setup';
import { healthRouter } from '../health/health.router';
import { versions } from '../versions';
import type { Config } from '../config/config';
import { createWorkerServices } from './handler-services';
import { AttachmentStore } from '../attachments/attachments';
import { anchorFromSettings } from '../audit/audit-anchor';
import { InstanceStates } from '../instances/instance-states';
import { ProjectRegister } from '../projects/project-register';
import { ReplicaBus } from '../replicas/replica-bus';
import { listen } from '../http/listen';

export async function startWorkerProcess(deps: {
  db: Connection;
  engine: EnginePort;
  logger: Logger;
  config: Pick<Config, 'PORT' | 'HOST' | 'KEEP_ALIVE_S' | 'TIME_SCALE' | 'AUDIT_HASH' | 'DATA_DIR' | 'AUDIT_KEY' | 'AUDIT_KEY_FILE' | 'AUDIT_CHECKPOINT_FILE'> &
    ChannelConfig;
}): Promise<{ server: Server; stop(): Promise<void> }> {
  const { db, engine, logger, config } = deps;
  const audit = new AuditService(db, { algorithm: config.AUDIT_HASH, anchor: anchorFromSettings(config) });
  // Projects the flows register or move along are told to the API replicas (their register searches a catalogue in memory).
  const projects = new ProjectRegister(db, audit);
  const bus = new ReplicaBus(db, logger.child({ scope: 'replicas' }));
  projects.changed.on('project', (id) => bus.publish({ kind: 'project', payload: { id } }));
  const services = createWorkerServices({
    db,
    projects,
    // (notices are queued for e-mail, SMS and robots here; the API replicas send them)
    notifier: notifierWithChannels(db, config, logger),
    audit,
    // The documents the flows write are small text files: no upload limit concerns them.
    files: new AttachmentStore(db, 1048576),
    dayMs: 86_400_000 * config.TIME_SCALE,
  });
  const workers = registerWorkers(engine, services);
  // No inbox runs here: an incident a worker causes is marked on the instance for the admins' lists.
  const states = new InstanceStates(db);
  engine.on('incident.created', (i) => states.move(i.instanceKey, 'active', 'incident').then(() => undefined));
  const app = express();
  app.disable('x-powered-by');
  app.use('/api', healthRouter({ db, engine, versions: versions(), startedAt: new Date() }));
  const server = listen(app, config, () => logger.info({ port: config.PORT }, 'job workers ready (health on /api/health)'));
  return {
    server,
    async stop() {
      workers.close();
    },
  };
}
