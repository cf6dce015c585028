/** The API's implementation of what job workers do outside the engine, on its own collections. */
import type { Connection } from 'mongoose';
import type { WorkerServices } from '@ggzy/engine-workers';
import { chinaMonthStart, notFound } from '@ggzy/shared';
import type { Notifier } from '../notifications/notifier';
import { ProjectPauses } from '../projects/project-pauses';
import { recordModels, insertOnce } from '../records/records.model';
import { archiveModels } from '../archives/archive.model';
import { attachmentModel } from '../attachments/attachments';
import type { AuditService } from '../audit/audit.service';

export function createWorkerServices(deps: { db: Connection; notifier: Notifier; audit: AuditService; dayMs: number }): WorkerServices {
  const { db, notifier, audit, dayMs } = deps;
  const pauses = new ProjectPauses(db, audit, notifier);
  const rec = recordModels(db);
  const arch = archiveModels(db);
  const Attachment = attachmentModel(db);
  return {
    now: () => new Date(),
    notify: (n) => notifier.send(n),
    pauseProject: (p) => pauses.pause(p),
    resumeProject: (p) => pauses.resume(p),
    async recordDispatch(d) {
      const doc = await insertOnce(rec.Dispatch, {
        _id: `${d.instanceId}:${d.round}`,
        instanceId: d.instanceId,
        round: d.round,
        title: d.title,
        recipients: d.recipients,
        copyTo: d.copyTo,
        content: JSON.stringify(d.content),
        dispatchedAt: new Date(),
      });
      await audit.append({
        actor: 'system',
        action: 'report.dispatched',
        instanceId: d.instanceId,
        data: { round: d.round, recipients: d.recipients, copyTo: d.copyTo },
      });
      return {
        dispatchNo: `湘西交易要情〔${doc.dispatchedAt.getFullYear()}〕${d.instanceId.slice(-6)}-${d.round}`,
        dispatchedAt: doc.dispatchedAt.toISOString(),
      };
    },
    async publishReport(p) {
      await insertOnce(rec.Publication, {
        _id: p.instanceId,
        instanceId: p.instanceId,
        title: p.title,
        content: JSON.stringify(p.content),
        publishedAt: new Date(),
      });
      await audit.append({ actor: 'system', action: 'report.published', instanceId: p.instanceId });
      return { publicationId: p.instanceId };
    },
    async compileMonthly({ month }) {
      const [y, m] = month.split('-').map(Number) as [number, number];
      const from = chinaMonthStart(y, m);
      const to = chinaMonthStart(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1);
      const ds = await rec.Dispatch.find({ dispatchedAt: { $gte: from, $lt: to } })
        .sort({ dispatchedAt: 1 })
        .lean();
      const doc = await insertOnce(rec.Compilation, {
        _id: month,
        month,
        instanceIds: ds.map((d) => d.instanceId),
        titles: ds.map((d) => d.title),
        compiledAt: new Date(),
      });
      return { compilationId: doc._id, count: doc.instanceIds.length };
    },
    async attachmentsOf(instanceId, ids = []) {
      const docs = await Attachment.find(ids.length ? { $or: [{ instanceId }, { _id: { $in: ids } }] } : { instanceId }).lean();
      return docs.map((d) => ({ id: d._id, category: d.category ?? undefined, filename: d.filename }));
    },
    async recordSupervision(r) {
      const doc = await insertOnce(rec.SupervisionRecord, { _id: r.instanceId, ...r, recordedAt: new Date() });
      return { recordNo: `JD-${doc.recordedAt.getFullYear()}-${r.instanceId.slice(-6)}` };
    },
    async grantArchiveAccess({ instanceId, archiveId, borrower, days }) {
      const a = await arch.Archive.findById(archiveId).lean();
      if (!a) throw notFound('Archive', '档案', archiveId);
      const now = new Date();
      const g = await insertOnce(arch.Grant, {
        _id: `grant:${instanceId}`,
        archiveId,
        borrower,
        instanceId,
        grantedAt: now,
        expiresAt: new Date(now.getTime() + days * dayMs),
        revokedAt: null,
      });
      await audit.append({
        actor: 'system',
        action: 'archive.access-granted',
        instanceId,
        data: { archiveId, borrower, expiresAt: g.expiresAt.toISOString() },
      });
      return { grantId: g._id, expiresAt: g.expiresAt.toISOString() };
    },
    async revokeArchiveAccess({ instanceId, grantId }) {
      const now = new Date();
      await arch.Grant.updateOne({ _id: grantId, revokedAt: null }, { $set: { revokedAt: now } });
      const g = await arch.Grant.findById(grantId).lean();
      await audit.append({ actor: 'system', action: 'archive.access-revoked', instanceId, data: { grantId } });
      return { revokedAt: (g?.revokedAt ?? now).toISOString() };
    },
  };
}
