/** POST /attachments (multipart: file, category, instanceId?, taskId?) and GET /attachments/:id (download). */
import { Router, type RequestHandler } from 'express';
import multer from 'multer';
import { notFound, userError, type UserDto } from '@ggzy/shared';
import { API } from '@ggzy/shared/api';
import { currentUser, forbidden } from '../http/auth-context';
import { parseBody } from '../http/validate';
import { bind } from '../http/bind-route';
import { mayReadFile } from '../visibility/visibility';
import type { AuditService } from '../audit/audit.service';
import type { InstancesService } from '../instances/instances.service';
import type { InboxService } from '../inbox/inbox.service';
import type { AttachmentStore, Received } from './attachments';
import type { UploadQuota } from './upload-quota';
import { rateLimit } from 'express-rate-limit';
import type { Connection } from 'mongoose';
import { DatabaseLimitStore } from '../people/login-counter-store';

const parseUpload = (body: unknown) => parseBody(API.upload.body, body);

export function attachmentsRouter(
  store: AttachmentStore,
  instances: InstancesService,
  inbox: InboxService,
  audit: AuditService,
  limits: { db: Connection; quota: UploadQuota; perMinute: number },
): Router {
  const r = Router();
  /**
   * Who may add a file to a flow: those who act on it — its starter, and whoever holds or is
   * offered one of its open steps (not an overseer who only reads it, not an admin as such), and
   * only while it runs.
   */
  const mayAttach = async (u: UserDto, instanceId: string) => {
    const m = await instances.meta(u, instanceId); // 404 for one they may not see
    if (m.state !== 'active' && m.state !== 'incident')
      throw userError('INSTANCE_NOT_ACTIVE', '流程已结束，不能再添加附件', 'The flow has ended: no more files can be added', { status: 409 });
    if (m.starter === u.id) return;
    const open = await inbox.store.find({ instanceId, status: 'open' });
    const acting = open.some(
      (t) =>
        t.assignee === u.id ||
        t.pendingSigners.includes(u.id) ||
        (!t.assignee && (t.candidateUsers.includes(u.id) || t.candidateGroups.some((g) => u.groups.includes(g)))),
    );
    if (!acting)
      throw forbidden(
        '只有申请人和当前环节的办理人可以添加附件',
        'Only the starter and those on an open step of the flow may add files to it',
        'ATTACH_FORBIDDEN',
      );
  };
  /** The flow a file goes to (through its task), checked before a byte of it is stored. */
  const target = async (u: UserDto, body: unknown): Promise<{ f: ReturnType<typeof parseUpload>; instanceId?: string }> => {
    const f = parseUpload(body);
    let instanceId = f.instanceId;
    if (f.taskId) {
      const { task } = await inbox.load(u, f.taskId);
      instanceId = task.instanceId;
    }
    if (instanceId) await mayAttach(u, instanceId);
    return { f, instanceId };
  };
  // multer's storage engine: the fields come before the file (the web app and the API docs send
  // them so), so who may add it is known before its bytes arrive; then they stream to GridFS.
  const storage: multer.StorageEngine = {
    _handleFile(req, file, cb) {
      void (async () => {
        const u = currentUser(req);
        const to = await target(u, req.body);
        await limits.quota.admit(u.id);
        const received = await store.receive(file.originalname, file.stream);
        await limits.quota.add(u.id, received.size);
        return { to, received };
      })().then(
        (taken) => cb(null, taken as Partial<Express.Multer.File>),
        (err: unknown) => {
          file.stream.resume(); // the rest of the request is read and dropped
          cb(err as Error);
        },
      );
    },
    _removeFile(_req, file, cb) {
      const received = (file as unknown as { received?: Received }).received;
      void (received ? store.discard(received.fileId) : Promise.resolve()).then(() => cb(null), cb);
    },
  };
  const upload = multer({ storage, limits: { fileSize: store.maxBytes + 1, files: 1, fields: 5 } });
  // files per minute per person, counted in the database (every replica), before any is read
  const rate = rateLimit({
    windowMs: 60_000,
    limit: limits.perMinute,
    keyGenerator: (req) => currentUser(req).id,
    store: new DatabaseLimitStore(limits.db, 'upload-rate:'),
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) =>
      next(
        userError(
          'UPLOAD_RATE',
          `上传过于频繁（每分钟最多 ${limits.perMinute} 个文件），请稍后再试`,
          `Too many uploads: at most ${limits.perMinute} files a minute`,
          { status: 429 },
        ),
      ),
  });
  const receive: RequestHandler = (req, res, next) => {
    upload.single('file')(req, res, (err: unknown) => {
      if (!err) return next();
      const e = err as { code?: string; status?: number };
      if (e.code === 'LIMIT_FILE_SIZE')
        return next(userError('FILE_TOO_LARGE', `文件超过 ${Math.round(store.maxBytes / 1048576)} MB`, 'The file is too large', { status: 413 }));
      if (e instanceof Error && 'status' in e) return next(err); // a refusal of ours (type, size, who)
      next(userError('UPLOAD_INVALID', '上传内容不正确', `Upload rejected: ${e.code ?? 'invalid multipart body'}`));
    });
  };
  bind(
    r,
    API.upload,
    async ({ user: u, req, body }) => {
      const taken = req.file as unknown as { received: Received; to: Awaited<ReturnType<typeof target>> } | undefined;
      if (!taken) {
        parseUpload(body); // a bad field is named first
        throw userError('FILE_MISSING', '请选择要上传的文件（字段 file）', 'No file in the upload (field "file")');
      }
      const { received } = taken;
      const { f, instanceId } = taken.to;
      const doc = await store.record(received, { uploadedBy: u.id, category: f.category, instanceId, taskId: f.taskId });
      if (instanceId)
        await audit.append({
          actor: u.id,
          action: 'attachment.added',
          instanceId,
          taskId: f.taskId,
          data: { attachmentId: doc._id, filename: doc.filename, sha256: doc.sha256 },
        });
      return {
        id: doc._id,
        filename: doc.filename,
        size: doc.size,
        contentType: doc.contentType,
        sha256: doc.sha256,
        category: doc.category,
        instanceId: doc.instanceId,
      };
    },
    rate,
    receive,
  );
  bind(r, API.download, async ({ user: u, params, query, res }) => {
    const { id } = params;
    const doc = await store.model.findById(id).lean();
    if (!doc) throw notFound('Attachment', '附件', id);
    if (doc.uploadedBy !== u.id) {
      if (!doc.instanceId) throw forbidden('无权下载此附件', 'You may not download this attachment');
      // The same sight as the instance's page: an applicant has the files they gave and those of their own steps.
      const { sight } = await instances.sight(u, doc.instanceId);
      if (sight === 'none') await instances.meta(u, doc.instanceId);
      if (!mayReadFile(sight, doc, u, sight === 'applicant' ? await instances.heldTaskIds(u, doc.instanceId) : new Set()))
        throw forbidden('无权下载此附件', 'You may not download this attachment');
    }
    res.setHeader('Content-Type', doc.contentType);
    res.setHeader('Content-Disposition', `${query.inline === 'true' ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(doc.filename)}`);
    res.setHeader('X-Content-SHA256', doc.sha256);
    store.open(doc).pipe(res);
  });
  return r;
}
