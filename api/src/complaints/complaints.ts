/**
 * Complaints and suggestions (2.6.1): each one 监督科 registers gets a query code, the complainant's
 * only key to it (`complaints`, `_id` the code): they follow it on a public page, which shows what
 * they wrote and, once the leaders have approved it, the reply — never who they are or who handled
 * it. Codes are 10 characters of a 31-letter alphabet without look-alikes (about 50 bits), and the
 * public look-up is rate-limited per address.
 */
import { randomInt } from 'node:crypto';
import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { Schema, type Connection, type Model } from 'mongoose';
import { notFound, userError } from '@ggzy/shared';
import { API } from '@ggzy/shared/api';
import { modelOn } from '../db/model-on';
import { bind } from '../http/bind-route';
import { DatabaseLimitStore } from '../people/login-counter-store';

export interface ComplaintDoc {
  _id: string;
  instanceId: string;
  kind: 'complaint' | 'suggestion' | 'report';
  channel: string;
  title: string;
  content: string;
  status: 'registered' | 'replied';
  submittedAt: Date;
  reply?: string | null;
  repliedAt?: Date | null;
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const newQueryCode = () => Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');

export function complaintModel(db: Connection): Model<ComplaintDoc> {
  return modelOn<ComplaintDoc>(
    db,
    'Complaint',
    new Schema<ComplaintDoc>(
      {
        _id: String,
        instanceId: String,
        kind: String,
        channel: String,
        title: String,
        content: String,
        status: String,
        submittedAt: Date,
        reply: String,
        repliedAt: Date,
      },
      { versionKey: false, _id: false, collection: 'complaints' },
    ),
  );
}

/**
 * Register a complaint of a flow instance: its code is drawn once and kept under the instance
 * (`complaint_codes`, `_id` the instance), so a repeated step finds the same code.
 */
export async function registerComplaint(
  db: Connection,
  c: { instanceId: string; kind: string; channel: string; title: string; content: string },
): Promise<string> {
  const Code = modelOn<{ _id: string; code: string }>(
    db,
    'ComplaintCode',
    new Schema<{ _id: string; code: string }>({ _id: String, code: String }, { versionKey: false, _id: false, collection: 'complaint_codes' }),
  );
  await Code.updateOne({ _id: c.instanceId }, { $setOnInsert: { code: newQueryCode() } }, { upsert: true });
  const code = (await Code.findById(c.instanceId).lean())!.code;
  await complaintModel(db).updateOne(
    { _id: code },
    {
      $setOnInsert: {
        instanceId: c.instanceId,
        kind: c.kind,
        channel: c.channel,
        title: c.title,
        content: c.content,
        status: 'registered',
        submittedAt: new Date(),
      },
    },
    { upsert: true },
  );
  return code;
}

/** The public look-up by query code. */
export function complaintsPublicRouter(db: Connection): Router {
  const Complaint = complaintModel(db);
  const r = Router();
  const limit = rateLimit({
    windowMs: 60_000,
    limit: 20,
    store: new DatabaseLimitStore(db, 'complaint-lookup|'),
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(userError('TOO_MANY_LOOKUPS', '查询过于频繁，请稍后再试', 'Too many look-ups; try again later', { status: 429 })),
  });
  bind(
    r,
    API.complaintStatus,
    async ({ params, res }) => {
      res.setHeader('cache-control', 'no-store');
      const d = await Complaint.findById(params.code.toUpperCase()).lean();
      if (!d) throw notFound('Complaint', '查询码对应的投诉、建议', params.code);
      return {
        code: d._id,
        kind: d.kind,
        title: d.title,
        content: d.content,
        status: d.status,
        submittedAt: new Date(d.submittedAt).toISOString(),
        reply: d.status === 'replied' ? (d.reply ?? null) : null,
        repliedAt: d.repliedAt ? new Date(d.repliedAt).toISOString() : null,
      };
    },
    limit,
  );
  return r;
}
