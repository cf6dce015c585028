/** GET /audit?instanceId= (the trail of what one may see) and GET /audit/verify (the chain holds). */
import { Router } from 'express';
import { API } from '@ggzy/shared/api';
import { forbidden } from '../http/auth-context';
import { bind } from '../http/bind-route';
import type { InstancesService } from '../instances/instances.service';
import type { AuditService } from './audit.service';

const mayAudit = (roles: string[], groups: string[]) =>
  roles.includes('admin') || roles.includes('principal') || roles.includes('deputy') || groups.includes('supervision.head');

export function auditRouter(audit: AuditService, instances: InstancesService): Router {
  const r = Router();
  bind(r, API.audit, async ({ user: u, query: p }) => {
    if (p.instanceId) await instances.meta(u, p.instanceId);
    else if (!mayAudit(u.roles, u.groups))
      throw forbidden('只有管理员、领导和监督科负责人可以查看全部审计记录', 'Only admins, leaders and the supervision head see the whole audit trail');
    return { ...(await audit.list(p, p.page, p.pageSize)), page: p.page, pageSize: p.pageSize };
  });
  bind(r, API.verifyAudit, ({ user: u }) => {
    if (!mayAudit(u.roles, u.groups)) throw forbidden('无权校验审计链', 'You may not verify the audit chain');
    return audit.verify();
  });
  return r;
}
