/** GET /notifications (the user's own, newest first, with the unread count) and POST /notifications/read-all. */
import { Router } from 'express';
import { API } from '@ggzy/shared/api';
import { bind } from '../http/bind-route';
import type { Notifier } from './notifier';

export function notificationsRouter(notifier: Notifier): Router {
  const r = Router();
  bind(r, API.notifications, async ({ user: me, query }) => {
    const { unread, limit } = query;
    const filter: Record<string, unknown> = { userId: me.id };
    if (unread === 'true') filter.readAt = null;
    const items = await notifier.model.find(filter).sort({ createdAt: -1 }).limit(limit).lean();
    const unreadCount = await notifier.model.countDocuments({ userId: me.id, readAt: null });
    return { items: items.map(({ _id, ...n }) => ({ id: _id, ...n })), unreadCount };
  });
  bind(r, API.readAll, async ({ user: me }) => {
    const r2 = await notifier.model.updateMany({ userId: me.id, readAt: null }, { $set: { readAt: new Date() } });
    return { marked: r2.modifiedCount };
  });
  return r;
}
