/** GET /audit?instanceId= (the trail of what one may see) and GET /audit/verify (the chain holds). */
import { Router } from 'express';
import { API } from '@ggzy/shared/api';
import { forbidden } from '../http/auth-context';
import { bind } from '../http/bind-route';
import type { InstancesService } from '../instances/instances.service';
import type { AuditService } from './audit.service';
import { visibleEvent } from '../visibility/visibility';

const mayAudit = (roles: string[], groups: string[]) =>
  roles.includes('admin') || roles.includes('principal') || roles.includes('deputy') || groups.includes('supervision.head');

export function auditRouter(audit: AuditService, instances: InstancesService): Router {
  const r = Router();
  bind(r, API.audit, async ({ user: u, query: p }) => {
    if (p.instanceId) {
      // One instance's trail, as far as the user sees the instance (404 when not theirs to see).
      const { sight } = await instances.sight(u, p.instanceId);
      if (sight === 'none') await instances.meta(u, p.instanceId);
      const page = await audit.list(p, p.page, p.pageSize);
      return { ...page, items: page.items.map((e) => visibleEvent(sight, e, u)), page: p.page, pageSize: p.pageSize };
    }
    if (!mayAudit(u.roles, u.groups))
      throw forbidden('只有管理员、领导和监督科负责人可以查看全部审计记录', 'Only admins, leaders and the supervision head see the whole audit trail');
    // The whole trail: of classified instances one is not entitled to, only that something happened and when.
    const page = await audit.list(p, p.page, p.pageSize);
    const hidden = await instances.classifiedOutOfSight(
      u,
      page.items.map((e) => e.instanceId),
    );
    return {
      ...page,
      items: page.items.map((e) => (e.instanceId && hidden.has(e.instanceId) ? visibleEvent('none', e, u) : e)),
      page: p.page,
      pageSize: p.pageSize,
    };
  });
  bind(r, API.verifyAudit, ({ user: u }) => {
    if (!mayAudit(u.roles, u.groups)) throw forbidden('无权校验审计链', 'You may not verify the audit chain');
    return audit.verify();
  });
  return r;
}
