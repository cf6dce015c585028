/** Comments on an instance, written on its tasks: each listed under its instance first, then stored. */
import type { Connection, Model } from 'mongoose';
import { InstanceIndex } from '../instances/instance-index';
import { commentModel, type CommentDoc } from './comment.model';

export class Comments {
  readonly model: Model<CommentDoc>;
  private readonly index: InstanceIndex;

  constructor(db: Connection) {
    this.model = commentModel(db);
    this.index = new InstanceIndex(db);
  }

  async add(c: CommentDoc): Promise<void> {
    await this.index.add([{ instanceId: c.instanceId, kind: 'comments', id: c._id }]);
    await this.model.create(c);
  }

  /** An instance's comments, oldest first (read by id). */
  async of(instanceId: string): Promise<CommentDoc[]> {
    return (await this.index.docsOf(instanceId, 'comments', this.model)).sort((a, b) => a.at.getTime() - b.at.getTime());
  }
}
