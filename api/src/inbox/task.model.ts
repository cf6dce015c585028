/**
 * The inbox's own task documents, one per engine user task (same id) plus added-signer tasks.
 * Every change is a single-document update guarded by the state it expects, so two people acting
 * on one task at the same moment cannot both succeed.
 */
import { modelOn } from '../db/model-on';
import { Schema, type Connection, type Model } from 'mongoose';
import type { InboxTaskKind, InboxTaskStatus } from '@ggzy/shared';

export interface TaskDoc {
  _id: string;
  kind: InboxTaskKind;
  instanceId: string;
  processId: string;
  processName: string;
  processVersion: number;
  elementId: string;
  name: string;
  formId?: string | null;
  status: InboxTaskStatus;
  assignee?: string | null;
  owner?: string | null;
  delegationState?: 'pending' | 'resolved' | null;
  candidateGroups: string[];
  candidateUsers: string[];
  priority: number;
  dueDate?: Date | null;
  createdAt: Date;
  claimedAt?: Date | null;
  completedAt?: Date | null;
  completedBy?: string | null;
  outcome?: string | null;
  opinion?: string | null;
  /** Variables submitted on completion, kept so a crash between inbox and engine is repaired at start. */
  result?: string | null;
  /** Proposal of a delegate (委派) for the owner, JSON. */
  draft?: string | null;
  title: string;
  projectId?: string | null;
  projectName?: string | null;
  starter: string;
  starterName?: string;
  classification?: string | null;
  pendingSigners: string[];
  parentTaskId?: string | null;
  /** Variables the task was created with (JSON), for the form and the header. */
  variables: string;
  timeLimit?: string | null;
  /** Its form offers 退回 (a decision field with the value `return`). */
  returnable: boolean;
  /**
   * The diagram offers the step to nobody (no assignee, no candidates): it is offered to the
   * admins, who may only hand it to a colleague (转办), not do it themselves.
   */
  unrouted?: boolean;
  /** A check or approval step (task header `separateFromStarter`): never held by the request's own starter (tasks made before `notFor`). */
  notForStarter?: boolean;
  /**
   * Who may never hold this step (separation of duties): the request's starter (header
   * `separateFromStarter`) and the people the header `separateFrom` names — variables holding
   * whoever did an earlier step (e.g. `drafter`, recorded by that step's header `recordHolderAs`).
   */
  notFor?: string[];
  /** Completing this step records who did it in this variable (task header `recordHolderAs`). */
  holderAs?: string | null;
  urgedAt?: Date | null;
  supervisedAt?: Date | null;
  urgeCount: number;
  lastUrgedAt?: Date | null;
  /** Someone claimed, commented or attached: the starter can no longer withdraw. */
  touched: boolean;
  /** The starter withdrew the request from this step (JSON: by, reason); what follows is carried through from it. */
  withdrawal?: string | null;
  version: number;
  /** Database layout: audit events written with the change that made them, until the trail has them. */
  pendingAudit?: Array<{ ref: string; e: string }>;
}

export function taskModel(db: Connection): Model<TaskDoc> {
  return modelOn<TaskDoc>(
    db,
    'InboxTask',
    new Schema<TaskDoc>(
      {
        _id: String,
        kind: { type: String, default: 'engine' },
        instanceId: String,
        processId: String,
        processName: String,
        processVersion: Number,
        elementId: String,
        name: String,
        formId: String,
        status: { type: String, default: 'open' },
        assignee: { type: String, default: null },
        owner: { type: String, default: null },
        delegationState: { type: String, default: null },
        candidateGroups: { type: [String], default: [] },
        candidateUsers: { type: [String], default: [] },
        priority: { type: Number, default: 50 },
        dueDate: Date,
        createdAt: Date,
        claimedAt: Date,
        completedAt: Date,
        completedBy: String,
        outcome: String,
        opinion: String,
        result: String,
        draft: String,
        title: String,
        projectId: String,
        projectName: String,
        starter: String,
        starterName: String,
        classification: String,
        pendingSigners: { type: [String], default: [] },
        pendingAudit: { type: [{ _id: false, ref: String, e: String }], default: undefined },
        parentTaskId: String,
        variables: { type: String, default: '{}' },
        timeLimit: String,
        returnable: { type: Boolean, default: false },
        unrouted: Boolean,
        notForStarter: Boolean,
        notFor: { type: [String], default: undefined },
        holderAs: String,
        urgedAt: Date,
        supervisedAt: Date,
        urgeCount: { type: Number, default: 0 },
        lastUrgedAt: Date,
        touched: { type: Boolean, default: false },
        withdrawal: String,
        version: { type: Number, default: 1 },
      },
      { versionKey: false, _id: false, collection: 'inbox_tasks' },
    )
      .index({ status: 1, assignee: 1, priority: -1 })
      .index({ status: 1, candidateGroups: 1 })
      .index({ completedBy: 1, completedAt: -1 })
      .index({ starter: 1, createdAt: -1 })
      .index({ instanceId: 1 }),
  );
}
