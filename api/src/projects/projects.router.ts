/**
 * GET /projects — trading projects and their state. Staff see why and by whose report a project
 * was paused (unless the report is classified and theirs not to see); external applicants see only
 * whether it is. POST /projects/:id/resume lifts a pause
 * (supervision head or a leader), with a reason, and tells the project's section.
 */
import { Router } from 'express';
import type { Connection } from 'mongoose';
import { API } from '@ggzy/shared/api';
import { bind } from '../http/bind-route';
import { forbidden } from '../http/auth-context';
import { projectModel } from './project.model';
import type { ProjectPauses } from './project-pauses';
import type { InstancesService } from '../instances/instances.service';

export function projectsRouter(db: Connection, pauses: ProjectPauses, instances: InstancesService): Router {
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
    await pauses.resume({ projectId: id, reason: body.reason, by: u.id, key: `${id}:${Date.now()}` });
    return { id, status: 'active' };
  });
  return r;
}
