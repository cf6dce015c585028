/**
 * GET /records/supervision?year= — 表六, the on-site supervision records (现场监督执法过程记录) of a
 * year, numbered in order, for supervision, the leaders and admins.
 */
import { Router } from 'express';
import type { Connection } from 'mongoose';
import { chinaDate } from '@ggzy/shared';
import { API } from '@ggzy/shared/api';
import { bind } from '../http/bind-route';
import { forbidden } from '../http/auth-context';
import { attachmentModel } from '../attachments/attachments';
import { recordModels } from './records.model';

export function recordsRouter(db: Connection): Router {
  const { SupervisionRecord } = recordModels(db);
  const Attachment = attachmentModel(db);
  const r = Router();
  bind(r, API.supervisionRecords, async ({ user: u, query }) => {
    if (!u.groups.includes('supervision') && !u.roles.includes('admin') && !u.roles.includes('principal') && !u.roles.includes('deputy'))
      throw forbidden('只有监督科、领导和管理员可以查看现场监督记录', 'Only supervision, leaders and admins read the supervision records');
    const year = query.year ?? Number(chinaDate(new Date()).slice(0, 4));
    // A few hundred a year: read in order, the year's kept.
    const docs = (await SupervisionRecord.find({}).sort({ recordedAt: 1 }).lean()).filter((d) => chinaDate(d.recordedAt).startsWith(String(year)));
    const items = [];
    for (const d of docs) {
      const files = [];
      for (const id of d.attachmentIds ?? []) {
        const f = await Attachment.findById(id).select('filename').lean();
        if (f) files.push({ id, filename: f.filename });
      }
      items.push({
        id: d._id,
        recordNo: d.recordNo ?? `JD-${year}-${d._id.slice(-6)}`,
        instanceId: d.instanceId,
        kind: d.kind,
        unit: d.unit,
        summary: d.summary,
        outcome: d.outcome,
        recordedAt: d.recordedAt.toISOString(),
        at: d.at ? d.at.toISOString() : null,
        place: d.place ?? null,
        present: d.present ?? null,
        measures: d.measures ?? null,
        attachments: files,
      });
    }
    return { items };
  });
  return r;
}
