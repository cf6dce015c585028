/**
 * 抄送: a task copied to a colleague for their information, one entry per task and person
 * (`<task>:<user>`). The person sees it under 抄送我的 and may read its flow.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../db/model-on';

export interface CcDoc {
  _id: string;
  taskId: string;
  instanceId: string;
  userId: string;
  from: string;
  note?: string;
  at: Date;
  readAt?: Date | null;
}

export function ccModel(db: Connection): Model<CcDoc> {
  return modelOn<CcDoc>(
    db,
    'Cc',
    new Schema<CcDoc>(
      { _id: String, taskId: String, instanceId: String, userId: String, from: String, note: String, at: Date, readAt: Date },
      { versionKey: false, _id: false, collection: 'cc_entries' },
    ).index({ userId: 1, at: -1 }),
  );
}
