/** Colleagues to pick for transfer / delegate / add-signer / CC, and the list of sections. */
import { Router } from 'express';
import { SECTIONS, ROLE_NAMES } from '@ggzy/shared';
import { API } from '@ggzy/shared/api';
import { forbidden } from '../http/auth-context';
import { bind } from '../http/bind-route';
import { peopleModels } from './user.model';
import { toUserDto } from './auth.service';
import type { Connection } from 'mongoose';

export function usersRouter(db: Connection): Router {
  const { User } = peopleModels(db);
  const r = Router();
  bind(r, API.sections, () => ({ sections: SECTIONS, roles: ROLE_NAMES }));
  bind(r, API.users, async ({ user: me }) => {
    if (me.roles.includes('external')) throw forbidden('外部申请人不能查看人员名单', 'External applicants cannot list staff');
    const users = await User.find({ active: true }).lean();
    return {
      items: users
        .filter((u) => !u.roles.includes('external') || me.roles.includes('admin'))
        .map(toUserDto)
        .sort((a, b) => a.id.localeCompare(b.id)),
    };
  });
  return r;
}
