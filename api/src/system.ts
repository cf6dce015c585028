/**
 * Builds the whole embedded-mode system on a database and an engine: services, job workers,
 * the inbox's link to the engine, the SLA monitor, and the HTTP app. `main.ts` and the scenario
 * tests both use it, so tests run exactly what users run.
 */
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { registerWorkers, type EnginePort, type UserTaskRecord } from '@ggzy/engine-workers';
import type { Express } from 'express';
import { createApp } from './app';
import { AuditService } from './audit/audit.service';
import { buildInstanceListsInBackground } from './instances/instance-lists-build';
import { InstanceIndex } from './instances/instance-index';
import { commentModel } from './comments/comment.model';
import { StreamTickets } from './inbox/stream-tickets';
import { UploadQuota } from './attachments/upload-quota';
import { anchorFromSettings } from './audit/audit-anchor';
import { AuthService } from './people/auth.service';
import { FormRegistry } from './forms/form-registry';
import type { Notifier } from './notifications/notifier';
import { notifierWithChannels, type ChannelConfig } from './notifications/notifier-setup';
import { InboxService } from './inbox/inbox.service';
import { TaskActions } from './inbox/actions/task-actions';
import { EngineLink } from './inbox/engine-link';
import { SlaMonitor } from './inbox/sla-monitor';
import { FlowCatalog } from './instances/flow-catalog';
import { DefinitionOrigins } from './instances/definition-origins';
import { StartRequests } from './instances/start-requests';
import { LoginGuard } from './people/login-guard';
import { SoleHolder } from './inbox/store/sole-holder';
import { ReplicaBus } from './replicas/replica-bus';
import { InstancesService } from './instances/instances.service';
import { AttachmentStore } from './attachments/attachments';
import { createWorkerServices } from './worker-role/handler-services';
import { loadDemoData } from './demo/demo-data';
import { FirstAdmin } from './people/first-admin';
import { ProjectPauses } from './projects/project-pauses';
import { ProjectRegister } from './projects/project-register';
import { ProjectImport } from './projects/project-import';
import { VenueCalendar } from './venues/venue-calendar';
import { WitnessRecords } from './witness/witness-records';
import { WitnessBooks } from './witness/witness-books';
import { PeriodicDuties } from './instances/periodic-duties';
import { ProjectEvaluations } from './ledgers/project-evaluations';
import { Ledgers } from './ledgers/ledger-store';
import { SystemStarts } from './instances/system-starts';
import { DEFAULT_LIMITS, effectiveLimits, durationMs } from './config/time-limits';
import { WorkCalendar } from './calendar/work-calendar';
import { countAsItHappens, WorkStats } from './dashboard/work-stats';
import { DashboardService } from './dashboard/dashboard';
import type { Config } from './config/config';

export type SystemSettings = Pick<
  Config,
  | 'TIME_SCALE'
  | 'TIME_LIMITS'
  | 'SUPERVISE_AFTER'
  | 'SLA_CHECK_MS'
  | 'URGE_INTERVAL_MS'
  | 'ARCHIVE_APPROVER_GROUP'
  | 'MAX_UPLOAD_MB'
  | 'UPLOAD_QUOTA_MB'
  | 'UPLOAD_RATE'
  | 'LOGIN_ATTEMPTS'
  | 'DEMO_DATA'
  | 'INBOX_STORE'
  | 'CATCH_UP_MS'
  | 'AUDIT_HASH'
> &
  Partial<Pick<Config, 'DATA_DIR' | 'AUDIT_KEY' | 'AUDIT_KEY_FILE' | 'AUDIT_CHECKPOINT_FILE' | 'AUDIT_CHECKPOINT_MS'>> &
  ChannelConfig & {
    processesDir: string;
    webDir?: string;
    TRUST_PROXY?: string;
    /** Run the job workers in this process (false for API-only cluster replicas). */
    runWorkers?: boolean;
    /** Run the periodic duties: the monthly witness books, the daily mailbox check (the tests that do not test them turn them off). */
    periodicDuties?: boolean;
  };

export const DEFAULT_SETTINGS: Omit<SystemSettings, 'processesDir'> = {
  TIME_SCALE: 1,
  TIME_LIMITS: {},
  SUPERVISE_AFTER: 'PT4H',
  SLA_CHECK_MS: 30_000,
  URGE_INTERVAL_MS: 600_000,
  ARCHIVE_APPROVER_GROUP: 'leader.deputy',
  MAX_UPLOAD_MB: 20,
  UPLOAD_QUOTA_MB: 500,
  UPLOAD_RATE: 30,
  LOGIN_ATTEMPTS: 10,
  DEMO_DATA: 'true',
  INBOX_STORE: 'memory',
  AUDIT_HASH: 'sha256',
};

export interface System {
  app: Express;
  inbox: InboxService;
  /** The inbox's link to the engine (catch-up). */
  link: EngineLink;
  actions: TaskActions;
  sla: SlaMonitor;
  audit: AuditService;
  notifier: Notifier;
  forms: FormRegistry;
  /** Starts written down before the engine hears of them (their recovery). */
  starts: StartRequests;
  /** The limits around sign-in and the summary of failures. */
  loginGuard: LoginGuard;
  /** The monthly witness books (bound on the first working day). */
  witnessBooks: WitnessBooks;
  /** The daily duties (the mailbox check, the security patrol) and the monthly bulletins. */
  duties: PeriodicDuties;
  /** The registers of supervision and evaluation (台账). */
  ledgers: Ledgers;
  /** The dashboard's counters. */
  stats: WorkStats;
  /** Load forms and demo data, deploy processes/, attach the inbox to the engine, catch up. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function buildSystem(deps: { db: Connection; engine: EnginePort & { loadedCount?: number }; logger: Logger; settings: SystemSettings }): System {
  const { db, engine, logger, settings } = deps;
  const audit = new AuditService(db, {
    algorithm: settings.AUDIT_HASH,
    anchor: anchorFromSettings(settings),
    log: (msg) => logger.info({ scope: 'audit' }, msg),
  });
  const auth = new AuthService(db);
  const forms = new FormRegistry(db);
  const notifier = notifierWithChannels(db, settings, logger);
  const calendar = new WorkCalendar(db);
  // Limits of whole days count working days (China's calendar and the admins' entries); with a
  // scaled clock (tests) they stay plain durations.
  const dayLimits = new Map<string, number>();
  if (settings.TIME_SCALE === 1) {
    for (const [name, iso] of Object.entries({ ...DEFAULT_LIMITS, ...settings.TIME_LIMITS })) {
      const m = /^P(\d+)D$/.exec(iso);
      if (m) dayLimits.set(name, Number(m[1]));
    }
  }
  const dueFor = (r: UserTaskRecord): Date | undefined => {
    const days = dayLimits.get(r.customHeaders.timeLimit ?? '');
    return days ? calendar.addWorkingDays(new Date(r.createdAt), days) : undefined;
  };
  const inbox = new InboxService(db, engine, forms, logger.child({ scope: 'inbox' }), settings.INBOX_STORE);
  const link = new EngineLink(inbox, engine, forms, logger.child({ scope: 'inbox' }), dueFor);
  const actions = new TaskActions(inbox, audit, notifier, { urgeIntervalMs: settings.URGE_INTERVAL_MS });
  link.onCompletionVoid = (t) =>
    audit
      .append({
        actor: t.completedBy ?? 'system',
        action: 'task.completion-void',
        instanceId: t.instanceId,
        taskId: t._id,
        data: { taskName: t.name, reason: 'the flow had already left this step before the completion reached it' },
      })
      .then(() => undefined);
  link.onInstanceFailed = async (i, first) => {
    const ref = `failed:${i.key}`;
    // (told again, the row had changed: only then are the instance's events looked up)
    if (first || !(await audit.chained(ref, i.key)))
      await audit.append({ actor: 'system', action: 'instance.failed', instanceId: i.key, ref, data: { error: i.error } });
  };
  const scale = settings.TIME_SCALE;
  const sla = new SlaMonitor(inbox, actions, notifier, audit, logger.child({ scope: 'sla' }), {
    tickMs: settings.SLA_CHECK_MS,
    superviseAfterMs: durationMs(settings.SUPERVISE_AFTER) * scale,
  });
  const files = new AttachmentStore(db, Math.floor(settings.MAX_UPLOAD_MB * 1048576));
  const uploads = { quota: new UploadQuota(db, Math.floor(settings.UPLOAD_QUOTA_MB * 1048576)), perMinute: settings.UPLOAD_RATE };
  const catalog = new FlowCatalog(engine);
  const stats = new WorkStats(db);
  const dashboard = new DashboardService(stats, inbox, catalog);
  const projects = new ProjectRegister(db, audit);
  const projectImports = new ProjectImport(db, projects, audit);
  const origins = new DefinitionOrigins(db, engine, logger.child({ scope: 'deploy' }));
  // Replicas on one database (the database layout) tell each other what their users must see live
  // and what makes caches stale.
  // (also when the job workers run in processes of their own: they tell of the projects their flows register)
  const replicas = settings.INBOX_STORE === 'database' || settings.runWorkers === false ? new ReplicaBus(db, logger.child({ scope: 'replicas' })) : null;
  if (replicas) {
    inbox.listeners.add((task, change) => replicas.publish({ kind: 'task', payload: { task, change } }));
    notifier.listeners.add((n) => replicas.publish({ kind: 'notification', payload: n }));
    forms.saved.add((id) => replicas.publish({ kind: 'form', payload: { id } }));
    calendar.changed.add(() => replicas.publish({ kind: 'calendar', payload: null }));
    auth.changed.add((id) => replicas.publish({ kind: 'user', payload: { id } }));
    auth.signedOut.add((id) => replicas.publish({ kind: 'session', payload: { id } }));
    projects.changed.on('project', (id) => replicas.publish({ kind: 'project', payload: { id } }));
    replicas.handlers.add((e) => {
      if (e.kind === 'form') forms.forget(e.payload.id);
      if (e.kind === 'user') auth.forget(e.payload.id);
      if (e.kind === 'session') auth.forgetSession(e.payload.id);
      if (e.kind === 'project') void projects.reload(e.payload.id).catch((err: unknown) => logger.warn({ err }, 'reloading a project failed'));
      if (e.kind === 'calendar') void calendar.load().catch((err: unknown) => logger.warn({ err }, 'reloading the calendar failed'));
    });
  }
  // The memory layout holds the inbox in this process alone: a second one on the database is refused.
  const sole = settings.INBOX_STORE === 'memory' ? new SoleHolder(db) : null;
  const starts = new StartRequests(db, engine, audit, files, logger.child({ scope: 'start' }));
  // The dashboard's counters: steps finished, flows started, 督办 — each counted once as it happens.
  countAsItHappens(stats, { inbox, sla, starts }, logger);
  const loginGuard = new LoginGuard(db, audit, { loginLimit: settings.LOGIN_ATTEMPTS });
  const firstAdmin = new FirstAdmin(db, audit, logger.child({ scope: 'setup' }));
  const pauses = new ProjectPauses(db, audit, notifier);
  const venues = new VenueCalendar(db, projects, audit, notifier);
  const ledgers = new Ledgers(db, audit);
  const witness = new WitnessRecords(db, projects, audit, ledgers);
  const witnessBooks = new WitnessBooks(db, witness, files, calendar, notifier, audit, logger.child({ scope: 'witness-books' }));
  const limits = effectiveLimits(scale, settings.TIME_LIMITS);
  const instances = new InstancesService(
    db,
    engine,
    catalog,
    forms,
    inbox,
    audit,
    files,
    {
      limits,
      archiveApproverGroup: settings.ARCHIVE_APPROVER_GROUP,
    },
    starts,
  );
  inbox.applicantKeys = (u, instanceId) => instances.applicantKeysOf(u, instanceId);
  instances.projects = projects;
  inbox.formOptions = (u, f) => instances.formOptions(u, f);
  const systemStarts = new SystemStarts(db, engine, starts, limits);
  /** The archive collection a contract date opens, due in 5 working days (6.5.1); once per project. */
  const openArchiveCollection = (projectId: string) =>
    systemStarts
      .startForProject('archive-collection', projectId, `archive-collection:${projectId}`, '系统（合同签订）')
      .catch((err: unknown) => logger.error({ err, projectId }, 'opening the archive collection failed'));
  projects.changed.on('contract', (projectId) => void openArchiveCollection(projectId));
  const evaluations = new ProjectEvaluations(db, systemStarts);
  projects.changed.on(
    'archived',
    (projectId) =>
      void evaluations.open(projectId).catch((err: unknown) => logger.error({ err, projectId }, 'opening the evaluations of an archived project failed')),
  );
  instances.venues = venues;
  const duties = new PeriodicDuties(calendar, systemStarts, logger.child({ scope: 'duties' }), projects, ledgers);
  const workers =
    settings.runWorkers === false
      ? { close() {} }
      : registerWorkers(engine, createWorkerServices({ db, notifier, audit, files, dayMs: 86_400_000 * scale, projects, venues, witness, ledgers }));
  link.attach();
  engine.on('instance.started', (i) => starts.recordEngineStart(i));
  // A step the diagram assigns to one person (returned to its drafter, 一次性告知 to the applicant) is announced to them.
  inbox.listeners.add((t, change) => {
    if (change !== 'created' || t.kind !== 'engine' || !t.assignee) return;
    void notifier
      .send({
        key: `assigned:${t._id}`,
        users: [t.assignee],
        kind: 'task.assigned',
        title: `【待办】${t.name}`,
        body: `“${t.title}”的“${t.name}”交由您办理。`,
        instanceId: t.instanceId,
        taskId: t._id,
      })
      .catch((err: unknown) => logger.error({ err }, 'notifying an assigned task failed'));
  });
  const streamTickets = new StreamTickets(db);
  const app = createApp({
    db,
    engine,
    logger,
    auth,
    audit,
    inbox,
    actions,
    instances,
    catalog,
    dashboard,
    origins,
    replicas,
    forms,
    notifier,
    files,
    calendar,
    loginGuard,
    firstAdmin,
    pauses,
    projects,
    projectImports,
    venues,
    witness,
    witnessBooks,
    ledgers,
    streamTickets,
    uploads,
    webDir: settings.webDir,
    trustProxy: settings.TRUST_PROXY ?? false,
  });

  let catchUpTimer: NodeJS.Timeout | undefined;
  let catchUpRun: Promise<void> | undefined;
  return {
    app,
    inbox,
    link,
    actions,
    sla,
    audit,
    notifier,
    forms,
    starts,
    loginGuard,
    witnessBooks,
    duties,
    ledgers,
    stats,
    async start() {
      await sole?.acquire();
      replicas?.start();
      await audit.open();
      // (comments and attachments stored before they were listed under their instances: listed
      // once, now, rather than at someone's first page)
      const index = new InstanceIndex(db);
      await index.build('comments', commentModel(db));
      await index.build('attachments', files.model);
      buildInstanceListsInBackground(db, instances.lists, logger);
      await forms.loadDirectory(`${settings.processesDir}/forms`);
      await calendar.load();
      if (settings.DEMO_DATA === 'true' && (await loadDemoData(db))) logger.info('demo data loaded (password demo1234)');
      await projects.load();
      const boxed = await notifier.boxes.fillFrom(notifier.model);
      if (boxed) logger.info({ boxed }, "notices stored before the notification boxes were put in their readers' boxes");
      const imported = await projectImports.recover();
      if (imported) logger.info({ imported }, 'project imports cut short by a stop finished');
      await firstAdmin.prepare();
      // Diagram files changed since they were last deployed from there; the forms as admins last
      // saved them go with the diagrams (a cluster links them to user tasks).
      await origins.deployFiles(settings.processesDir, async () => {
        const out: Array<{ name: string; content: string }> = [];
        for (const f of await forms.list()) out.push({ name: `${f.id}.form`, content: JSON.stringify((await forms.get(f.id)).form) });
        return out;
      });
      const carried = await starts.recover(0);
      if (carried) logger.info({ carried }, 'starts cut short by a stop carried through');
      starts.startRecovery();
      // A contract date saved by a process stopped before it opened the archive collection: opened now
      // (once per project: a start already made is found by its key).
      for (const projectId of projects.awaitingArchive()) await openArchiveCollection(projectId);
      streamTickets.startSweeping();
      files.startSweeping();
      auth.startSweeping();
      if (settings.periodicDuties !== false) {
        witnessBooks.start();
        duties.start();
      }
      const caught = await link.reconcile();
      if (caught.added || caught.completed) logger.info(caught, 'inbox caught up with the engine');
      const withdrawn = await actions.resumeWithdrawals();
      if (withdrawn) logger.info({ withdrawn }, 'withdrawals cut short by a stop carried through');
      sla.start();
      notifier.deliveries?.start();
      loginGuard.start();
      audit.startCheckpoints(settings.AUDIT_CHECKPOINT_MS ?? 300_000);
      // Every minute, one run at a time: tasks an engine event could not bring, and completions
      // the engine did not take, are made good.
      const next = () => {
        catchUpTimer = setTimeout(() => {
          catchUpRun = link
            .catchUp({ minAgeMs: link.catchUpAfterMs })
            .then((c) => void ((c.added || c.completed) && logger.info(c, 'inbox caught up with the engine')))
            .catch((err: unknown) => logger.warn({ err }, 'inbox catch-up failed'))
            .finally(() => {
              catchUpRun = undefined;
              if (catchUpTimer) next();
            });
        }, settings.CATCH_UP_MS ?? 60_000);
        catchUpTimer.unref();
      };
      next();
    },
    async stop() {
      audit.stopCheckpoints();
      streamTickets.stop();
      files.stopSweeping();
      auth.stopSweeping();
      witnessBooks.stop();
      duties.stop();
      await loginGuard.stop().catch((err: unknown) => logger.warn({ err }, 'the summary of failed sign-ins was not written'));
      await starts.stop();
      if (catchUpTimer) clearTimeout(catchUpTimer);
      catchUpTimer = undefined;
      await catchUpRun;
      sla.stop();
      await notifier.deliveries?.stop();
      workers.close();
      await inbox.store.close();
      await sole?.release();
      replicas?.stop();
    },
  };
}
