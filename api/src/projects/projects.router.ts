/**
 * GET /projects — trading projects and their state. Staff see why and by whose report a project
 * was paused (unless the report is classified and theirs not to see); external applicants see only
 * whether it is. POST /projects/:id/resume lifts a pause
 * (supervision head or a leader), with a reason, and tells the project's section.
 */
import { Router } from 'express';
import type { Connection } from 'mongoose';
import { notFound, userError } from '@ggzy/shared';
import { API } from '@ggzy/shared/api';
import { bind } from '../http/bind-route';
import { forbidden } from '../http/auth-context';
import type { AuditService } from '../audit/audit.service';
import type { Notifier } from '../notifications/notifier';
import { projectModel } from './project.model';
import type { InstancesService } from '../instances/instances.service';

export function projectsRouter(db: Connection, audit: AuditService, notifier: Notifier, instances: InstancesService): Router {
  const Project = projectModel(db);
  const r = Router();
  bind(r, API.projects, async ({ user }) => {
    const docs = await Project.find({}).sort({ _id: 1 }).lean();
    const external = user.roles.includes('external');
    // Why and by whose report a project was paused stays with the report when it is classified.
    const hidden = external
      ? new Set<string>()
      : await instances.classifiedOutOfSight(
          user,
          docs.map((p) => p.pauseInstanceId),
        );
    return {
      items: docs.map(({ _id, ...p }) =>
        external
          ? { id: _id, name: p.name, section: p.section, kind: p.kind, status: p.status }
          : p.pauseInstanceId && hidden.has(p.pauseInstanceId)
            ? { id: _id, ...p, pausedBy: null, pauseReason: null, pauseInstanceId: null }
            : { id: _id, ...p },
      ),
    };
  });
  bind(r, API.resumeProject, async ({ user: u, params, body }) => {
    if (!u.groups.includes('supervision.head') && !u.roles.includes('deputy') && !u.roles.includes('principal')) {
      throw forbidden('只有监督科负责人和中心领导可以恢复暂停的项目', 'Only the supervision head and leaders resume a paused project');
    }
    const { id } = params;
    const { reason } = body;
    const p = await Project.findById(id).lean();
    if (!p) throw notFound('Project', '项目', id);
    if (p.status !== 'paused') throw userError('PROJECT_NOT_PAUSED', '项目未暂停', 'The project is not paused', { status: 409 });
    await Project.updateOne(
      { _id: id, status: 'paused' },
      { $set: { status: 'active', pausedAt: null, pausedBy: null, pauseReason: null, pauseInstanceId: null } },
    );
    await audit.append({
      actor: u.id,
      action: 'project.resumed',
      instanceId: p.pauseInstanceId ?? undefined,
      data: { projectId: id, before: 'paused', after: 'active', opinion: reason },
    });
    await notifier.send({
      key: `resume:${id}:${Date.now()}`,
      groups: [p.section, `${p.section}.head`, 'supervision', 'general'],
      kind: 'project.resumed',
      title: `【恢复交易】${p.name}`,
      body: `项目 ${id} 已恢复交易。${reason}`,
    });
    return { id, status: 'active' };
  });
  return r;
}
