/**
 * Where each person's notices reach them beyond the app: their e-mail address and mobile number,
 * and for each category of notice the channels they chose (`notification_prefs`, `_id` the user
 * id; one document per person, so the collection is as small as the staff).
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { NotificationChannel } from '@ggzy/shared';
import { modelOn } from '../db/model-on';

export interface NotificationPrefs {
  _id: string;
  email?: string;
  mobile?: string;
  /** Category code → the channels chosen (a category left out takes its default). */
  routes: Partial<Record<string, NotificationChannel[]>>;
  updatedAt?: Date;
}

export class PreferenceStore {
  private readonly Prefs: Model<NotificationPrefs>;

  constructor(db: Connection) {
    this.Prefs = modelOn<NotificationPrefs>(
      db,
      'NotificationPrefs',
      new Schema<NotificationPrefs>(
        { _id: String, email: String, mobile: String, routes: { type: Schema.Types.Mixed, default: {} }, updatedAt: Date },
        { versionKey: false, _id: false, collection: 'notification_prefs', minimize: false },
      ),
    );
  }

  async of(userId: string): Promise<NotificationPrefs> {
    return (await this.Prefs.findById(userId).lean()) ?? { _id: userId, routes: {} };
  }

  /** The choices of several people at once (the staff's few documents, read in one query). */
  async ofAll(userIds: string[]): Promise<Map<string, NotificationPrefs>> {
    if (!userIds.length) return new Map();
    const found = await this.Prefs.find({ _id: { $in: userIds } }).lean();
    return new Map(userIds.map((id) => [id, found.find((p) => p._id === id) ?? { _id: id, routes: {} }]));
  }

  async save(p: NotificationPrefs): Promise<NotificationPrefs> {
    const doc = { ...p, updatedAt: new Date() };
    await this.Prefs.replaceOne({ _id: p._id }, doc, { upsert: true });
    return doc;
  }
}
