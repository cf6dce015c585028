/** Typed configuration, read once from the environment, with defaults that make `npm start` work. */
import { z } from 'zod';
import { durationMs } from './time-limits';
import { robotHook } from '../notifications/channels';

const isoDuration = z.string().refine((s) => {
  try {
    durationMs(s);
    return true;
  } catch {
    return false;
  }
}, 'must be an ISO 8601 duration such as PT4H');

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  MONGODB_URI: z.string().min(1, 'MONGODB_URI is required (npm start sets it for the embedded database)'),
  ENGINE_MODE: z.enum(['embedded', 'cluster']).default('embedded'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ENGINE_LEASE_MS: z.coerce.number().int().positive().default(15_000),
  ENGINE_POLL_MS: z.coerce.number().int().positive().default(500),
  PROCESSES_DIR: z.string().optional(),
  /** The built web app to serve on the same port (default web/dist/browser). */
  WEB_DIR: z.string().optional(),
  /** Multiplies every time limit and the archive access day (tests run days in seconds). */
  TIME_SCALE: z.coerce.number().positive().max(1000).default(1),
  /** JSON object overriding single limits, e.g. {"ack":"PT1H"}. */
  TIME_LIMITS: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (!s) return {};
      try {
        const v = z.record(z.string(), isoDuration).parse(JSON.parse(s));
        return v;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object of ISO durations' });
        return z.NEVER;
      }
    }),
  /** How long after the due date an open step is reported to supervision (督办), before scaling. */
  SUPERVISE_AFTER: isoDuration.default('PT4H'),
  SLA_CHECK_MS: z.coerce.number().int().positive().default(30_000),
  /** How often the inbox catches up with the engine's open tasks (ms); unset: every minute on a cluster, every ten on the embedded engine. */
  CATCH_UP_MS: z.coerce.number().int().positive().optional(),
  URGE_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(10 * 60_000),
  ARCHIVE_APPROVER_GROUP: z.string().default('leader.deputy'),
  MAX_UPLOAD_MB: z.coerce.number().positive().max(200).default(20),
  /** What one person may upload per day, and how many files per minute. */
  UPLOAD_QUOTA_MB: z.coerce.number().positive().default(500),
  UPLOAD_RATE: z.coerce.number().int().positive().default(30),
  LOGIN_ATTEMPTS: z.coerce.number().int().positive().default(10),
  /**
   * How long an idle keep-alive connection stays open (s). A person's browser sends a request every
   * few seconds to minutes; at node's default of 5 s nearly every request would open a new
   * connection. 75 s, as nginx's default; a reverse proxy in front keeps its own.
   */
  KEEP_ALIVE_S: z.coerce.number().int().min(1).max(3600).default(75),
  /** Express 'trust proxy' when a reverse proxy sits in front (e.g. "loopback"); off by default. */
  TRUST_PROXY: z.string().optional(),
  /**
   * Demo users (password demo1234) and sample projects. Off unless asked for: `npm start` asks for
   * them when it serves this machine only (HOST a loopback address). Without users the server
   * prints a one-time code to create the first admin (sign-in page, or POST /api/setup).
   */
  DEMO_DATA: z.enum(['true', 'false']).default('false'),
  /**
   * memory: one API process holds the inbox (the embedded default); database: several replicas on a
   * real MongoDB. Cluster mode uses database unless told otherwise.
   */
  INBOX_STORE: z.enum(['memory', 'database']).optional(),
  /**
   * What this process runs. all: API, inbox and job workers (the embedded default); api: the HTTP
   * API and the inbox's Zeebe listeners; workers: the job workers only. api and workers need
   * ENGINE_MODE=cluster; run as many of each as the load needs.
   */
  PROCESS_ROLE: z.enum(['all', 'api', 'workers']).default('all'),
  /** Where `npm start` keeps the embedded database, attachments and the audit checkpoints (default ./data). */
  DATA_DIR: z.string().optional(),
  /** The audit chain's hash: sha256 (default) or sm3 (GB/T 32905, for 密评 / 等保 reviews). Events keep the one they were made with. */
  AUDIT_HASH: z.enum(['sha256', 'sm3']).default('sha256'),
  /** The secret that signs the audit checkpoints; or AUDIT_KEY_FILE (made at first start beside DATA_DIR when missing). Keep it out of the database and its backups. */
  AUDIT_KEY: z.string().min(16, 'AUDIT_KEY must be at least 16 characters').optional(),
  AUDIT_KEY_FILE: z.string().optional(),
  /** The append-only file of signed checkpoints (default DATA_DIR/audit-checkpoints.jsonl). */
  AUDIT_CHECKPOINT_FILE: z.string().optional(),
  /** How often a signed checkpoint is also stored in the database (ms). */
  AUDIT_CHECKPOINT_MS: z.coerce.number().int().positive().default(300_000),
  /** The address people open the system at, for the links in e-mails, SMS and robot messages (e.g. https://ggzy.example.gov.cn). */
  PUBLIC_URL: z.url().optional(),
  /** E-mail: the SMTP server as a URL (smtp://user:pass@mail.example.gov.cn:587, smtps://… for TLS) and the sender. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().optional(),
  /** SMS: the gateway's URL (POST JSON {mobile, content}) and its bearer token. */
  SMS_GATEWAY_URL: z.url().optional(),
  SMS_GATEWAY_TOKEN: z.string().optional(),
  /** Group robots: a JSON array of {section (a section code or *), type (wecom | dingtalk), url, secret?}. */
  ROBOT_WEBHOOKS: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (!s) return [];
      try {
        return z.array(robotHook).parse(JSON.parse(s));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON array of {section, type: wecom|dingtalk, url, secret?}' });
        return z.NEVER;
      }
    }),
  /** How often the delivery queue is worked (ms), and the first retry's delay (each next one ×4). */
  DELIVERY_TICK_MS: z.coerce.number().int().positive().default(15_000),
  DELIVERY_RETRY_MS: z.coerce.number().int().positive().default(60_000),
});

export type Config = Omit<z.infer<typeof schema>, 'INBOX_STORE'> & { INBOX_STORE: 'memory' | 'database' };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // (a variable set to nothing, as a compose file's `${X:-}` gives, is unset)
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const c = parsed.data;
  if (c.PROCESS_ROLE !== 'all' && c.ENGINE_MODE !== 'cluster') {
    throw new Error(`Invalid configuration: PROCESS_ROLE=${c.PROCESS_ROLE} needs ENGINE_MODE=cluster (the embedded engine runs in one process)`);
  }
  return { ...c, INBOX_STORE: c.INBOX_STORE ?? (c.ENGINE_MODE === 'cluster' ? 'database' : 'memory') };
}
