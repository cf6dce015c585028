/**
 * GET /notifications (the user's own, newest first, with the unread count; of a matter since
 * classified and not theirs to see, only that there was one) and POST /notifications/read-all.
 */
import { Router } from 'express';
import { API } from '@ggzy/shared/api';
import { bind } from '../http/bind-route';
import type { InstancesService } from '../instances/instances.service';
import { maskedNotification, type Notifier } from './notifier';

export function notificationsRouter(notifier: Notifier, instances: InstancesService): Router {
  const r = Router();
  bind(r, API.notifications, async ({ user: me, query }) => {
    const { unread, limit } = query;
    const filter: Record<string, unknown> = { userId: me.id };
    if (unread === 'true') filter.readAt = null;
    const items = await notifier.model.find(filter).sort({ createdAt: -1 }).limit(limit).lean();
    const unreadCount = await notifier.model.countDocuments({ userId: me.id, readAt: null });
    // A matter classified after its notice was sent is no longer told to those outside its circle.
    const hidden = await instances.classifiedOutOfSight(
      me,
      items.map((n) => n.instanceId),
    );
    return {
      items: items.map((n) => (n.instanceId && hidden.has(n.instanceId) ? maskedNotification(n) : n)).map(({ _id, ...n }) => ({ id: _id, ...n })),
      unreadCount,
    };
  });
  bind(r, API.readAll, async ({ user: me }) => {
    const r2 = await notifier.model.updateMany({ userId: me.id, readAt: null }, { $set: { readAt: new Date() } });
    return { marked: r2.modifiedCount };
  });
  return r;
}
