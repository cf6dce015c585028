/**
 * Notifications. Groups are expanded to their members when sent; a notification has a dedupe key,
 * so a job that runs twice notifies each person once. Each notice is stored, put in its reader's
 * box (the list and the unread count), and, per the person's choices for its category, written to
 * the delivery queue of the other channels (e-mail, SMS, group robot). A classified matter goes
 * out of the app only as "there is a notice": its words stay inside.
 */
import { modelOn } from '../db/model-on';
import { Schema, type Connection, type Model } from 'mongoose';
import { channelsFor, groupsOf, NOTIFICATION_CHANNELS } from '@ggzy/shared';
import { peopleModels } from '../people/user.model';
import { isClassified } from '../inbox/task-access';
import { instanceMetaModel } from '../instances/instance.model';
import { NotificationBoxes } from './notification-box';
import { PreferenceStore, type NotificationPrefs } from './preferences';
import type { Deliveries } from './deliveries';

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
    ),
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
  readonly boxes: NotificationBoxes;
  readonly prefs: PreferenceStore;
  /** The queue of the channels beyond the app (none in a process that only stores notices for others to send). */
  deliveries: Deliveries | null = null;
  /** The web address the messages beyond the app link to (PUBLIC_URL). */
  publicUrl?: string;
  private readonly people;
  private readonly meta;
  /** Listeners (the web app's live updates) hear of each stored notification. */
  readonly listeners = new Set<(n: NotificationDoc) => void>();

  constructor(db: Connection) {
    this.model = notificationModel(db);
    this.people = peopleModels(db);
    this.meta = instanceMetaModel(db);
    this.boxes = new NotificationBoxes(db);
    this.prefs = new PreferenceStore(db);
  }

  async membersOf(groups: string[]): Promise<string[]> {
    if (!groups.length) return [];
    const users = await this.people.User.find({ active: true }).select('sections roles').lean();
    return users.filter((u) => groupsOf({ sections: u.sections ?? [], roles: u.roles ?? [] }).some((g) => groups.includes(g))).map((u) => u._id);
  }

  /** Returns how many people were notified. */
  async send(n: NotifyInput): Promise<number> {
    const to = [...new Set([...(n.users ?? []), ...(await this.membersOf(n.groups ?? []))])];
    // Written to the queue before the notices are stored: a stop between the two loses nothing when the job runs again.
    await this.queueBeyondApp(n, to);
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
      let fresh = true;
      try {
        await this.model.create(doc);
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
        fresh = false;
      }
      // (also when the notice was stored by an earlier run that stopped before its box was told)
      await this.boxes.add(
        userId,
        {
          id: doc._id,
          kind: doc.kind,
          at: fresh ? now : ((await this.model.findById(doc._id).select('createdAt').lean())?.createdAt ?? now),
        },
        fresh,
      );
      if (fresh) for (const l of this.listeners) l(doc);
    }
    return to.length;
  }

  private async queueBeyondApp(n: NotifyInput, to: string[]): Promise<void> {
    const q = this.deliveries;
    if (!q || !to.length) return;
    const open = q.channels.configured();
    if (!NOTIFICATION_CHANNELS.some((c) => open[c])) return;
    const prefs = await this.prefs.ofAll(to);
    const chosen = (p: NotificationPrefs) => channelsFor(n.kind, p.routes).filter((c) => open[c]);
    const secret = !!n.instanceId && isClassified((await this.meta.findById(n.instanceId).select('classification').lean()) ?? {});
    const title = secret ? '【保密事项】您有一条新通知' : n.title;
    const link = this.publicUrl ? `${this.publicUrl.replace(/\/$/, '')}${n.taskId ? `/tasks/${encodeURIComponent(n.taskId)}` : '/notifications'}` : '';
    const text = `${secret ? '该事项已定密，内容请登录系统查看。' : n.body}${link ? `\n办理入口：${link}` : ''}`;
    const base = { notificationKey: n.key, title, text };
    const robots = new Map<number, { userIds: string[]; mentions: string[] }>();
    const sections = new Map(
      (
        await this.people.User.find({ _id: { $in: to } })
          .select('sections')
          .lean()
      ).map((u) => [u._id, u.sections ?? []]),
    );
    for (const userId of to) {
      const p = prefs.get(userId)!;
      for (const channel of chosen(p)) {
        if (channel === 'email' && p.email) await q.enqueue({ ...base, _id: `${n.key}:${userId}#email`, channel, target: p.email, userIds: [userId] });
        if (channel === 'sms' && p.mobile) await q.enqueue({ ...base, _id: `${n.key}:${userId}#sms`, channel, target: p.mobile, userIds: [userId] });
        if (channel === 'robot')
          for (const hook of q.channels.robotsOf(sections.get(userId) ?? [])) {
            const r = robots.get(hook) ?? { userIds: [], mentions: [] };
            r.userIds.push(userId);
            if (p.mobile) r.mentions.push(p.mobile);
            robots.set(hook, r);
          }
      }
    }
    // One message per group robot, mentioning everyone it is for.
    for (const [hook, r] of robots) await q.enqueue({ ...base, _id: `${n.key}#robot${hook}`, channel: 'robot', target: String(hook), ...r });
  }
}
