/**
 * What the cluster adapter keeps in MongoDB beside Zeebe. Zeebe answers commands but, without
 * secondary storage (Elasticsearch), cannot be queried; the system needs to list deployed
 * versions with their XML, show an instance, and catch up after a crash. So the adapter records
 * what passes through it: every deployment, every instance it starts, every user task the inbox
 * listener reports, and every incident its workers cause. Variables are JSON strings (FerretDB).
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../db/model-on';

export interface ClusterDefinitionDoc {
  /** Zeebe's processDefinitionKey. */
  _id: string;
  processId: string;
  version: number;
  name?: string;
  resourceName: string;
  /** The diagram as the admin drew it (without the inbox's listeners). */
  xml: string;
  deployedAt: Date;
}

export interface ClusterInstanceDoc {
  _id: string;
  processId: string;
  version: number;
  definitionKey: string;
  status: 'active' | 'completed' | 'canceled';
  variables: string;
  startedAt: Date;
  endedAt?: Date;
}

export interface ClusterUserTaskDoc {
  /** Zeebe's userTaskKey. */
  _id: string;
  instanceKey: string;
  elementId: string;
  status: 'created' | 'completed' | 'canceled';
  /** The UserTaskRecord as JSON. */
  record: string;
  updatedAt: Date;
}

export interface ClusterIncidentDoc {
  /** `job-<jobKey>`: the incident a worker caused by failing its last retry. */
  _id: string;
  instanceKey: string;
  elementId: string;
  jobKey: string;
  message: string;
  status: 'open' | 'resolved';
  createdAt: Date;
}

export interface ClusterModels {
  Definition: Model<ClusterDefinitionDoc>;
  Instance: Model<ClusterInstanceDoc>;
  UserTask: Model<ClusterUserTaskDoc>;
  Incident: Model<ClusterIncidentDoc>;
}

export function clusterModels(db: Connection): ClusterModels {
  const opts = { versionKey: false } as const;
  const Definition = modelOn(
    db,
    'ClusterDefinition',
    new Schema<ClusterDefinitionDoc>(
      {
        _id: String,
        processId: { type: String, required: true, index: true },
        version: { type: Number, required: true },
        name: String,
        resourceName: String,
        xml: { type: String, required: true },
        deployedAt: { type: Date, required: true },
      },
      { ...opts, collection: 'cluster_definitions' },
    ),
  );
  const Instance = modelOn(
    db,
    'ClusterInstance',
    new Schema<ClusterInstanceDoc>(
      {
        _id: String,
        processId: String,
        version: Number,
        definitionKey: String,
        status: { type: String, required: true },
        variables: { type: String, default: '{}' },
        startedAt: Date,
        endedAt: Date,
      },
      { ...opts, collection: 'cluster_instances' },
    ),
  );
  const UserTask = modelOn(
    db,
    'ClusterUserTask',
    new Schema<ClusterUserTaskDoc>(
      {
        _id: String,
        instanceKey: { type: String, index: true },
        elementId: String,
        status: { type: String, required: true, index: true },
        record: { type: String, required: true },
        updatedAt: Date,
      },
      { ...opts, collection: 'cluster_user_tasks' },
    ),
  );
  const Incident = modelOn(
    db,
    'ClusterIncident',
    new Schema<ClusterIncidentDoc>(
      {
        _id: String,
        instanceKey: { type: String, index: true },
        elementId: String,
        jobKey: String,
        message: String,
        status: { type: String, required: true },
        createdAt: Date,
      },
      { ...opts, collection: 'cluster_incidents' },
    ),
  );
  return { Definition, Instance, UserTask, Incident };
}
