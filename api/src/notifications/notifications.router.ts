/**
 * The notification centre: GET /notifications (the user's own, newest first, by category and read
 * state, with the unread counts; of a matter since classified and not theirs to see, only that there
 * was one), marking one or all read, each person's channels (/me/notification-settings), and for
 * admins the delivery queue of the channels beyond the app, with sending again.
 */
import { Router } from 'express';
import { NOTIFICATION_CATEGORIES, notificationCategory, notFound, type UserDto } from '@ggzy/shared';
import { API } from '@ggzy/shared/api';
import { bind } from '../http/bind-route';
import { requireRole } from '../http/auth-context';
import type { AuditService } from '../audit/audit.service';
import type { InstancesService } from '../instances/instances.service';
import { maskedNotification, type Notifier } from './notifier';
import { MAX_ATTEMPTS, type DeliveryDoc } from './deliveries';

export function notificationsRouter(notifier: Notifier, instances: InstancesService, audit: AuditService): Router {
  const r = Router();
  const available = () => notifier.deliveries?.channels.configured() ?? { email: false, sms: false, robot: false };

  bind(r, API.notifications, async ({ user: me, query }) => {
    const { category, unread, page, limit } = query;
    const box = await notifier.boxes.page(me.id, { category, unread: unread === 'true', offset: (page - 1) * limit, limit });
    const docs = await Promise.all(box.ids.map(async ({ id, read }) => ({ doc: await notifier.model.findById(id).lean(), read })));
    const found = docs.filter((d) => d.doc && d.doc.userId === me.id);
    // A matter classified after its notice was sent is no longer told to those outside its circle.
    const hidden = await instances.classifiedOutOfSight(
      me,
      found.map((d) => d.doc!.instanceId),
    );
    return {
      items: found.map(({ doc, read }) => {
        const n = doc!.instanceId && hidden.has(doc!.instanceId) ? maskedNotification(doc!) : doc!;
        const { _id, readAt: _r, ...rest } = n;
        return { id: _id, ...rest, category: notificationCategory(n.kind).code, readAt: read ? (doc!.readAt ?? doc!.createdAt) : null };
      }),
      total: box.total,
      unreadCount: box.unread,
      unreadBy: box.unreadBy,
    };
  });

  bind(r, API.readAll, async ({ user: me }) => ({ marked: await notifier.boxes.markAllRead(me.id) }));

  bind(r, API.readOne, async ({ user: me, params }) => {
    const n = await notifier.model.findById(params.id).select('userId').lean();
    if (!n || n.userId !== me.id) throw notFound('Notification', '通知', params.id);
    await notifier.boxes.markRead(me.id, params.id);
    return { unreadCount: (await notifier.boxes.page(me.id, { offset: 0, limit: 0 })).unread };
  });

  const settingsOf = async (me: UserDto) => {
    const p = await notifier.prefs.of(me.id);
    return {
      email: p.email ?? '',
      mobile: p.mobile ?? '',
      routes: p.routes,
      available: available(),
      categories: NOTIFICATION_CATEGORIES.map(({ code, name, defaults }) => ({ code, name, defaults })),
    };
  };
  bind(r, API.notificationSettings, ({ user: me }) => settingsOf(me));
  bind(r, API.saveNotificationSettings, async ({ user: me, body }) => {
    const before = await notifier.prefs.of(me.id);
    await notifier.prefs.save({ _id: me.id, email: body.email || undefined, mobile: body.mobile || undefined, routes: body.routes });
    await audit.append({
      actor: me.id,
      action: 'notification.settings-saved',
      data: {
        before: { email: before.email, mobile: before.mobile, routes: before.routes },
        after: { email: body.email, mobile: body.mobile, routes: body.routes },
      },
    });
    return settingsOf(me);
  });

  const deliveryDto = (d: DeliveryDoc) => ({
    id: d._id,
    channel: d.channel,
    to: notifier.deliveries!.channels.describe(d),
    userIds: d.userIds,
    title: d.title,
    status: d.status,
    attempts: d.attempts,
    nextAt: d.nextAt,
    ...(d.lastError && { lastError: d.lastError }),
    createdAt: d.createdAt,
  });
  bind(r, API.deliveries, async ({ user: me }) => {
    requireRole(me, 'admin');
    return { items: notifier.deliveries ? (await notifier.deliveries.waiting()).map(deliveryDto) : [], available: available(), maxAttempts: MAX_ATTEMPTS };
  });
  bind(r, API.retryDelivery, async ({ user: me, params }) => {
    requireRole(me, 'admin');
    const d = await notifier.deliveries?.retry(params.id);
    if (!d) throw notFound('Delivery', '待发送通知', params.id);
    await audit.append({ actor: me.id, action: 'notification.delivery-retried', data: { delivery: d._id, channel: d.channel } });
    return deliveryDto(d);
  });
  bind(r, API.dismissDelivery, async ({ user: me, params }) => {
    requireRole(me, 'admin');
    const d = await notifier.deliveries?.dismiss(params.id, me.id);
    if (!d) throw notFound('Delivery', '待发送通知', params.id);
    await audit.append({
      actor: me.id,
      action: 'notification.delivery-dismissed',
      data: { delivery: d._id, channel: d.channel, attempts: d.attempts, lastError: d.lastError },
    });
  });
  return r;
}
