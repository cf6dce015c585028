/** Comments on a flow instance, written on one of its tasks (评论); shown on the instance's page. */
import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../db/model-on';

export interface CommentDoc {
  _id: string;
  instanceId: string;
  taskId?: string;
  author: string;
  authorName: string;
  text: string;
  at: Date;
}

export function commentModel(db: Connection): Model<CommentDoc> {
  return modelOn<CommentDoc>(
    db,
    'Comment',
    new Schema<CommentDoc>(
      { _id: String, instanceId: String, taskId: String, author: String, authorName: String, text: String, at: Date },
      { versionKey: false, _id: false, collection: 'comments' },
    ).index({ instanceId: 1 }),
  );
}
