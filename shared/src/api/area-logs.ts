/** 开评标区管理记录 (5.1, 表四): 综合科's log of each session in the bid-opening and evaluation area. */
import { z } from 'zod';
import { isoDateTime } from './common';
import { sessionDto } from './venues';
import { AREA_LOG_ITEMS, type AreaLogItem } from '../records/area-log-items';

export * from '../records/area-log-items';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'not a date (YYYY-MM-DD)');
const item = z.string().trim().max(2000).nullable().optional();

export const areaLogBody = z.strictObject(Object.fromEntries(AREA_LOG_ITEMS.map(([k]) => [k, item])) as Record<AreaLogItem, typeof item>);
export const areaLogDto = z
  .strictObject({
    sessionId: z.string(),
    ...(Object.fromEntries(AREA_LOG_ITEMS.map(([k]) => [k, z.string().nullable()])) as Record<AreaLogItem, z.ZodNullable<z.ZodString>>),
    loggedBy: z.string(),
    loggedByName: z.string(),
    updatedAt: isoDateTime,
  })
  .meta({ id: 'AreaLog' });
export const areaLogParams = z.object({ id: z.string().regex(/^[a-z0-9-]{1,30}~\d{4}-\d{2}-\d{2}~[a-f0-9]{8}$/, 'not a session id') });
export const areaLogDayQuery = z.strictObject({ day: day.optional() });
export const areaLogDayReply = z.strictObject({ day, items: z.array(z.strictObject({ session: sessionDto, log: areaLogDto.nullable() })) });
export const areaLogExportQuery = z.strictObject({ month: z.string().regex(/^\d{4}-\d{2}$/, 'not a month (YYYY-MM)'), format: z.enum(['xlsx', 'pdf']) });
