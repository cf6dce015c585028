/** The signed-in user of a request, set by the auth middleware and read by every handler. */
import type { Request } from 'express';
import { AppError, type UserDto } from '@ggzy/shared';

const KEY = Symbol('user');

export function setUser(req: Request, user: UserDto): void {
  (req as unknown as Record<symbol, UserDto>)[KEY] = user;
}

export function currentUser(req: Request): UserDto {
  const u = (req as unknown as Record<symbol, UserDto | undefined>)[KEY];
  if (!u) throw new AppError({ code: 'UNAUTHENTICATED', status: 401, zh: '请先登录', en: 'Sign in first' });
  return u;
}

export function forbidden(zh: string, en: string, code = 'FORBIDDEN'): AppError {
  return new AppError({ code, status: 403, zh, en });
}

export function requireRole(user: UserDto, ...roles: string[]): void {
  if (!roles.some((r) => user.roles.includes(r as never))) {
    throw forbidden(`此操作需要以下角色之一：${roles.join('、')}`, `This needs one of the roles: ${roles.join(', ')}`);
  }
}
