/**
 * 开评标区管理记录 (5.1, 表四): 综合科 logs each session held in the bid-opening and evaluation area
 * — discipline, clarifications and questions, the remote-evaluation system, venue dispatch, the
 * sample room, entry and exit, experts' meals and overnight rooms, anomalies — one log per session
 * (`area_logs`, `_id` the session's id), read by id alongside the day's sessions.
 */
import { Router } from 'express';
import { Schema, type Connection, type Model } from 'mongoose';
import { chinaDateTime, type UserDto } from '@ggzy/shared';
import { API, AREA_LOG_ITEMS, type AreaLogItem, type VenueSessionDto } from '@ggzy/shared/api';
import { modelOn } from '../db/model-on';
import { bind } from '../http/bind-route';
import { forbidden } from '../http/auth-context';
import type { AuditService } from '../audit/audit.service';
import { addDays, chinaToday, type VenueCalendar } from '../venues/venue-calendar';
import { sendFile, toPdf, toXlsx, type PaperTable } from '../records/paper-table';

type AreaLogDoc = { _id: string; loggedBy: string; loggedByName: string; updatedAt: Date } & Record<AreaLogItem, string | null>;

const mayWrite = (u: UserDto) => u.roles.includes('admin') || u.sections.includes('general');
/** 综合科 keeps it; 办公室 and 信息科 work beside it (5.1.2); supervision and the leaders read it. */
const mayRead = (u: UserDto) =>
  mayWrite(u) || ['office', 'it', 'supervision'].some((s) => u.sections.includes(s as never)) || u.roles.includes('deputy') || u.roles.includes('principal');

export function areaLogModel(db: Connection): Model<AreaLogDoc> {
  return modelOn<AreaLogDoc>(
    db,
    'AreaLog',
    new Schema<AreaLogDoc>(
      { _id: String, loggedBy: String, loggedByName: String, updatedAt: Date, ...Object.fromEntries(AREA_LOG_ITEMS.map(([k]) => [k, String])) },
      { versionKey: false, _id: false, collection: 'area_logs' },
    ),
  );
}

const dtoOf = (d: AreaLogDoc) => ({
  sessionId: d._id,
  ...(Object.fromEntries(AREA_LOG_ITEMS.map(([k]) => [k, d[k] ?? null])) as Record<AreaLogItem, string | null>),
  loggedBy: d.loggedBy,
  loggedByName: d.loggedByName,
  updatedAt: new Date(d.updatedAt).toISOString(),
});

/** 表四 of a month: a row per session, in time order. */
export function areaTable(month: string, rows: { session: VenueSessionDto; log: AreaLogDoc | null }[]): PaperTable {
  return {
    title: '开评标区管理记录（表四）',
    subtitle: `湘西州公共资源交易中心 · 综合科 · ${month.replace('-', ' 年 ')} 月`,
    columns: [
      { header: '日期时间', width: 8 },
      { header: '场地', width: 6 },
      { header: '项目', width: 12 },
      ...AREA_LOG_ITEMS.map(([, h]) => ({ header: h, width: 8 })),
      { header: '记录人', width: 5 },
    ],
    rows: rows.map(({ session: s, log }) => [
      `${s.day} ${s.start}–${s.end}`,
      s.roomName,
      `${s.projectId} ${s.projectName}（${s.purpose}）`,
      ...AREA_LOG_ITEMS.map(([k]) => log?.[k] ?? ''),
      log?.loggedByName ?? '未记录',
    ]),
    footer: `共 ${rows.length} 场  生成时间：${chinaDateTime(new Date())}`,
  };
}

export function areaLogsRouter(db: Connection, venues: VenueCalendar, audit: AuditService): Router {
  const Log = areaLogModel(db);
  const r = Router();
  const dayOf = async (from: string, days: number) => {
    const { sessions } = await venues.days(from, days);
    const logs = await Promise.all(sessions.map((s) => Log.findById(s.id).lean()));
    return sessions.map((session, i) => ({ session, log: logs[i] ?? null }));
  };
  bind(r, API.areaLogs, async ({ user, query }) => {
    if (!mayRead(user))
      throw forbidden('开评标区管理记录由综合科记录，监督科和领导查阅', 'The area log is kept by the general section and read by supervision and the leaders');
    const day = query.day ?? chinaToday();
    return { day, items: (await dayOf(day, 1)).map(({ session, log }) => ({ session, log: log ? dtoOf(log) : null })) };
  });
  bind(r, API.exportAreaLogs, async ({ user, query, res }) => {
    if (!mayRead(user))
      throw forbidden('开评标区管理记录由综合科记录，监督科和领导查阅', 'The area log is kept by the general section and read by supervision and the leaders');
    const first = `${query.month}-01`;
    // the month's length: the day before the first of the next month
    const days = Number(addDays(`${addDays(first, 31).slice(0, 7)}-01`, -1).slice(8, 10));
    const table = areaTable(query.month, await dayOf(first, days));
    sendFile(res, `表四-开评标区管理记录-${query.month}.${query.format}`, query.format, query.format === 'pdf' ? await toPdf(table) : await toXlsx(table));
  });
  bind(r, API.saveAreaLog, async ({ user, params, body }) => {
    if (!mayWrite(user)) throw forbidden('开评标区管理记录由综合科填写', 'The area log is written by the general section');
    const session = await venues.session(params.id);
    const fields = Object.fromEntries(AREA_LOG_ITEMS.map(([k]) => [k, body[k] || null]));
    const now = new Date();
    await Log.updateOne({ _id: session.id }, { $set: { ...fields, loggedBy: user.id, loggedByName: user.name, updatedAt: now } }, { upsert: true });
    await audit.append({ actor: user.id, action: 'area.logged', data: { sessionId: session.id, projectId: session.projectId, day: session.day } });
    return dtoOf((await Log.findById(session.id).lean())!);
  });
  return r;
}
