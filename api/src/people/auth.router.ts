/** POST /auth/login, POST /auth/logout, GET /me, and the middleware that reads the bearer token. */
import express, { Router, type RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { AppError, type UserDto } from '@ggzy/shared';
import { API } from '@ggzy/shared/api';
import { setUser } from '../http/auth-context';
import { bind } from '../http/bind-route';
import type { AuditService } from '../audit/audit.service';
import type { AuthService } from './auth.service';
import type { Connection } from 'mongoose';
import { DatabaseLimitStore } from './login-counter-store';

function bearer(header: string | undefined): string | null {
  const m = /^Bearer\s+([A-Za-z0-9_-]{20,200})$/.exec(header ?? '');
  return m ? m[1]! : null;
}

/**
 * The signed-in user of a request: the bearer token in `Authorization`, or on a GET the
 * `access_token` query parameter (EventSource and download links cannot send headers); else 401.
 */
export async function requestUser(auth: AuthService, method: string, authorization: string | undefined, accessToken: unknown): Promise<UserDto> {
  const token = bearer(authorization) ?? (typeof accessToken === 'string' && method === 'GET' ? accessToken : null);
  const user = token ? await auth.authenticate(token) : null;
  if (!user) throw new AppError({ code: 'UNAUTHENTICATED', status: 401, zh: '未登录或登录已过期', en: 'Not signed in, or the session has expired' });
  return user;
}

/** Every route after this needs a valid token; public routes are mounted before it. */
export function requireAuth(auth: AuthService): RequestHandler {
  return async (req, _res, next) => {
    setUser(req, await requestUser(auth, req.method, req.headers.authorization, req.query.access_token));
    next();
  };
}

export function authRouter(auth: AuthService, audit: AuditService, opts: { loginLimit: number; db: Connection }): { publicRoutes: Router; routes: Router } {
  const publicRoutes = Router();
  // Counted in the database: the limits hold across every API replica.
  const limiter = rateLimit({
    store: new DatabaseLimitStore(opts.db, 'ip|'),
    windowMs: 15 * 60_000,
    limit: opts.loginLimit,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => `${ipKeyGenerator(req.ip ?? '')}|${typeof req.body?.username === 'string' ? req.body.username.slice(0, 64) : ''}`,
    handler: (_req, res) => {
      res.status(429).json({
        code: 'TOO_MANY_LOGIN_ATTEMPTS',
        message: '登录失败次数过多，请 15 分钟后再试',
        messageEn: 'Too many failed sign-ins; try again in 15 minutes',
      });
    },
  });
  // Per account too, whatever address the attempts come from.
  const accountLimiter = rateLimit({
    store: new DatabaseLimitStore(opts.db, 'account|'),
    windowMs: 15 * 60_000,
    limit: opts.loginLimit * 3,
    skipSuccessfulRequests: true,
    standardHeaders: false,
    legacyHeaders: false,
    keyGenerator: (req) => `user|${typeof req.body?.username === 'string' ? req.body.username.slice(0, 64) : ''}`,
    handler: (_req, res) => {
      res.status(429).json({
        code: 'TOO_MANY_LOGIN_ATTEMPTS',
        message: '此账号登录失败次数过多，请 15 分钟后再试',
        messageEn: 'Too many failed sign-ins for this account; try again in 15 minutes',
      });
    },
  });
  // The only body read before sign-in: small, and parsed here (the rest of the API parses after the token check).
  bind(
    publicRoutes,
    API.login,
    async ({ body }) => {
      try {
        const r = await auth.login(body.username, body.password);
        await audit.append({ actor: r.user.id, action: 'auth.login' });
        return r;
      } catch (err) {
        await audit.append({ actor: body.username, action: 'auth.login-failed', data: { code: (err as AppError).code } });
        throw err;
      }
    },
    express.json({ limit: '16kb' }),
    limiter,
    accountLimiter,
  );

  const routes = Router();
  bind(routes, API.logout, async ({ user, req }) => {
    const token = bearer(req.headers.authorization);
    if (token) await auth.logout(token);
    await audit.append({ actor: user.id, action: 'auth.logout' });
  });
  bind(routes, API.me, ({ user }) => user);
  return { publicRoutes, routes };
}
