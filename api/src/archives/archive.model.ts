/**
 * Project archives (一档一卷), plain text and unchangeable once archived (6.5.1): a SHA-256 of the
 * content is kept. Grants give one borrower read-only access until a date; every view is logged.
 */
import { modelOn } from '../db/model-on';
import { Schema, type Connection } from 'mongoose';

export interface ArchiveDoc {
  _id: string;
  projectId: string;
  title: string;
  content: string;
  sha256: string;
  archivedAt: Date;
  /** Filed by a project's flow (6.5.1): who filed it, from which flow, and its files in order. */
  filedBy?: string | null;
  instanceId?: string | null;
  files?: {
    no: number;
    attachmentId: string;
    filename: string;
    category: string | null;
    instanceId: string | null;
    size: number;
    sha256: string;
    sm3: string;
    filedAt: Date;
  }[];
}

export interface GrantDoc {
  _id: string;
  archiveId: string;
  borrower: string;
  instanceId: string;
  grantedAt: Date;
  expiresAt: Date;
  revokedAt?: Date | null;
}

export interface ArchiveViewDoc {
  _id: string;
  grantId: string;
  archiveId: string;
  borrower: string;
  at: Date;
  ip?: string;
}

const opts = { versionKey: false, _id: false } as const;

export function archiveModels(db: Connection) {
  const Archive = modelOn<ArchiveDoc>(
    db,
    'Archive',
    new Schema<ArchiveDoc>(
      {
        _id: String,
        projectId: String,
        title: String,
        content: String,
        sha256: String,
        archivedAt: Date,
        filedBy: String,
        instanceId: String,
        files: Schema.Types.Mixed,
      },
      { ...opts, collection: 'archives' },
    ),
  );
  const Grant = modelOn<GrantDoc>(
    db,
    'ArchiveGrant',
    new Schema<GrantDoc>(
      { _id: String, archiveId: String, borrower: String, instanceId: String, grantedAt: Date, expiresAt: Date, revokedAt: Date },
      { ...opts, collection: 'archive_grants' },
    ),
  );
  const View = modelOn<ArchiveViewDoc>(
    db,
    'ArchiveView',
    new Schema<ArchiveViewDoc>(
      { _id: String, grantId: String, archiveId: String, borrower: String, at: Date, ip: String },
      { ...opts, collection: 'archive_views' },
    ),
  );
  return { Archive, Grant, View };
}
