/**
 * In-app notifications. Groups are expanded to their members when sent; a notification has a
 * dedupe key, so a job that runs twice notifies each person once.
 */
import { modelOn } from '../db/model-on';
import { Schema, type Connection, type Model } from 'mongoose';
import { groupsOf } from '@ggzy/shared';
import { peopleModels } from '../people/user.model';

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

/** A notice of a classified (保密) matter, as shown to someone outside its circle: that there was one, and when. */
export function maskedNotification<N extends NotificationDoc>(n: N): N {
  return { ...n, title: '【保密事项】', body: '该事项已定密，内容仅限知悉范围内人员查看。', instanceId: undefined, taskId: undefined };
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
