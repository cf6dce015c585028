/**
 * What stands between a password guesser and the accounts:
 *
 * - one name for an account however it is typed (`normalizeUsername`: NFKC, trimmed, lower-case),
 *   used by every limit below and by the sign-in itself;
 * - per address: failed sign-ins are answered more and more slowly, then refused for 15 minutes,
 *   whatever names are tried;
 * - per account: failures from addresses the account has not signed in from lately are refused
 *   after a limit; the owner's usual addresses (a sign-in within 30 days) are not, so a stranger
 *   cannot lock the owner out;
 * - globally: a few password checks at a time (argon2 costs CPU), so a flood of sign-ins cannot
 *   slow everyone else's work;
 * - the audit trail gets one summary of the failures per minute, not an event each.
 *
 * Counters live in the database (`login_counters`, by `_id`): the limits hold across replicas.
 */
import os from 'node:os';
import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { slowDown } from 'express-slow-down';
import type { Connection, Model } from 'mongoose';
import { AppError, normalizeUsername } from '@ggzy/shared';
import type { AuditService } from '../audit/audit.service';
import { DatabaseLimitStore, loginCounterModel } from './login-counter-store';

const WINDOW_MS = 15 * 60_000;
const KNOWN_MS = 30 * 86_400_000;

const nameOf = (body: unknown): string => {
  const u = (body as { username?: unknown } | undefined)?.username;
  return typeof u === 'string' ? normalizeUsername(u).slice(0, 64) : '';
};
const addressOf = (ip: string | undefined): string => ipKeyGenerator(ip ?? '');

const refused = (zh: string, en: string) => (_req: unknown, res: { status(n: number): { json(b: object): void } }) =>
  res.status(429).json({ code: 'TOO_MANY_LOGIN_ATTEMPTS', message: zh, messageEn: en });

export class LoginGuard {
  private readonly counters: Model<{ _id: string; hits: number; resetAt: Date }>;
  private readonly failures = new Map<string, number>();
  private readonly addresses = new Set<string>();
  private since = new Date();
  private timer?: NodeJS.Timeout;
  private checking = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly slots: number;

  constructor(
    private readonly db: Connection,
    private readonly audit: AuditService,
    private readonly opts: { loginLimit: number; concurrentChecks?: number },
  ) {
    this.counters = loginCounterModel(db);
    this.slots = opts.concurrentChecks ?? Math.max(1, Math.floor(os.availableParallelism() / 2));
  }

  /** The middleware before the sign-in: slower, then refused, per address; refused per account from strangers. */
  middleware(): RequestHandler[] {
    const { db } = this;
    const limit = this.opts.loginLimit;
    const slowAfter = Math.max(1, Math.floor(limit / 2));
    const perAddressSlow = slowDown({
      store: new DatabaseLimitStore(db, 'slow|'),
      windowMs: WINDOW_MS,
      delayAfter: slowAfter,
      // 0.5 s more for each failure past the first few, up to 10 s.
      delayMs: (used) => Math.min((used - slowAfter) * 500, 10_000),
      skipSuccessfulRequests: true,
      keyGenerator: (req) => ipKeyGenerator(req.ip ?? ''),
      validate: { delayMs: false },
    });
    const perAddress = rateLimit({
      store: new DatabaseLimitStore(db, 'ip|'),
      windowMs: WINDOW_MS,
      limit: limit * 3,
      skipSuccessfulRequests: true,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      keyGenerator: (req) => ipKeyGenerator(req.ip ?? ''),
      handler: refused('此地址登录失败次数过多，请 15 分钟后再试', 'Too many failed sign-ins from this address; try again in 15 minutes'),
    });
    const perAccount = rateLimit({
      store: new DatabaseLimitStore(db, 'account|'),
      windowMs: WINDOW_MS,
      limit,
      skipSuccessfulRequests: true,
      standardHeaders: false,
      legacyHeaders: false,
      keyGenerator: (req) => `user|${nameOf(req.body)}`,
      // The owner's usual addresses are not stopped by what strangers try.
      skip: (req) => this.isKnown(nameOf(req.body), addressOf(req.ip)),
      handler: refused(
        '此账号在新地址的登录失败次数过多，请 15 分钟后再试，或在常用电脑上登录',
        'Too many failed sign-ins for this account from new addresses; try again in 15 minutes, or from a computer you usually use',
      ),
    });
    return [perAddressSlow, perAddress, perAccount];
  }

  private async isKnown(user: string, address: string): Promise<boolean> {
    const d = await this.counters.findById(`known|${user}|${address}`).lean();
    return !!d && d.resetAt > new Date();
  }

  /** A sign-in that succeeded: this address is one of the account's usual ones for 30 days. */
  async succeeded(user: string, ip: string | undefined): Promise<void> {
    await this.counters.updateOne({ _id: `known|${user}|${addressOf(ip)}` }, { $set: { hits: 1, resetAt: new Date(Date.now() + KNOWN_MS) } }, { upsert: true });
  }

  /** A sign-in that failed: counted for the next summary. */
  failed(user: string, ip: string | undefined): void {
    this.failures.set(user, (this.failures.get(user) ?? 0) + 1);
    this.addresses.add(addressOf(ip));
  }

  /** Run a password check when one of the few slots is free (a queue too long is answered 503). */
  async check<T>(fn: () => Promise<T>): Promise<T> {
    if (this.checking >= this.slots) {
      if (this.waiting.length >= 200) {
        throw new AppError({ code: 'LOGIN_BUSY', status: 503, zh: '登录请求过多，请稍后再试', en: 'Too many sign-ins at the moment; try again shortly' });
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.checking++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.checking--;
    }
  }

  /** Every minute, the failures since the last summary as one audit event. */
  start(everyMs = 60_000): void {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  /** Write the summary of the failures counted since the last one (nothing when there were none). */
  async flush(): Promise<void> {
    if (!this.failures.size) return;
    const accounts = [...this.failures].sort((a, b) => b[1] - a[1]);
    const data = {
      from: this.since.toISOString(),
      to: new Date().toISOString(),
      failures: accounts.reduce((n, [, c]) => n + c, 0),
      addresses: this.addresses.size,
      accounts: Object.fromEntries(accounts.slice(0, 50)),
    };
    this.failures.clear();
    this.addresses.clear();
    this.since = new Date();
    await this.audit.append({ actor: 'system', action: 'auth.login-failures', data });
  }
}
