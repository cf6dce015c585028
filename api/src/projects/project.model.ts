/** Trading projects (交易项目) that flows report on; a pause is recorded on the project itself. */
import { modelOn } from '../db/model-on';
import { Schema, type Connection, type Model } from 'mongoose';

export interface ProjectDoc {
  _id: string;
  name: string;
  /** The business section that runs it. */
  section: string;
  kind: string;
  status: 'active' | 'paused';
  pausedAt?: Date | null;
  pausedBy?: string | null;
  pauseReason?: string | null;
  pauseInstanceId?: string | null;
  createdAt: Date;
}

export function projectModel(db: Connection): Model<ProjectDoc> {
  return modelOn<ProjectDoc>(
    db,
    'Project',
    new Schema<ProjectDoc>(
      {
        _id: String,
        name: { type: String, required: true },
        section: { type: String, required: true },
        kind: String,
        status: { type: String, default: 'active' },
        pausedAt: Date,
        pausedBy: String,
        pauseReason: String,
        pauseInstanceId: String,
        createdAt: { type: Date, default: () => new Date() },
      },
      { versionKey: false, _id: false, collection: 'projects' },
    ),
  );
}
