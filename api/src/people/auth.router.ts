/** POST /auth/login, POST /auth/logout, GET /me, and the middleware that reads the bearer token. */
import { Router, type RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { AppError, type UserDto } from '@ggzy/shared';
import { currentUser, setUser } from '../http/auth-context';
import { parseBody } from '../http/validate';
import type { AuditService } from '../audit/audit.service';
import type { AuthService } from './auth.service';

const loginBody = z.strictObject({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(200),
});

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

export function authRouter(auth: AuthService, audit: AuditService, opts: { loginLimit: number }): { publicRoutes: Router; routes: Router } {
  const publicRoutes = Router();
  const limiter = rateLimit({
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
  publicRoutes.post('/auth/login', limiter, accountLimiter, async (req, res) => {
    const body = parseBody(loginBody, req.body);
    try {
      const r = await auth.login(body.username, body.password);
      await audit.append({ actor: r.user.id, action: 'auth.login' });
      res.json(r);
    } catch (err) {
      await audit.append({ actor: body.username, action: 'auth.login-failed', data: { code: (err as AppError).code } });
      throw err;
    }
  });

  const routes = Router();
  routes.post('/auth/logout', async (req, res) => {
    const token = bearer(req.headers.authorization);
    if (token) await auth.logout(token);
    await audit.append({ actor: currentUser(req).id, action: 'auth.logout' });
    res.status(204).end();
  });
  routes.get('/me', (req, res) => {
    res.json(currentUser(req));
  });
  return { publicRoutes, routes };
}
