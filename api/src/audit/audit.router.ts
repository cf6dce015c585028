/** GET /audit?instanceId= (the trail of what one may see) and GET /audit/verify (the chain holds). */
import { Router } from 'express';
import { z } from 'zod';
import { currentUser, forbidden } from '../http/auth-context';
import { parseQuery } from '../http/validate';
import type { InstancesService } from '../instances/instances.service';
import type { AuditService } from './audit.service';

const q = z.strictObject({
  instanceId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/)
    .optional(),
  actor: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

const mayAudit = (roles: string[], groups: string[]) =>
  roles.includes('admin') || roles.includes('principal') || roles.includes('deputy') || groups.includes('supervision.head');

export function auditRouter(audit: AuditService, instances: InstancesService): Router {
  const r = Router();
  r.get('/audit', async (req, res) => {
    const u = currentUser(req);
    const p = parseQuery(q, req.query);
    if (p.instanceId) await instances.meta(u, p.instanceId);
    else if (!mayAudit(u.roles, u.groups))
      throw forbidden('只有管理员、领导和监督科负责人可以查看全部审计记录', 'Only admins, leaders and the supervision head see the whole audit trail');
    res.json({ ...(await audit.list(p, p.page, p.pageSize)), page: p.page, pageSize: p.pageSize });
  });
  r.get('/audit/verify', async (req, res) => {
    const u = currentUser(req);
    if (!mayAudit(u.roles, u.groups)) throw forbidden('无权校验审计链', 'You may not verify the audit chain');
    res.json(await audit.verify());
  });
  return r;
}
