/**
 * The project register over HTTP: search, register, edit or push (PUT, idempotent by number), the
 * import sheet and its template, a project's page, and lifting a pause. Staff see why and by whose
 * report a project was paused (unless the report is classified and theirs not to see); external
 * applicants see only the register's public fields and whether it is paused.
 */
import { Router } from 'express';
import multer from 'multer';
import type { Connection } from 'mongoose';
import { userError, type UserDto } from '@ggzy/shared';
import { API, type ProjectDto } from '@ggzy/shared/api';
import { bind } from '../http/bind-route';
import { forbidden } from '../http/auth-context';
import type { ProjectPauses } from './project-pauses';
import type { InstancesService } from '../instances/instances.service';
import { instanceMetaModel } from '../instances/instance.model';
import { archiveModels } from '../archives/archive.model';
import { witnessRecordModel } from '../witness/witness-records';
import { projectDto } from './project-entry';
import type { ProjectRegister } from './project-register';
import { importTemplate, type ProjectImport } from './project-import';
import type { VenueCalendar } from '../venues/venue-calendar';
import { projectLinksModel, type ProjectDoc } from './project.model';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function projectsRouter(
  db: Connection,
  register: ProjectRegister,
  imports: ProjectImport,
  pauses: ProjectPauses,
  instances: InstancesService,
  venues: VenueCalendar,
): Router {
  const Links = projectLinksModel(db);
  const Meta = instanceMetaModel(db);
  const { Archive } = archiveModels(db);
  const WitnessRecord = witnessRecordModel(db);
  const r = Router();

  /** The entries as `u` may read them. */
  const shown = async (u: UserDto, docs: ProjectDoc[]): Promise<ProjectDto[]> => {
    if (u.roles.includes('external')) return docs.map((p) => ({ id: p._id, name: p.name, section: p.section, kind: p.kind, status: p.status }));
    // Why and by whose report a project was paused stays with the report when it is classified.
    const hidden = await instances.classifiedOutOfSight(
      u,
      docs.map((p) => p.pauseInstanceId),
    );
    return docs.map((p) =>
      projectDto(p.pauseInstanceId && hidden.has(p.pauseInstanceId) ? { ...p, pausedBy: null, pauseReason: null, pauseInstanceId: null } : p),
    );
  };

  bind(r, API.projects, async ({ user, query }) => {
    const { docs, total } = await register.search(query);
    return { items: await shown(user, docs), total, page: query.page, pageSize: query.pageSize };
  });

  bind(r, API.createProject, async ({ user, body }) => {
    const { id, ...input } = body;
    return { project: projectDto(await register.create(user, id, input)), created: true };
  });

  bind(r, API.projectImportTemplate, async ({ user, res }) => {
    if (!register.mayRegister(user)) throw forbidden('您不能导入项目', 'You may not import projects');
    res.setHeader('content-type', XLSX);
    res.setHeader('content-disposition', `attachment; filename="project-import-template.xlsx"; filename*=UTF-8''${encodeURIComponent('项目导入模板.xlsx')}`);
    res.send(await importTemplate());
  });

  const sheet = multer({ storage: multer.memoryStorage(), limits: { fileSize: 5 * 1024 * 1024, files: 1, fields: 2 } });
  bind(
    r,
    API.importProjects,
    async ({ user, req, query }) => {
      if (!register.mayRegister(user)) throw forbidden('您不能导入项目', 'You may not import projects');
      const file = req.file;
      if (!file) throw userError('FILE_MISSING', '请选择要导入的 Excel 表（字段 file）', 'No sheet in the upload (field "file")');
      return imports.import(user, file.buffer, query.dryRun === 'true');
    },
    (req, res, next) =>
      sheet.single('file')(req, res, (err: unknown) => {
        if (!err) return next();
        const code = (err as { code?: string }).code;
        next(
          code === 'LIMIT_FILE_SIZE'
            ? userError('FILE_TOO_LARGE', '导入表不能超过 5 MB', 'The sheet is larger than 5 MB', { status: 413 })
            : userError('UPLOAD_INVALID', '上传内容不正确', `Upload rejected: ${code ?? 'invalid multipart body'}`),
        );
      }),
  );

  bind(r, API.project, async ({ user, params }) => {
    const doc = await register.get(params.id);
    const links = await Links.findById(params.id).lean();
    const metas = await Promise.all((links?.instanceIds ?? []).map((id) => Meta.findById(id).lean()));
    const sights = await Promise.all(metas.map((m) => (m ? instances.sight(user, m._id) : undefined)));
    const external = user.roles.includes('external');
    const archives = external
      ? []
      : await Promise.all((links?.archiveIds ?? []).map((id) => Archive.findById(id).select('title archivedAt sha256 files').lean()));
    // (a session since moved or cancelled is no longer there)
    const witnessRecords = external ? [] : await Promise.all((links?.witnessRecordIds ?? []).map((id) => WitnessRecord.findById(id).lean()));
    const sessions = external ? [] : await Promise.all((links?.sessionIds ?? []).map((id) => venues.session(id).catch(() => null)));
    return {
      project: (await shown(user, [doc]))[0]!,
      editable: register.mayWrite(user, doc.section) && !user.roles.includes('integration'),
      instances: metas
        .filter((m, i) => m && sights[i] && sights[i].sight !== 'none')
        .map((m) => ({
          id: m!._id,
          processId: m!.processId,
          processName: m!.processName,
          title: m!.title,
          state: m!.state,
          startedAt: new Date(m!.startedAt).toISOString(),
          endedAt: m!.endedAt ? new Date(m!.endedAt).toISOString() : null,
        }))
        .sort((a, b) => b.startedAt.localeCompare(a.startedAt)),
      archives: archives
        .filter((a) => !!a)
        .map((a) => ({
          id: a._id,
          title: a.title,
          archivedAt: a.archivedAt ? new Date(a.archivedAt).toISOString() : null,
          sha256: a.sha256,
          files: (a.files ?? []).map((f) => ({ no: f.no, filename: f.filename, size: f.size, sha256: f.sha256, sm3: f.sm3 })),
        })),
      witnessRecords: witnessRecords
        .filter((w) => !!w)
        .map((w) => ({ id: w._id, day: w.day, witnessName: w.witnessName, mode: w.mode, anomaly: w.anomaly, reportInstanceId: w.reportInstanceId ?? null }))
        .sort((a, b) => a.day.localeCompare(b.day)),
      sessions: sessions.filter((x) => !!x).sort((a, b) => (a.day + a.start).localeCompare(b.day + b.start)),
    };
  });

  bind(r, API.saveProject, async ({ user, params, body }) => {
    const { doc, created } = await register.save(user, params.id, body, user.roles.includes('integration') ? 'push' : 'register');
    return { project: projectDto(doc), created };
  });

  bind(r, API.resumeProject, async ({ user: u, params, body }) => {
    if (!u.groups.includes('supervision.head') && !u.roles.includes('deputy') && !u.roles.includes('principal')) {
      throw forbidden('只有监督科负责人和中心领导可以恢复暂停的项目', 'Only the supervision head and leaders resume a paused project');
    }
    const { id } = params;
    await pauses.resume({ projectId: id, reason: body.reason, by: u.id, key: `${id}:${Date.now()}` });
    return { id, status: 'active' as const };
  });
  return r;
}
