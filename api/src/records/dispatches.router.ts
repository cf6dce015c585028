/**
 * 要情专报 as documents (3.2.5): the dispatch records of a year with their 文号, recipients and 抄送,
 * and the monthly compilations, for the office, supervision, the leaders and admins; each issued
 * report as the official document (Word in the GB/T 9704 layout, PDF). A classified report outside
 * the reader's circle shows its number and date only, and its document is refused. The public reads
 * a published report's full text by its id (the portal links to it).
 */
import { Router } from 'express';
import type { Connection } from 'mongoose';
import { chinaDate, notFound } from '@ggzy/shared';
import { API, type UserDto } from '@ggzy/shared/api';
import { bind } from '../http/bind-route';
import { forbidden } from '../http/auth-context';
import type { InstancesService } from '../instances/instances.service';
import { recordModels, type DispatchDoc } from './records.model';
import { sendFile } from './paper-table';
import { toDocx, toOfficialPdf } from './official-document';

function mayRead(u: UserDto): void {
  const ok = u.roles.some((r) => r === 'admin' || r === 'principal' || r === 'deputy') || u.sections.some((s) => s === 'office' || s === 'supervision');
  if (!ok) throw forbidden('只有办公室、监督科、领导和管理员可以查看印发记录', 'Only the office, supervision, leaders and admins read the dispatch records');
}

interface ReportContent {
  background?: string;
  development?: string;
  handling?: string;
}

/** The report's text as the document sets it: its three parts under their headings. */
function body(d: DispatchDoc): string {
  let c: ReportContent = {};
  try {
    c = JSON.parse(d.content) as ReportContent;
  } catch {
    /* an old record without structured content: its title alone */
  }
  return [
    ['一、基本情况', c.background],
    ['二、事态发展', c.development],
    ['三、处置情况', c.handling],
  ]
    .filter(([, t]) => t)
    .flatMap(([h, t]) => [h!, t!])
    .join('\n');
}

export function dispatchesRouter(db: Connection, instances: InstancesService): Router {
  const { Dispatch, Compilation } = recordModels(db);
  const r = Router();
  bind(r, API.dispatches, async ({ user, query }) => {
    mayRead(user);
    const year = String(query.year ?? chinaDate(new Date()).slice(0, 4));
    // dozens a year: read in order, the year's kept
    const docs = (await Dispatch.find({}).sort({ dispatchedAt: 1 }).lean()).filter((d) => chinaDate(d.dispatchedAt).startsWith(year));
    const hidden = await instances.classifiedOutOfSight(
      user,
      docs.map((d) => d.instanceId),
    );
    const compilations = (await Compilation.find({}).lean()).filter((c) => c.month.startsWith(year)).sort((a, b) => a.month.localeCompare(b.month));
    return {
      items: docs.map((d) => {
        const h = hidden.has(d.instanceId);
        return {
          id: d._id,
          instanceId: d.instanceId,
          dispatchNo: d.dispatchNo ?? '',
          title: h ? '【保密事项】' : d.title,
          recipients: h ? [] : d.recipients,
          copyTo: h ? [] : d.copyTo,
          dispatchedAt: new Date(d.dispatchedAt).toISOString(),
          hidden: h,
        };
      }),
      compilations: compilations.map((c) => ({
        month: c.month,
        count: c.instanceIds.length,
        titles: c.titles.map((t, i) => (hidden.has(c.instanceIds[i] ?? '') ? '【保密事项】' : t)),
        compiledAt: new Date(c.compiledAt).toISOString(),
      })),
    };
  });
  bind(r, API.dispatchDocument, async ({ user, params, query, res }) => {
    mayRead(user);
    const d = await Dispatch.findById(params.id).lean();
    if (!d) throw notFound('Dispatch', '印发记录', params.id);
    if ((await instances.classifiedOutOfSight(user, [d.instanceId])).has(d.instanceId))
      throw forbidden('该要情专报已定密，不在您的知悉范围内', 'This report is classified and outside your circle', 'CLASSIFIED');
    const [y, m, day] = chinaDate(new Date(d.dispatchedAt)).split('-').map(Number) as [number, number, number];
    const doc = {
      issuer: '湘西自治州公共资源交易中心',
      number: d.dispatchNo ?? '',
      title: d.title,
      sendTo: d.recipients,
      body: body(d),
      date: `${y}年${m}月${day}日`,
      copyTo: d.copyTo,
    };
    sendFile(res, `${d.dispatchNo ?? ''}${d.title}.${query.format}`, query.format, query.format === 'docx' ? await toDocx(doc) : await toOfficialPdf(doc));
  });
  return r;
}

/** A published report's full text, for the public page a portal links to. */
export function publicReportRouter(db: Connection): Router {
  const { Publication } = recordModels(db);
  const r = Router();
  bind(r, API.publicReport, async ({ params }) => {
    const p = await Publication.findById(params.id).lean();
    if (!p) throw notFound('Report', '已公开的要情专报', params.id);
    return { id: p._id, title: p.title, content: JSON.parse(p.content) as unknown, publishedAt: new Date(p.publishedAt).toISOString() };
  });
  return r;
}
