/**
 * User management for admins: create people, change their sections, roles and overseen sections,
 * disable them, set a new password (which the person must change at first sign-in). Passwords meet
 * the policy (password-policy.ts). Every change is audited and holds at once on every replica.
 */
import { Router } from 'express';
import type { Connection } from 'mongoose';
import { conflict, notFound } from '@ggzy/shared';
import { API } from '@ggzy/shared/api';
import { requireRole } from '../http/auth-context';
import { bind } from '../http/bind-route';
import type { AuditService } from '../audit/audit.service';
import { AuthService, toUserDto } from './auth.service';
import { peopleModels } from './user.model';
import { checkPassword } from './password-policy';

export function usersAdminRouter(db: Connection, audit: AuditService, auth: AuthService): Router {
  const { User, Session } = peopleModels(db);
  const r = Router();
  bind(r, API.adminUsers, async ({ user }) => {
    requireRole(user, 'admin');
    const users = await User.find({}).lean();
    return { items: users.map((u) => ({ ...toUserDto(u), active: u.active })).sort((a, b) => a.id.localeCompare(b.id)) };
  });
  bind(r, API.createUser, async ({ user: me, body: b }) => {
    requireRole(me, 'admin');
    if (await User.exists({ _id: b.id })) throw conflict('USER_EXISTS', `用户名已存在：${b.id}`, `The username is taken: ${b.id}`);
    const { password, id, ...rest } = b;
    checkPassword(password, { id, name: b.name });
    // The admin knows this password: the new colleague chooses their own at first sign-in.
    await User.create({
      _id: id,
      ...rest,
      passwordHash: await AuthService.hashPassword(password),
      active: true,
      mustChangePassword: true,
      createdAt: new Date(),
    });
    await audit.append({ actor: me.id, action: 'user.created', data: { userId: id, after: rest } });
    return toUserDto((await User.findById(id).lean())!);
  });
  bind(r, API.updateUser, async ({ user: me, params, body: b }) => {
    requireRole(me, 'admin');
    const { id } = params;
    const before = await User.findById(id).lean();
    if (!before) throw notFound('User', '用户', id);
    const { password, ...set } = b;
    if (password) checkPassword(password, { id, name: b.name ?? before.name });
    await User.updateOne(
      { _id: id },
      { $set: { ...set, ...(password && { passwordHash: await AuthService.hashPassword(password), mustChangePassword: true }) } },
    );
    if (b.active === false || password) await Session.deleteMany({ userId: id });
    // New rights, a disabled account or a new password hold at once, on every replica.
    auth.userChanged(id);
    await audit.append({
      actor: me.id,
      action: 'user.updated',
      data: {
        userId: id,
        before: { sections: before.sections, roles: before.roles, oversees: before.oversees, active: before.active },
        after: set,
        passwordChanged: !!password,
      },
    });
    return { ...toUserDto((await User.findById(id).lean())!), active: b.active ?? before.active };
  });
  return r;
}
