/**
 * What the API keeps about each flow instance beside the engine: who started it, on which project,
 * its title, its classification, and its state as the inbox shows it. Written when it starts and
 * when it ends; who took part and where it stands come from its tasks (InboxService.facts).
 */
import { modelOn } from '../db/model-on';
import { Schema, type Connection, type Model } from 'mongoose';

export type InstanceState = 'active' | 'completed' | 'canceled' | 'withdrawn' | 'incident' | 'failed';

export interface InstanceMetaDoc {
  _id: string;
  processId: string;
  processName: string;
  version: number;
  definitionKey: string;
  title: string;
  projectId?: string | null;
  projectName?: string | null;
  starter: string;
  starterName: string;
  startedAt: Date;
  state: InstanceState;
  endedAt?: Date | null;
  classification?: string | null;
}

export function instanceMetaModel(db: Connection): Model<InstanceMetaDoc> {
  return modelOn<InstanceMetaDoc>(
    db,
    'InstanceMeta',
    new Schema<InstanceMetaDoc>(
      {
        _id: String,
        processId: String,
        processName: String,
        version: Number,
        definitionKey: String,
        title: String,
        projectId: String,
        projectName: String,
        starter: String,
        starterName: String,
        startedAt: Date,
        state: { type: String, default: 'active' },
        endedAt: Date,
        classification: String,
      },
      { versionKey: false, _id: false, collection: 'process_instances' },
    )
      .index({ starter: 1, startedAt: -1 })
      .index({ processId: 1, state: 1 }),
  );
}
