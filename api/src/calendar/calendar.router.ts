/** GET /calendar?year= (anyone signed in) and PUT /calendar/:date (admins: holiday, workday, or back to the official calendar). */
import { Router } from 'express';
import { z } from 'zod';
import { currentUser, requireRole } from '../http/auth-context';
import { parseBody, parseParams, parseQuery } from '../http/validate';
import type { AuditService } from '../audit/audit.service';
import type { WorkCalendar } from './work-calendar';

const dateParam = z.object({ date: z.iso.date() });
export const calendarBody = z.strictObject({ type: z.enum(['holiday', 'workday', 'official']), name: z.string().trim().max(40).default('') });

export function calendarRouter(calendar: WorkCalendar, audit: AuditService): Router {
  const r = Router();
  r.get('/calendar', (req, res) => {
    currentUser(req);
    const { year } = parseQuery(z.strictObject({ year: z.coerce.number().int().min(2020).max(2100).default(new Date().getUTCFullYear()) }), req.query);
    res.json({ year, days: calendar.year(year) });
  });
  r.put('/calendar/:date', async (req, res) => {
    const u = currentUser(req);
    requireRole(u, 'admin');
    const { date } = parseParams(dateParam, req.params);
    const b = parseBody(calendarBody, req.body);
    const before = calendar.isWorkday(date);
    if (b.type === 'official') await calendar.clear(date);
    else await calendar.set(date, b.type, b.name || (b.type === 'holiday' ? '放假' : '上班'), u.id);
    await audit.append({
      actor: u.id,
      action: 'calendar.changed',
      data: { date, before: { workday: before }, after: { workday: calendar.isWorkday(date) }, type: b.type, name: b.name },
    });
    res.json({ date, workday: calendar.isWorkday(date) });
  });
  return r;
}
