/** POST /attachments (multipart: file, category, instanceId?, taskId?) and GET /attachments/:id (download). */
import { Router } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { notFound, userError } from '@ggzy/shared';
import { currentUser, forbidden } from '../http/auth-context';
import { parseBody, parseParams } from '../http/validate';
import type { AuditService } from '../audit/audit.service';
import type { InstancesService } from '../instances/instances.service';
import type { InboxService } from '../inbox/inbox.service';
import { CATEGORIES, type AttachmentStore } from './attachments';

const fields = z.strictObject({
  category: z.enum(CATEGORIES).default('other'),
  instanceId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/)
    .optional(),
  taskId: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,100}$/)
    .optional(),
});

export function attachmentsRouter(store: AttachmentStore, instances: InstancesService, inbox: InboxService, audit: AuditService): Router {
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: store.maxBytes + 1, files: 1, fields: 5 } });
  const r = Router();
  r.post('/attachments', (req, res, next) => {
    upload.single('file')(req, res, (err: unknown) => {
      if (!err) return next();
      const e = err as { code?: string };
      if (e.code === 'LIMIT_FILE_SIZE')
        return next(userError('FILE_TOO_LARGE', `文件超过 ${Math.round(store.maxBytes / 1048576)} MB`, 'The file is too large', { status: 413 }));
      next(userError('UPLOAD_INVALID', '上传内容不正确', `Upload rejected: ${e.code ?? 'invalid multipart body'}`));
    });
  });
  r.post('/attachments', async (req, res) => {
    const u = currentUser(req);
    const f = parseBody(fields, req.body);
    if (!req.file) throw userError('FILE_MISSING', '请选择要上传的文件（字段 file）', 'No file in the upload (field "file")');
    let instanceId = f.instanceId;
    if (f.taskId) {
      const { task } = await inbox.load(u, f.taskId);
      instanceId = task.instanceId;
    }
    if (instanceId) await instances.meta(u, instanceId);
    const doc = await store.save(req.file, { uploadedBy: u.id, category: f.category, instanceId, taskId: f.taskId });
    if (instanceId)
      await audit.append({
        actor: u.id,
        action: 'attachment.added',
        instanceId,
        taskId: f.taskId,
        data: { attachmentId: doc._id, filename: doc.filename, sha256: doc.sha256 },
      });
    res.status(201).json({
      id: doc._id,
      filename: doc.filename,
      size: doc.size,
      contentType: doc.contentType,
      sha256: doc.sha256,
      category: doc.category,
      instanceId: doc.instanceId,
    });
  });
  r.get('/attachments/:id', async (req, res) => {
    const u = currentUser(req);
    const { id } = parseParams(z.object({ id: z.string().uuid() }), req.params);
    const doc = await store.model.findById(id).lean();
    if (!doc) throw notFound('Attachment', '附件', id);
    if (doc.uploadedBy !== u.id) {
      if (!doc.instanceId) throw forbidden('无权下载此附件', 'You may not download this attachment');
      await instances.meta(u, doc.instanceId);
    }
    res.setHeader('Content-Type', doc.contentType);
    res.setHeader('Content-Disposition', `${req.query.inline === 'true' ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(doc.filename)}`);
    res.setHeader('X-Content-SHA256', doc.sha256);
    store.open(doc).pipe(res);
  });
  return r;
}
