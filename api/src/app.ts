/**
 * The HTTP app: public routes (health, login, OpenAPI, published reports), then everything else
 * behind the bearer-token check. Services are passed in (see system.ts).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import helmet from 'helmet';
import express from 'express';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { EnginePort } from '@ggzy/engine-workers';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { requestLog } from './http/request-log';
import { healthRouter } from './health/health.router';
import { versions } from './versions';
import type { AuthService } from './people/auth.service';
import { authRouter, requireAuth } from './people/auth.router';
import type { FirstAdmin } from './people/first-admin';
import type { ProjectPauses } from './projects/project-pauses';
import { recordsRouter } from './records/records.router';
import type { LoginGuard } from './people/login-guard';
import type { StreamTickets } from './inbox/stream-tickets';
import type { UploadQuota } from './attachments/upload-quota';
import { usersRouter } from './people/users.router';
import { usersAdminRouter } from './people/users-admin.router';
import type { AuditService } from './audit/audit.service';
import { auditRouter } from './audit/audit.router';
import type { InboxService } from './inbox/inbox.service';
import type { TaskActions } from './inbox/actions/task-actions';
import { inboxRouter } from './inbox/inbox.router';
import type { InstancesService } from './instances/instances.service';
import type { FlowCatalog } from './instances/flow-catalog';
import type { DashboardService } from './dashboard/dashboard';
import { dashboardRouter } from './dashboard/dashboard.router';
import type { DefinitionOrigins } from './instances/definition-origins';
import type { ReplicaBus } from './replicas/replica-bus';
import { definitionsRouter, instancesRouter } from './instances/instances.router';
import type { FormRegistry } from './forms/form-registry';
import type { Notifier } from './notifications/notifier';
import { notificationsRouter } from './notifications/notifications.router';
import type { AttachmentStore } from './attachments/attachments';
import { attachmentsRouter } from './attachments/attachments.router';
import { archivesRouter, publicRouter } from './archives/archives.router';
import { openApiRouter } from './openapi/openapi';
import { projectsRouter } from './projects/projects.router';
import type { ProjectRegister } from './projects/project-register';
import type { ProjectImport } from './projects/project-import';
import type { VenueCalendar } from './venues/venue-calendar';
import { venuesRouter } from './venues/venues.router';
import type { WitnessRecords } from './witness/witness-records';
import { witnessRouter } from './witness/witness.router';
import { areaLogsRouter } from './area/area-logs';
import { complaintsPublicRouter } from './complaints/complaints';
import { ledgersRouter } from './ledgers/ledgers.router';
import { ratingLinkRouter, ratingsPublicRouter } from './ledgers/ratings';
import { creditPublicRouter } from './ledgers/credit';
import { bulletinDocumentRouter, bulletinsPublicRouter } from './bulletins/bulletins';
import type { Ledgers } from './ledgers/ledger-store';
import { agentsRouter } from './agents/agents';
import { dispatchesRouter, publicReportRouter } from './records/dispatches.router';
import type { WitnessBooks } from './witness/witness-books';
import { calendarRouter } from './calendar/calendar.router';
import type { WorkCalendar } from './calendar/work-calendar';
import { eventsRouter } from './inbox/events.router';

export interface AppDeps {
  db: Connection;
  engine: EnginePort & { loadedCount?: number };
  logger: Logger;
  auth: AuthService;
  audit: AuditService;
  inbox: InboxService;
  actions: TaskActions;
  instances: InstancesService;
  catalog: FlowCatalog;
  dashboard: DashboardService;
  origins: DefinitionOrigins;
  /** What the other API replicas tell (the database layout), or null. */
  replicas?: ReplicaBus | null;
  forms: FormRegistry;
  notifier: Notifier;
  files: AttachmentStore;
  calendar: WorkCalendar;
  /** The limits and summaries around sign-in. */
  loginGuard: LoginGuard;
  /** Projects paused on a report, and their pauses lifted. */
  pauses: ProjectPauses;
  /** The project register and its sheet import. */
  projects: ProjectRegister;
  projectImports: ProjectImport;
  /** Rooms, their bookings and the hall board. */
  venues: VenueCalendar;
  witness: WitnessRecords;
  witnessBooks: WitnessBooks;
  ledgers: Ledgers;
  /** The first admin's set-up, when there are no users. */
  firstAdmin: FirstAdmin;
  streamTickets: StreamTickets;
  /** What one person may upload: bytes per day, files per minute. */
  uploads: { quota: UploadQuota; perMinute: number };
  trustProxy?: string | false;
  /** The built web app (web/dist/browser), served on the same port; absent in API-only runs. */
  webDir?: string;
}

/** The largest JSON request body taken. */
const JSON_LIMIT_BYTES = 1024 * 1024;

export function createApp(d: AppDeps): express.Express {
  const app = express();
  const v = versions();
  const httpLogger = d.logger.child({ scope: 'http' });
  app.disable('x-powered-by');
  // Behind a reverse proxy, say which (TRUST_PROXY); otherwise client addresses are taken as they come.
  app.set('trust proxy', d.trustProxy ?? false);
  app.set('query parser', 'simple');
  // API answers change with every request; hashing each body for an ETag only costs time (static files keep theirs).
  app.set('etag', false);
  app.use(requestLog(httpLogger));
  app.use(securityHeaders());
  app.use('/api', healthRouter({ db: d.db, engine: d.engine, versions: v, startedAt: new Date() }));
  app.use('/api', openApiRouter(v.app));
  const auth = authRouter(d.auth, d.audit, d.loginGuard, d.firstAdmin);
  app.use('/api', auth.publicRoutes);
  app.use('/api', publicRouter(d.db));
  const venues = venuesRouter(d.venues);
  app.use('/api', venues.publicRoutes);
  app.use('/api', complaintsPublicRouter(d.db));
  app.use('/api', ratingsPublicRouter(d.db, d.ledgers, d.notifier));
  app.use('/api', creditPublicRouter(d.db));
  app.use('/api', bulletinsPublicRouter(d.db));
  app.use('/api', publicReportRouter(d.db));
  const events = eventsRouter(d.inbox, d.notifier, d.auth, d.streamTickets, { replicas: d.replicas, instances: d.instances });
  // the live-update stream takes a one-time ticket (or the bearer token) itself
  app.use('/api', events.publicRoutes);
  // The token is checked before any body is read: nobody unknown makes the server read or inflate one.
  app.use('/api', requireAuth(d.auth));
  app.use('/api', express.json({ limit: JSON_LIMIT_BYTES }));
  app.use('/api', auth.routes);
  app.use('/api', inboxRouter(d.inbox, d.actions));
  app.use('/api', usersRouter(d.db));
  app.use('/api', calendarRouter(d.calendar, d.audit));
  app.use('/api', usersAdminRouter(d.db, d.audit, d.auth));
  app.use('/api', projectsRouter(d.db, d.projects, d.projectImports, d.pauses, d.instances, d.venues));
  app.use('/api', venues.routes);
  app.use('/api', areaLogsRouter(d.db, d.venues, d.audit));
  app.use('/api', witnessRouter(d.db, d.witness, d.venues, d.witnessBooks, d.files));
  app.use('/api', definitionsRouter(d.engine, d.catalog, d.forms, d.audit, d.instances, d.origins));
  app.use('/api', instancesRouter(d.instances));
  app.use('/api', events.routes);
  app.use('/api', attachmentsRouter(d.files, d.instances, d.inbox, d.audit, { db: d.db, ...d.uploads }));
  app.use('/api', archivesRouter(d.db, d.audit));
  app.use('/api', recordsRouter(d.db));
  app.use('/api', ledgersRouter(d.db, d.ledgers, d.audit));
  app.use('/api', ratingLinkRouter(d.db));
  app.use('/api', agentsRouter(d.db, d.audit));
  app.use('/api', bulletinDocumentRouter(d.db));
  app.use('/api', dispatchesRouter(d.db, d.instances));
  app.use('/api', dashboardRouter(d.dashboard));
  app.use('/api', notificationsRouter(d.notifier, d.instances, d.audit));
  app.use('/api', auditRouter(d.audit, d.instances));
  app.use('/api', notFoundHandler());
  if (d.webDir && existsSync(path.join(d.webDir, 'index.html'))) {
    const index = path.join(d.webDir, 'index.html');
    app.use(express.static(d.webDir, { index: false, maxAge: '1h' }));
    // Client-side routes (/inbox, /tasks/…) all load the app.
    app.get('/{*splat}', (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index);
    });
  } else {
    app.get('/', (_req, res) => {
      res
        .type('html')
        .send(
          '<!doctype html><meta charset="utf-8"><p>The web app is not built: run <code>npm start</code> (it builds it) or <code>npm run build -w web</code>. API: <a href="/api/docs">/api/docs</a></p>',
        );
    });
  }
  app.use(errorHandler(httpLogger));
  return app;
}

/**
 * Security headers on every answer (helmet): a content security policy that the Angular app,
 * ng-zorro, bpmn-js and form-js work under — scripts only from this origin, no inline scripts;
 * inline styles allowed, because those libraries set styles at run time — no framing, no MIME
 * sniffing, no referrer beyond this origin. HSTS only on a request that came over TLS (behind a
 * proxy: TRUST_PROXY), so that a plain-HTTP intranet install is not locked out.
 */
function securityHeaders(): express.RequestHandler {
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'same-origin' },
  });
  return (req, res, next) => {
    if (req.secure) res.setHeader('Strict-Transport-Security', 'max-age=15552000; includeSubDomains');
    headers(req, res, next);
  };
}
