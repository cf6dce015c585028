/** Users and their sessions. The username is the document id, so sign-in and token checks are id lookups. */
import { modelOn } from '../db/model-on';
import { Schema, type Connection, type Model } from 'mongoose';

export interface UserDoc {
  _id: string;
  name: string;
  sections: string[];
  roles: string[];
  oversees: string[];
  unit?: string;
  passwordHash: string;
  active: boolean;
  /** An admin set the password: the person must choose their own before anything else. */
  mustChangePassword?: boolean;
  createdAt: Date;
}

export interface SessionDoc {
  /** SHA-256 of the bearer token; the token itself is never stored. */
  _id: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
}

const opts = { versionKey: false, _id: false } as const;

export function peopleModels(db: Connection): { User: Model<UserDoc>; Session: Model<SessionDoc> } {
  const User = modelOn<UserDoc>(
    db,
    'User',
    new Schema<UserDoc>(
      {
        _id: { type: String, required: true },
        name: { type: String, required: true },
        sections: { type: [String], default: [] },
        roles: { type: [String], default: [] },
        oversees: { type: [String], default: [] },
        unit: String,
        passwordHash: { type: String, required: true },
        active: { type: Boolean, default: true },
        mustChangePassword: Boolean,
        createdAt: { type: Date, default: () => new Date() },
      },
      { ...opts, collection: 'users' },
    ),
  );
  const Session = modelOn<SessionDoc>(
    db,
    'Session',
    new Schema<SessionDoc>({ _id: String, userId: { type: String, required: true }, createdAt: Date, expiresAt: Date }, { ...opts, collection: 'sessions' }),
  );
  return { User, Session };
}
