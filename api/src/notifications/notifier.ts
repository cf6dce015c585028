/**
 * In-app notifications. Groups are expanded to their members when sent; a notification has a
 * dedupe key, so a job that runs twice notifies each person once.
 */
import { Router } from 'express';
import { modelOn } from '../db/model-on';
import { Schema, type Connection, type Model } from 'mongoose';
import { z } from 'zod';
import { groupsOf } from '@ggzy/shared';
import { peopleModels } from '../people/user.model';
import { currentUser } from '../http/auth-context';
import { parseQuery } from '../http/validate';

export interface NotificationDoc {
  _id: string;
  userId: string;
  kind: string;
  title: string;
  body: string;
  instanceId?: string;
  taskId?: string;
  createdAt: Date;
  readAt?: Date | null;
}

export function notificationModel(db: Connection): Model<NotificationDoc> {
  return modelOn<NotificationDoc>(
    db,
    'Notification',
    new Schema<NotificationDoc>(
      { _id: String, userId: String, kind: String, title: String, body: String, instanceId: String, taskId: String, createdAt: Date, readAt: Date },
      { versionKey: false, _id: false, collection: 'notifications' },
    ).index({ userId: 1, createdAt: -1 }),
  );
}

export interface NotifyInput {
  key: string;
  users?: string[];
  groups?: string[];
  kind: string;
  title: string;
  body: string;
  instanceId?: string;
  taskId?: string;
}

export class Notifier {
  readonly model: Model<NotificationDoc>;
  private readonly people;
  /** Listeners (the web app's live updates) hear of each stored notification. */
  readonly listeners = new Set<(n: NotificationDoc) => void>();

  constructor(db: Connection) {
    this.model = notificationModel(db);
    this.people = peopleModels(db);
  }

  async membersOf(groups: string[]): Promise<string[]> {
    if (!groups.length) return [];
    const users = await this.people.User.find({ active: true }).select('sections roles').lean();
    return users.filter((u) => groupsOf({ sections: u.sections ?? [], roles: u.roles ?? [] }).some((g) => groups.includes(g))).map((u) => u._id);
  }

  /** Returns how many people were notified. */
  async send(n: NotifyInput): Promise<number> {
    const to = new Set([...(n.users ?? []), ...(await this.membersOf(n.groups ?? []))]);
    const now = new Date();
    for (const userId of to) {
      const doc: NotificationDoc = {
        _id: `${n.key}:${userId}`,
        userId,
        kind: n.kind,
        title: n.title,
        body: n.body,
        ...(n.instanceId && { instanceId: n.instanceId }),
        ...(n.taskId && { taskId: n.taskId }),
        createdAt: now,
        readAt: null,
      };
      try {
        await this.model.create(doc);
        for (const l of this.listeners) l(doc);
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
      }
    }
    return to.size;
  }
}

export function notificationsRouter(notifier: Notifier): Router {
  const r = Router();
  const q = z.strictObject({ unread: z.enum(['true', 'false']).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });
  r.get('/notifications', async (req, res) => {
    const me = currentUser(req);
    const { unread, limit } = parseQuery(q, req.query);
    const filter: Record<string, unknown> = { userId: me.id };
    if (unread === 'true') filter.readAt = null;
    const items = await notifier.model.find(filter).sort({ createdAt: -1 }).limit(limit).lean();
    const unreadCount = await notifier.model.countDocuments({ userId: me.id, readAt: null });
    res.json({ items: items.map(({ _id, ...n }) => ({ id: _id, ...n })), unreadCount });
  });
  r.post('/notifications/read-all', async (req, res) => {
    const me = currentUser(req);
    const r2 = await notifier.model.updateMany({ userId: me.id, readAt: null }, { $set: { readAt: new Date() } });
    res.json({ marked: r2.modifiedCount });
  });
  return r;
}
