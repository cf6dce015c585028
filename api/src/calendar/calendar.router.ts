/** GET /calendar?year= (anyone signed in) and PUT /calendar/:date (admins: holiday, workday, or back to the official calendar). */
import { Router } from 'express';
import { API } from '@ggzy/shared/api';
import { requireRole } from '../http/auth-context';
import { bind } from '../http/bind-route';
import type { AuditService } from '../audit/audit.service';
import type { WorkCalendar } from './work-calendar';

export function calendarRouter(calendar: WorkCalendar, audit: AuditService): Router {
  const r = Router();
  bind(r, API.calendar, ({ query }) => {
    const year = query.year ?? new Date().getUTCFullYear();
    return { year, days: calendar.year(year) };
  });
  bind(r, API.setCalendarDay, async ({ user: u, params, body: b }) => {
    requireRole(u, 'admin');
    const { date } = params;
    const before = calendar.isWorkday(date);
    if (b.type === 'official') await calendar.clear(date);
    else await calendar.set(date, b.type, b.name || (b.type === 'holiday' ? '放假' : '上班'), u.id);
    await audit.append({
      actor: u.id,
      action: 'calendar.changed',
      data: { date, before: { workday: before }, after: { workday: calendar.isWorkday(date) }, type: b.type, name: b.name },
    });
    return { date, workday: calendar.isWorkday(date) };
  });
  return r;
}
