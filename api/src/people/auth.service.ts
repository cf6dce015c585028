/**
 * Password sign-in (argon2id hashes) and opaque bearer tokens. A session is found by the token's
 * hash, and the user behind it is cached briefly so that each request costs no database read.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Connection } from 'mongoose';
import { AppError, groupsOf, type Role, type SectionCode, type UserDto } from '@ggzy/shared';
import { peopleModels, type UserDoc } from './user.model';

const SESSION_MS = 12 * 3600_000;
const CACHE_MS = 5_000;

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
  };
}

const invalidCredentials = () => new AppError({ code: 'INVALID_CREDENTIALS', status: 401, zh: '用户名或密码错误', en: 'Wrong username or password' });

export class AuthService {
  private readonly m;
  private readonly cache = new Map<string, { user: UserDto; at: number; expiresAt: number }>();
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
    if (hit && now - hit.at < CACHE_MS && hit.expiresAt > now) return hit.user;
    const s = await this.m.Session.findById(tokenId(token)).lean();
    if (!s || s.expiresAt.getTime() <= now) return null;
    const u = await this.m.User.findById(s.userId).lean();
    if (!u || !u.active) return null;
    const user = toUserDto(u);
    this.cache.set(token, { user, at: now, expiresAt: s.expiresAt.getTime() });
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
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

  /** Told when sessions end here: one (`token`, a sign-out) or all of a user's (`userId`: disabled, new password). */
  readonly ended = new Set<(e: { token?: string; userId?: string }) => void>();

  /** Drop cached sessions of a user (disabled, or a new password). */
  forget(userId: string): void {
    for (const [k, v] of this.cache) if (v.user.id === userId) this.cache.delete(k);
    for (const fn of this.ended) fn({ userId });
  }

  async logout(token: string): Promise<void> {
    this.cache.delete(token);
    for (const fn of this.ended) fn({ token });
    await this.m.Session.deleteOne({ _id: tokenId(token) });
  }
}

function tokenId(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
