/**
 * Filing a project's archive (6.5.1–6.5.2): one archive per project (一档一卷, `_id` `DA-<project>`),
 * its files (件) collected in one step from every flow on the project, in the order they were filed
 * in the process, each with its SHA-256 and SM3 digests; the archive's index text is hashed too.
 * Once filed it is never written again (a repeated filing returns it as it is), and it is what
 * archive lending lends.
 */
import { createHash } from 'node:crypto';
import type { Connection } from 'mongoose';
import { chinaDateTime } from '@ggzy/shared';
import { archiveModels, type ArchiveDoc } from './archive.model';
import { ArchiveCatalog } from './archive-catalog';
import type { AttachmentStore } from '../attachments/attachments';
import type { AuditService } from '../audit/audit.service';
import { linkToProject, projectLinksModel, projectModel } from '../projects/project.model';

export const archiveIdOf = (projectId: string) => `DA-${projectId}`;

async function digests(stream: NodeJS.ReadableStream): Promise<{ sha256: string; sm3: string }> {
  const a = createHash('sha256');
  const b = createHash('sm3');
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    a.update(chunk);
    b.update(chunk);
  }
  return { sha256: a.digest('hex'), sm3: b.digest('hex') };
}

export async function fileArchive(
  deps: { db: Connection; files: AttachmentStore; audit: AuditService },
  p: { projectId: string; instanceId: string; by: string },
): Promise<{ archiveId: string; files: number }> {
  const { Archive } = archiveModels(deps.db);
  const id = archiveIdOf(p.projectId);
  const filed = await Archive.findById(id).lean();
  if (filed) return { archiveId: id, files: filed.files?.length ?? 0 };
  const project = await projectModel(deps.db).findById(p.projectId).lean();
  const links = await projectLinksModel(deps.db).findById(p.projectId).lean();
  const instanceIds = [...new Set([...(links?.instanceIds ?? []), p.instanceId])];
  const all = (await Promise.all(instanceIds.map((i) => deps.files.forInstance(i)))).flat();
  all.sort((x, y) => new Date(x.uploadedAt).getTime() - new Date(y.uploadedAt).getTime() || x._id.localeCompare(y._id));
  const files: NonNullable<ArchiveDoc['files']> = [];
  for (const [i, f] of all.entries()) {
    const d = await digests(deps.files.open(f));
    files.push({
      no: i + 1,
      attachmentId: f._id,
      filename: f.filename,
      category: f.category ?? null,
      instanceId: f.instanceId ?? null,
      size: f.size,
      sha256: d.sha256,
      sm3: d.sm3,
      filedAt: f.uploadedAt,
    });
  }
  const now = new Date();
  const title = `${project?.name ?? p.projectId} 交易档案`;
  const content = [
    `项目编号：${p.projectId}`,
    `项目名称：${project?.name ?? ''}`,
    `招标人/采购人：${project?.tenderer ?? ''}`,
    `登记日期：${project?.registeredOn ?? ''}\u3000公告日期：${project?.noticeOn ?? ''}\u3000定标日期：${project?.awardOn ?? ''}\u3000合同签订日期：${project?.contractOn ?? ''}`,
    `归档时间：${chinaDateTime(now)}`,
    '',
    '卷内文件（按交易流程先后顺序）：',
    ...files.map((f) => `${f.no}. ${f.filename}\u3000SHA-256 ${f.sha256}\u3000SM3 ${f.sm3}`),
  ].join('\n');
  const sha256 = createHash('sha256').update(content).digest('hex');
  await Archive.updateOne(
    { _id: id },
    { $setOnInsert: { _id: id, projectId: p.projectId, title, content, sha256, archivedAt: now, filedBy: p.by, instanceId: p.instanceId, files } },
    { upsert: true },
  );
  // (as stored: filed again after a stop, the first filing's)
  const stored = (await Archive.findById(id).select('projectId title sha256 archivedAt').lean())!;
  await new ArchiveCatalog(deps.db).add({ id, projectId: stored.projectId, title: stored.title, sha256: stored.sha256, archivedAt: stored.archivedAt });
  await linkToProject(deps.db, p.projectId, { archiveId: id });
  await deps.audit.append({
    actor: p.by,
    action: 'archive.filed',
    instanceId: p.instanceId,
    data: { archiveId: id, projectId: p.projectId, files: files.length, sha256 },
  });
  return { archiveId: id, files: files.length };
}
