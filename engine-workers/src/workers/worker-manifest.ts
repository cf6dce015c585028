/**
 * A job worker: one task type, the variables it needs (checked before the handler runs), and a
 * handler that ends in complete / fail / BPMN error. The same manifests run on the embedded
 * engine and on a Zeebe cluster; what they touch outside the engine comes in as `WorkerServices`.
 */
import type { z } from 'zod';
import type { Job, JobOutcome } from '../port/engine-port';

export interface NotificationInput {
  /** Dedupe key: the same key and recipient are stored once, so a re-run job notifies once. */
  key: string;
  users?: string[];
  groups?: string[];
  instanceId?: string;
  kind: string;
  title: string;
  body: string;
}

export interface AttachmentInfo {
  id: string;
  category?: string;
  filename: string;
}

/** What workers do outside the engine; the API implements it on its database. Every call is idempotent. */
export interface WorkerServices {
  notify(n: NotificationInput): Promise<number>;
  /** `told`: the groups the pause was announced to (told again if the report is closed as untrue). */
  pauseProject(p: { projectId: string; instanceId: string; reason: string; by: string }): Promise<{ pausedAt: string; notified: number; told: string[] }>;
  /** Lift the pause this report made (`instanceId`); `key` makes a repeat the same lifting. */
  resumeProject(p: { projectId: string; instanceId: string; reason: string; by: string; key: string }): Promise<{ resumed: boolean }>;
  recordDispatch(d: {
    instanceId: string;
    round: number;
    title: string;
    recipients: string[];
    copyTo: string[];
    content: Record<string, unknown>;
    /** The report's project, whose supervisory department `相关行政监督部门` in `copyTo` means. */
    projectId?: string | null;
    issuedBy?: string;
  }): Promise<{ dispatchNo: string; dispatchedAt: string; copyTo: string[] }>;
  publishReport(p: { instanceId: string; title: string; content: Record<string, unknown> }): Promise<{ publicationId: string }>;
  compileMonthly(p: { month: string }): Promise<{ compilationId: string; count: number }>;
  /** Attachments of an instance, plus uploads named by id (those sent with the start request). */
  attachmentsOf(instanceId: string, ids?: string[]): Promise<AttachmentInfo[]>;
  /** A document the flow writes (告知书…), kept with the instance's attachments; `key` makes a repeat the same document. */
  issueDocument(d: { instanceId: string; key: string; filename: string; text: string; category: string }): Promise<{ attachmentId: string }>;
  recordSupervision(r: {
    instanceId: string;
    kind: string;
    summary: string;
    outcome: string;
    unit: string;
    at?: string | null;
    place?: string | null;
    present?: string | null;
    measures?: string | null;
  }): Promise<{ recordNo: string }>;
  grantArchiveAccess(g: { instanceId: string; archiveId: string; borrower: string; days: number }): Promise<{ grantId: string; expiresAt: string }>;
  revokeArchiveAccess(r: { instanceId: string; grantId: string }): Promise<{ revokedAt: string }>;
  /** A project registered online (一站式服务, 2.8); one already in the register is kept as it is. The flow hangs on it. */
  registerProject(p: {
    instanceId: string;
    by: string;
    projectId: string;
    name: string;
    kind: string;
    section: string;
    tenderer: string;
    agent?: string | null;
    budget?: number | null;
    openingAt?: string | null;
  }): Promise<{ created: boolean }>;
  /** A project moves along its life cycle, with the dates the step recorded (noticeOn, awardOn, contractOn…). */
  setProjectStage(p: { instanceId: string; by: string; projectId: string; stage: string; dates?: Record<string, string> }): Promise<{ stage: string }>;
  /** Book a room for a project's session; a slot taken is told back, not thrown. `attempt` makes a repeat find its booking. */
  bookVenue(b: {
    instanceId: string;
    by: string;
    attempt: string;
    projectId: string;
    room: string;
    day: string;
    start: string;
    end: string;
    purpose: string;
  }): Promise<{ booked: true; sessionId: string; summary: string } | { booked: false; problem: string }>;
  /** The witness on duty of a booked session (shown on the hall board that day). */
  nameWitness(n: { sessionId: string; witness: string; by: string }): Promise<{ witnessName: string }>;
  /** The day's witness record of a project (表七). */
  recordWitness(r: {
    instanceId: string;
    projectId: string;
    day: string;
    witness: string;
    mode: 'online' | 'offline';
    course: string;
    anomaly: boolean;
    anomalyDesc?: string | null;
    sessionId?: string | null;
  }): Promise<{ recordId: string }>;
  /** File the project's archive (一档一卷) from every flow on it; read-only once filed. */
  fileArchive(a: { instanceId: string; projectId: string; by: string }): Promise<{ archiveId: string; files: number }>;
  /** A complaint or suggestion registered (2.6.1): its query code for the complainant; registering again returns the same code. */
  registerComplaint(c: { instanceId: string; kind: string; channel: string; title: string; content: string }): Promise<{ queryCode: string }>;
  /** The approved reply, given to the complainant (their query page shows it). */
  replyComplaint(r: { instanceId: string; queryCode: string; reply: string }): Promise<{ repliedAt: string }>;
  /** An item of a register (台账) from a step's variables (the register's columns are picked by name); `key` again adds to the same item. */
  recordLedger(r: { instanceId: string; kind: string; key: string; by: string; values: Record<string, unknown> }): Promise<{ itemId: string; no: string }>;
  /** A month's registers compiled into a bulletin's first draft. */
  compileBulletin(b: { bulletinKind: string; month: string }): Promise<{ text: string; count: number }>;
  /** The approved bulletin sent and published; publishing again answers the first. */
  publishBulletin(b: {
    instanceId: string;
    bulletinKind: string;
    month: string;
    title: string;
    text: string;
  }): Promise<{ publishedAt: string; sentTo: string[] }>;
  /** Now, for handlers that stamp times (tests may run time faster through configuration). */
  now(): Date;
}

export interface WorkerManifest<S extends z.ZodType = z.ZodType> {
  taskType: string;
  /** What the worker does, in Chinese, for the admin's list of task types. */
  title: string;
  inputSchema: S;
  handler(job: Job<z.infer<S> & Record<string, unknown>>, services: WorkerServices): Promise<JobOutcome>;
}

export function defineWorker<S extends z.ZodType>(m: WorkerManifest<S>): WorkerManifest<S> {
  return m;
}
