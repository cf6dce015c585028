/**
 * Password sign-in (argon2id hashes) and opaque bearer tokens. A session is found by the token's
 * hash, and the user behind it is cached briefly so that each request costs no database read.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Connection } from 'mongoose';
import { AppError, groupsOf, type Role, type SectionCode, type UserDto } from '@ggzy/shared';
import { peopleModels, type UserDoc } from './user.model';
import { checkPassword } from './password-policy';

const SESSION_MS = 12 * 3600_000;
/**
 * A session is looked at again after this long. A sign-out, a new password or a disabled account
 * drop it at once here and on the other replicas (`signedOut`, `userChanged`), so this only bounds
 * what a message lost between replicas could leave. The request that finds its session this old is
 * answered at once and the session read behind it (a person's first request after a minute does
 * not wait on the database); one that finds it twice as old waits for the read.
 */
const CACHE_MS = 60_000;
/**
 * A person's record is read again after this long. Every change to it (rights, disabled, new
 * password) drops it at once here and on the other replicas (`userChanged`), so this only bounds
 * what a change told to no one could leave.
 */
const USER_CACHE_MS = 60_000;

export function toUserDto(u: UserDoc): UserDto {
  // Empty lists may be absent in stored documents.
  const sections = (u.sections ?? []) as SectionCode[];
  const roles = (u.roles ?? []) as Role[];
  return {
    id: u._id,
    name: u.name,
    sections,
    roles,
    oversees: (u.oversees ?? []) as SectionCode[],
    ...(u.unit && { unit: u.unit }),
    groups: groupsOf({ sections, roles }),
    ...(u.mustChangePassword && { mustChangePassword: true as const }),
  };
}

/** A session seen lately (`reading`: it is being read again behind a request). */
interface CachedSession {
  user: UserDto;
  at: number;
  expiresAt: number;
  session: string;
  reading?: boolean;
}

const invalidCredentials = () => new AppError({ code: 'INVALID_CREDENTIALS', status: 401, zh: '用户名或密码错误', en: 'Wrong username or password' });

export class AuthService {
  private sweeper?: NodeJS.Timeout;
  private readonly m;
  private readonly cache = new Map<string, CachedSession>();
  private readonly users = new Map<string, { user: UserDto; at: number }>();
  /** Counts the people changed (`forget`): a record read across a change is not kept. */
  private changes = 0;
  /** A hash to verify against when the user does not exist, so timing does not reveal usernames. */
  private readonly decoy = hash('decoy-password');

  constructor(db: Connection) {
    this.m = peopleModels(db);
  }

  static hashPassword(password: string): Promise<string> {
    return hash(password);
  }

  /** `gate`: where the password check waits its turn (LoginGuard.check). */
  async login(
    username: string,
    password: string,
    gate: <T>(check: () => Promise<T>) => Promise<T> = (check) => check(),
  ): Promise<{ token: string; user: UserDto; expiresAt: string }> {
    const u = await this.m.User.findById(username).lean();
    const hash = u?.passwordHash ?? (await this.decoy);
    const ok = await gate(() => verify(hash, password).catch(() => false));
    if (!u || !ok) throw invalidCredentials();
    if (!u.active) throw new AppError({ code: 'ACCOUNT_DISABLED', status: 403, zh: '账号已停用，请联系管理员', en: 'This account is disabled' });
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + SESSION_MS);
    await this.m.Session.create({ _id: tokenId(token), userId: u._id, createdAt: now, expiresAt });
    return { token, user: toUserDto(u), expiresAt: expiresAt.toISOString() };
  }

  async authenticate(token: string): Promise<UserDto | null> {
    // Keyed by the token itself (held in memory only): no hash to compute on a hit.
    const hit = this.cache.get(token);
    const now = Date.now();
    if (!hit || hit.expiresAt <= now || now - hit.at >= 2 * CACHE_MS) return this.lookUp(token, now);
    if (now - hit.at >= CACHE_MS && !hit.reading) this.readBehind(token, hit, now);
    return hit.user;
  }

  /** Read a cached session again without holding up the request that found it old; drop it if it has ended. */
  private readBehind(token: string, hit: CachedSession, now: number): void {
    hit.reading = true;
    this.lookUp(token, now).then(
      (user) => {
        if (!user && this.cache.get(token) === hit) this.cache.delete(token);
      },
      () => (hit.reading = false), // (the database did not answer: the next request tries again)
    );
  }

  /** The session of a token and its person, read from the database (and cached when live). */
  private async lookUp(token: string, now: number): Promise<UserDto | null> {
    const changes = this.changes;
    const session = tokenId(token);
    const s = await this.m.Session.findById(session).lean();
    if (!s || s.expiresAt.getTime() <= now) return null;
    const user = await this.userOf(s.userId, now);
    if (!user) return null;
    // (not kept if a person changed while it was read: it may be from before the change)
    if (changes !== this.changes) return user;
    this.cache.set(token, { user, at: now, expiresAt: s.expiresAt.getTime(), session });
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
    return user;
  }

  /** An active person's record (cached: see USER_CACHE_MS), or null. */
  private async userOf(userId: string, now: number): Promise<UserDto | null> {
    const hit = this.users.get(userId);
    if (hit && now - hit.at < USER_CACHE_MS) return hit.user;
    const changes = this.changes;
    const u = await this.m.User.findById(userId).lean();
    if (!u || !u.active) return null;
    const user = toUserDto(u);
    if (changes === this.changes) this.users.set(userId, { user, at: now });
    if (this.users.size > 10_000) this.users.delete(this.users.keys().next().value!);
    return user;
  }

  /** The session id of a token (sessions are kept by the hash of their token). */
  static sessionOf(token: string): string {
    return tokenId(token);
  }

  /** The user of a live session, by its id (a stream opened with a ticket looks at its session so). */
  async userOfSession(sessionId: string): Promise<UserDto | null> {
    const s = await this.m.Session.findById(sessionId).lean();
    if (!s || s.expiresAt.getTime() <= Date.now()) return null;
    const u = await this.m.User.findById(s.userId).lean();
    return u && u.active ? toUserDto(u) : null;
  }

  /** Told when sessions end here: one (`session`, a sign-out) or all of a user's (`userId`: disabled, new password). */
  readonly ended = new Set<(e: { session?: string; userId?: string }) => void>();

  /**
   * Drop cached sessions of a user (disabled, new rights, or a new password), so the next request
   * reads them again; their live streams end (`keep`: the one session that goes on).
   */
  forget(userId: string, keep?: string): void {
    this.changes++;
    this.users.delete(userId);
    for (const [k, v] of this.cache) if (v.user.id === userId && k !== keep) this.cache.delete(k);
    if (keep) this.cache.delete(keep);
    for (const fn of this.ended) fn({ userId });
  }

  /**
   * A person chooses their own password: the current one is checked, the new one must meet the
   * policy; every other session of theirs ends (this one goes on).
   */
  async changePassword(userId: string, token: string, current: string, next: string): Promise<void> {
    const u = await this.m.User.findById(userId).lean();
    if (!u || !(await verify(u.passwordHash, current).catch(() => false)))
      throw new AppError({ code: 'INVALID_CREDENTIALS', status: 422, zh: '当前密码不正确', en: 'The current password is wrong' });
    if (await verify(u.passwordHash, next).catch(() => false))
      throw new AppError({
        code: 'WEAK_PASSWORD',
        status: 422,
        zh: '密码强度不足：新密码不能与当前密码相同',
        en: 'The password is too weak: it must differ from the current one',
      });
    checkPassword(next, { id: u._id, name: u.name });
    await this.m.User.updateOne({ _id: userId }, { $set: { passwordHash: await hash(next), mustChangePassword: false } });
    await this.m.Session.deleteMany({ userId, _id: { $ne: tokenId(token) } });
    this.userChanged(userId, token);
  }

  /** Told when a user's rights, state or password changed here (the other replicas are told too: system.ts). */
  readonly changed = new Set<(userId: string) => void>();

  /** A user changed (by an admin, or their own password): at once here, and on the other replicas. */
  userChanged(userId: string, keep?: string): void {
    this.forget(userId, keep);
    for (const fn of this.changed) fn(userId);
  }

  /** Told when a session was signed out here (the other replicas are told too: system.ts). */
  readonly signedOut = new Set<(session: string) => void>();

  async logout(token: string): Promise<void> {
    const session = tokenId(token);
    this.cache.delete(token);
    for (const fn of this.ended) fn({ session });
    await this.m.Session.deleteOne({ _id: session });
    for (const fn of this.signedOut) fn(session);
  }

  /** A session was signed out on another replica: its requests here are refused from now on. */
  forgetSession(session: string): void {
    for (const [k, v] of this.cache) if (v.session === session) this.cache.delete(k);
    for (const fn of this.ended) fn({ session });
  }

  /**
   * Remove the sessions that expired, so that the collection holds live ones only (one session is
   * made per sign-in: some 40,000 a year) and ending a person's sessions reads a small one. Up to
   * 10,000 per statement (the embedded database deletes at most 32,766 in one).
   */
  async sweepSessions(): Promise<number> {
    let removed = 0;
    for (;;) {
      const expired = await this.m.Session.find({ expiresAt: { $lte: new Date() } })
        .select('_id')
        .limit(10_000)
        .lean();
      if (!expired.length) return removed;
      removed += (await this.m.Session.deleteMany({ _id: { $in: expired.map((s) => s._id) } })).deletedCount;
    }
  }

  startSweeping(everyMs = 3_600_000): void {
    this.sweeper = setInterval(() => void this.sweepSessions().catch(() => undefined), everyMs);
    this.sweeper.unref();
  }

  stopSweeping(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }
}

function tokenId(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
