/** The notification centre: the list, reading, each person's channels, and the admins' delivery queue. */
import { z } from 'zod';
import { NOTIFICATION_CATEGORY_CODES, NOTIFICATION_CHANNELS } from '../notifications/notification-kinds';
import { isoDateTime, itemsOf } from './common';

export const notificationDto = z
  .strictObject({
    id: z.string(),
    userId: z.string(),
    kind: z.string(),
    /** The kind's category (催办, 督办, 待办 …): what the list filters by. */
    category: z.string(),
    title: z.string(),
    body: z.string(),
    instanceId: z.string().optional(),
    taskId: z.string().optional(),
    createdAt: isoDateTime,
    readAt: isoDateTime.nullable().optional(),
  })
  .meta({ id: 'Notification' });
export const notificationsQuery = z.strictObject({
  category: z.enum(NOTIFICATION_CATEGORY_CODES).optional(),
  unread: z.enum(['true', 'false']).optional(),
  page: z.coerce.number().int().min(1).max(1000).default(1),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const notificationsReply = z.strictObject({
  items: z.array(notificationDto),
  /** How many match the filter (for the pages). */
  total: z.number().int(),
  unreadCount: z.number().int(),
  /** Unread notices per category. */
  unreadBy: z.record(z.string(), z.number().int()),
});
export const notificationParams = z.object({ id: z.string().min(1).max(400) });
export const readAllReply = z.strictObject({ marked: z.number().int() });
export const readOneReply = z.strictObject({ unreadCount: z.number().int() });

const channel = z.enum(NOTIFICATION_CHANNELS);
export const notificationSettings = z
  .strictObject({
    email: z.union([z.email(), z.literal('')]).optional(),
    mobile: z.union([z.string().regex(/^1\d{10}$/, '11 digits starting with 1'), z.literal('')]).optional(),
    /** Category code → the channels chosen; a category left out takes its default. */
    routes: z.partialRecord(z.enum(NOTIFICATION_CATEGORY_CODES), z.array(channel).max(3)),
  })
  .meta({ id: 'NotificationSettings' });
export const notificationSettingsReply = notificationSettings.extend({
  /** Which channels the center has configured (the others cannot be chosen). */
  available: z.record(channel, z.boolean()),
  categories: z.array(z.strictObject({ code: z.string(), name: z.string(), defaults: z.array(channel) })),
});

export const deliveryDto = z
  .strictObject({
    id: z.string(),
    channel,
    /** Address, number, or which group robot. */
    to: z.string(),
    userIds: z.array(z.string()),
    title: z.string(),
    status: z.enum(['pending', 'failed']),
    attempts: z.number().int(),
    nextAt: isoDateTime,
    lastError: z.string().optional(),
    createdAt: isoDateTime,
  })
  .meta({ id: 'Delivery' });
export const deliveriesReply = itemsOf(deliveryDto).extend({ available: z.record(channel, z.boolean()), maxAttempts: z.number().int() });
export const deliveryParams = z.object({ id: z.string().min(1).max(500) });

export type NotificationDto = z.infer<typeof notificationDto>;
export type NotificationSettingsDto = z.infer<typeof notificationSettingsReply>;
export type DeliveryDto = z.infer<typeof deliveryDto>;
