/** Colleagues to pick for transfer / delegate / add-signer / CC, and the list of sections. */
import { Router } from 'express';
import { SECTIONS, ROLE_NAMES } from '@ggzy/shared';
import { currentUser, forbidden } from '../http/auth-context';
import { peopleModels } from './user.model';
import { toUserDto } from './auth.service';
import type { Connection } from 'mongoose';

export function usersRouter(db: Connection): Router {
  const { User } = peopleModels(db);
  const r = Router();
  r.get('/sections', (_req, res) => {
    res.json({ sections: SECTIONS, roles: ROLE_NAMES });
  });
  r.get('/users', async (req, res) => {
    const me = currentUser(req);
    if (me.roles.includes('external')) throw forbidden('外部申请人不能查看人员名单', 'External applicants cannot list staff');
    const users = await User.find({ active: true }).lean();
    res.json({
      items: users
        .filter((u) => !u.roles.includes('external') || me.roles.includes('admin'))
        .map(toUserDto)
        .sort((a, b) => a.id.localeCompare(b.id)),
    });
  });
  return r;
}
