/** POST /auth/login, POST /auth/logout, GET /me, and the middleware that reads the bearer token. */
import express, { Router, type RequestHandler } from 'express';
import { AppError, userError, type UserDto } from '@ggzy/shared';
import { API } from '@ggzy/shared/api';
import { setUser } from '../http/auth-context';
import { bind } from '../http/bind-route';
import type { AuditService } from '../audit/audit.service';
import type { AuthService } from './auth.service';
import type { LoginGuard } from './login-guard';
import type { FirstAdmin } from './first-admin';
import { rateLimit } from 'express-rate-limit';

export function bearer(header: string | undefined): string | null {
  const m = /^Bearer\s+([A-Za-z0-9_-]{20,200})$/.exec(header ?? '');
  return m ? m[1]! : null;
}

/**
 * The signed-in user of a request: the bearer token in `Authorization`, and nothing else — a token
 * never rides in a URL (the live-update stream takes a one-time ticket, stream-tickets.ts); else 401.
 */
export async function requestUser(auth: AuthService, authorization: string | undefined): Promise<UserDto> {
  const token = bearer(authorization);
  const user = token ? await auth.authenticate(token) : null;
  if (!user) throw unauthenticated();
  return user;
}

export function unauthenticated(): AppError {
  return new AppError({ code: 'UNAUTHENTICATED', status: 401, zh: '未登录或登录已过期', en: 'Not signed in, or the session has expired' });
}

/** What a person whose password an admin set may do before choosing their own (paths under /api). */
const BEFORE_NEW_PASSWORD = new Set(['/auth/password', '/auth/logout', '/me']);

/** Every route after this needs a valid token; public routes are mounted before it. */
export function requireAuth(auth: AuthService): RequestHandler {
  return async (req, _res, next) => {
    const user = await requestUser(auth, req.headers.authorization);
    if (user.mustChangePassword && !BEFORE_NEW_PASSWORD.has(req.path))
      throw new AppError({
        code: 'PASSWORD_CHANGE_REQUIRED',
        status: 403,
        zh: '管理员设置的初始密码须先修改为您自己的密码',
        en: 'Choose your own password first: this one was set by an admin',
      });
    setUser(req, user);
    next();
  };
}

export function authRouter(auth: AuthService, audit: AuditService, guard: LoginGuard, firstAdmin: FirstAdmin): { publicRoutes: Router; routes: Router } {
  const publicRoutes = Router();
  bind(publicRoutes, API.setupStatus, async () => ({ needed: await firstAdmin.needed() }));
  // Whoever runs the server has the code (its log); guessing it is slowed like a sign-in.
  bind(
    publicRoutes,
    API.setup,
    ({ body }) => firstAdmin.complete(body),
    express.json({ limit: '16kb' }),
    rateLimit({
      windowMs: 60_000,
      limit: 10,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: (_req, _res, next) => next(userError('SETUP_RATE', '尝试过于频繁，请稍后再试', 'Too many attempts; try again later', { status: 429 })),
    }),
  );
  // The only body read before sign-in: small, and parsed here (the rest of the API parses after the token check).
  bind(
    publicRoutes,
    API.login,
    async ({ body, req }) => {
      try {
        const r = await auth.login(body.username, body.password, (check) => guard.check(check));
        await guard.succeeded(r.user.id, req.ip);
        await audit.append({ actor: r.user.id, action: 'auth.login' });
        return r;
      } catch (err) {
        // Counted, and summed up in the trail once a minute (a flood does not flood the trail).
        if ((err as AppError).code === 'INVALID_CREDENTIALS') guard.failed(body.username, req.ip);
        else if ((err as AppError).code !== 'LOGIN_BUSY')
          await audit.append({ actor: body.username, action: 'auth.login-failed', data: { code: (err as AppError).code } });
        throw err;
      }
    },
    express.json({ limit: '16kb' }),
    ...guard.middleware(),
  );

  const routes = Router();
  bind(routes, API.logout, async ({ user, req }) => {
    const token = bearer(req.headers.authorization);
    if (token) await auth.logout(token);
    await audit.append({ actor: user.id, action: 'auth.logout' });
  });
  bind(routes, API.me, ({ user }) => user);
  bind(routes, API.changePassword, async ({ user, req, body }) => {
    await auth.changePassword(user.id, bearer(req.headers.authorization)!, body.currentPassword, body.newPassword);
    await audit.append({ actor: user.id, action: 'auth.password-changed' });
  });
  return { publicRoutes, routes };
}
