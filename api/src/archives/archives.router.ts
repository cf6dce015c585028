/**
 * Archives: the list to choose from, and the borrower's read-only view. A view needs a live grant
 * for exactly that archive and that user; it is logged and carries a watermark with their name
 * and the time. Public: reports classified 公开.
 */
import { Router } from 'express';
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { chinaDateTime, notFound, type UserDto } from '@ggzy/shared';
import { API } from '@ggzy/shared/api';
import { forbidden } from '../http/auth-context';
import { bind } from '../http/bind-route';
import type { AuditService } from '../audit/audit.service';
import { archiveModels } from './archive.model';
import { ArchiveCatalog } from './archive-catalog';
import { recordModels } from '../records/records.model';
import { peopleModels } from '../people/user.model';

/** China time (UTC+8), as people at the center read clocks. */
function beijing(at: Date): string {
  return `${chinaDateTime(at)}（北京时间）`;
}

function watermarkText(u: UserDto, at: Date): string {
  return `${u.name}（${u.id}）${beijing(at)} 仅供调阅 禁止复制`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function archivesRouter(db: Connection, audit: AuditService): Router {
  const { Archive, Grant, View } = archiveModels(db);
  const { User } = peopleModels(db);
  const r = Router();
  const catalog = new ArchiveCatalog(db);
  bind(r, API.archives, async () => ({ items: await catalog.all() }));
  bind(r, API.archiveGrants, async ({ user: u }) => {
    const now = Date.now();
    const docs = await Grant.find({ borrower: u.id }).sort({ grantedAt: -1 }).lean();
    return { items: docs.map(({ _id, ...g }) => ({ id: _id, ...g, active: !g.revokedAt && g.expiresAt.getTime() > now })) };
  });
  bind(r, API.archiveView, async ({ user: u, params, query, req, res }) => {
    const { id } = params;
    const a = await Archive.findById(id).lean();
    if (!a) throw notFound('Archive', '档案', id);
    const now = new Date();
    const grants = await Grant.find({ borrower: u.id, archiveId: id }).lean();
    const live = grants.find((g) => !g.revokedAt && g.expiresAt.getTime() > now.getTime());
    if (!live) {
      await audit.append({ actor: u.id, action: 'archive.view-refused', data: { archiveId: id, hadGrant: grants.length > 0 } });
      throw forbidden(
        grants.length ? '调阅期限已过，权限已收回' : '没有此档案的调阅权限',
        grants.length ? 'The access period has ended' : 'You have no access to this archive',
        'ARCHIVE_ACCESS_DENIED',
      );
    }
    await View.create({ _id: randomUUID(), grantId: live._id, archiveId: id, borrower: u.id, at: now, ip: req.ip });
    await audit.append({ actor: u.id, action: 'archive.viewed', instanceId: live.instanceId, data: { archiveId: id, grantId: live._id } });
    const watermark = watermarkText(u, now);
    res.setHeader('Cache-Control', 'no-store');
    if (query.format === 'html') {
      const svg = `<svg xmlns='http://www.w3.org/2000/svg' width='420' height='220'><text x='10' y='120' transform='rotate(-20 210 110)' fill='rgba(200,0,0,0.16)' font-size='18'>${escapeHtml(watermark)}</text></svg>`;
      res
        .type('html')
        .send(
          `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(a.title)}</title><style>body{font-family:sans-serif;margin:2rem;user-select:none;background-image:url("data:image/svg+xml;utf8,${encodeURIComponent(svg)}")}pre{white-space:pre-wrap;font-size:15px;line-height:1.7}</style></head><body><h1>${escapeHtml(a.title)}</h1><p>只读调阅，有效期至 ${escapeHtml(beijing(live.expiresAt))}；${escapeHtml(watermark)}</p><pre>${escapeHtml(a.content)}</pre><p>SHA-256：${a.sha256}</p></body></html>`,
        );
      return;
    }
    return { id, title: a.title, content: a.content, sha256: a.sha256, readOnly: true, watermark, expiresAt: live.expiresAt.toISOString() };
  });
  bind(r, API.archiveViews, async ({ user: u, params }) => {
    if (!u.groups.includes('supervision') && !u.roles.includes('admin') && !u.roles.includes('principal') && !u.roles.includes('deputy')) {
      throw forbidden('只有监督科、领导和管理员可以查看调阅记录', 'Only supervision, leaders and admins see the view trail');
    }
    const docs = await View.find({ archiveId: params.id }).sort({ at: -1 }).lean();
    // Who each borrower is (a handful of people per archive), read by id.
    const people = new Map<string, { name: string; unit?: string }>();
    for (const b of new Set(docs.map((d) => d.borrower))) {
      const p = await User.findById(b).select('name unit').lean();
      if (p) people.set(b, { name: p.name, ...(p.unit && { unit: p.unit }) });
    }
    return {
      items: docs.map(({ _id, ...v }) => ({
        id: _id,
        ...v,
        ...(people.has(v.borrower) && { borrowerName: people.get(v.borrower)!.name, borrowerUnit: people.get(v.borrower)!.unit }),
      })),
    };
  });
  return r;
}

export function publicRouter(db: Connection): Router {
  const { Publication } = recordModels(db);
  const r = Router();
  bind(r, API.publicReports, async () => {
    const docs = await Publication.find({}).sort({ publishedAt: -1 }).limit(100).lean();
    return { items: docs.map((p) => ({ id: p._id, title: p.title, content: JSON.parse(p.content) as unknown, publishedAt: p.publishedAt })) };
  });
  return r;
}
