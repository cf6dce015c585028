/**
 * User management for admins: create people, change their sections, roles and overseen sections,
 * disable them, set a new password. Every change is audited; a disabled user's sessions stop working.
 */
import { Router } from 'express';
import type { Connection } from 'mongoose';
import { z } from 'zod';
import { ROLES, SECTION_CODES, conflict, notFound } from '@ggzy/shared';
import { currentUser, requireRole } from '../http/auth-context';
import { parseBody, parseParams } from '../http/validate';
import type { AuditService } from '../audit/audit.service';
import { AuthService, toUserDto } from './auth.service';
import { peopleModels } from './user.model';

const username = z.string().regex(/^[a-z][a-z0-9_.-]{1,31}$/, 'lowercase letters, digits, _ . -');
const sections = z.array(z.enum(SECTION_CODES as [string, ...string[]])).max(13);
const roles = z.array(z.enum(ROLES)).min(1).max(7);
export const createUserBody = z.strictObject({
  id: username,
  name: z.string().trim().min(1).max(40),
  sections: sections.default([]),
  roles,
  oversees: sections.default([]),
  unit: z.string().trim().max(100).optional(),
  password: z.string().min(8).max(200),
});
export const updateUserBody = z.strictObject({
  name: z.string().trim().min(1).max(40).optional(),
  sections: sections.optional(),
  roles: roles.optional(),
  oversees: sections.optional(),
  unit: z.string().trim().max(100).optional(),
  active: z.boolean().optional(),
  password: z.string().min(8).max(200).optional(),
});

export function usersAdminRouter(db: Connection, audit: AuditService, auth: AuthService): Router {
  const { User, Session } = peopleModels(db);
  const r = Router();
  r.get('/admin/users', async (req, res) => {
    requireRole(currentUser(req), 'admin');
    const users = await User.find({}).lean();
    res.json({ items: users.map((u) => ({ ...toUserDto(u), active: u.active })).sort((a, b) => a.id.localeCompare(b.id)) });
  });
  r.post('/admin/users', async (req, res) => {
    const me = currentUser(req);
    requireRole(me, 'admin');
    const b = parseBody(createUserBody, req.body);
    if (await User.exists({ _id: b.id })) throw conflict('USER_EXISTS', `用户名已存在：${b.id}`, `The username is taken: ${b.id}`);
    const { password, id, ...rest } = b;
    await User.create({ _id: id, ...rest, passwordHash: await AuthService.hashPassword(password), active: true, createdAt: new Date() });
    await audit.append({ actor: me.id, action: 'user.created', data: { userId: id, after: rest } });
    res.status(201).json(toUserDto((await User.findById(id).lean())!));
  });
  r.patch('/admin/users/:id', async (req, res) => {
    const me = currentUser(req);
    requireRole(me, 'admin');
    const { id } = parseParams(z.object({ id: username }), req.params);
    const b = parseBody(updateUserBody, req.body);
    const before = await User.findById(id).lean();
    if (!before) throw notFound('User', '用户', id);
    const { password, ...set } = b;
    await User.updateOne({ _id: id }, { $set: { ...set, ...(password && { passwordHash: await AuthService.hashPassword(password) }) } });
    if (b.active === false || password) {
      await Session.deleteMany({ userId: id });
      auth.forget(id);
    }
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
    res.json({ ...toUserDto((await User.findById(id).lean())!), active: b.active ?? before.active });
  });
  return r;
}
