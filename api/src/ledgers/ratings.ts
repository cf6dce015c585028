/**
 * 服务“好差评” (4.3.2.1, 表三): each party of a project rates the service on a public page, reached
 * by a QR code printed on the session sheet — no account. The code carries the project and a
 * signature (HMAC with a secret kept in the database, made once), so nobody rates a project they
 * were not given. Each party rates a project once: the item's key is a fingerprint of the party's
 * name, and the name itself is never kept, so the rated never learn who rated them. Ratings are
 * limited per address; a poor one is told to 监督科 at once.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import express, { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import QRCode from 'qrcode';
import { Schema, type Connection } from 'mongoose';
import { conflict, notFound, RATING_GRADES, RATING_PARTIES, userError } from '@ggzy/shared';
import { API } from '@ggzy/shared/api';
import { modelOn } from '../db/model-on';
import { bind } from '../http/bind-route';
import { forbidden } from '../http/auth-context';
import { DatabaseLimitStore } from '../people/login-counter-store';
import { projectModel } from '../projects/project.model';
import type { Notifier } from '../notifications/notifier';
import type { Ledgers } from './ledger-store';

const MAC_LENGTH = 22;

class RatingCodes {
  private secret?: Buffer;
  constructor(private readonly db: Connection) {}

  private async key(): Promise<Buffer> {
    if (this.secret) return this.secret;
    const Secret = modelOn<{ _id: string; value: string }>(
      this.db,
      'AppSecret',
      new Schema<{ _id: string; value: string }>({ _id: String, value: String }, { versionKey: false, _id: false, collection: 'app_secrets' }),
    );
    await Secret.updateOne({ _id: 'rating-codes' }, { $setOnInsert: { value: randomBytes(32).toString('base64') } }, { upsert: true });
    this.secret = Buffer.from((await Secret.findById('rating-codes').lean())!.value, 'base64');
    return this.secret;
  }

  async mac(text: string): Promise<string> {
    return createHmac('sha256', await this.key())
      .update(text)
      .digest('base64url')
      .slice(0, MAC_LENGTH);
  }

  async tokenOf(projectId: string): Promise<string> {
    return Buffer.from(projectId).toString('base64url') + (await this.mac(`project:${projectId}`));
  }

  /** The project a code is for, or null when it is not one of ours. */
  async projectOf(token: string): Promise<string | null> {
    if (token.length <= MAC_LENGTH) return null;
    const projectId = Buffer.from(token.slice(0, -MAC_LENGTH), 'base64url').toString();
    const want = Buffer.from(await this.mac(`project:${projectId}`));
    const got = Buffer.from(token.slice(-MAC_LENGTH));
    return want.length === got.length && timingSafeEqual(want, got) ? projectId : null;
  }
}

const badCode = () =>
  userError('RATING_CODE_INVALID', '评价二维码无效，请扫描场次单上的二维码', 'Not a valid rating code; scan the code on the session sheet', { status: 404 });

/** The public page and the rating itself. */
export function ratingsPublicRouter(db: Connection, ledgers: Ledgers, notifier: Notifier): Router {
  const codes = new RatingCodes(db);
  const Project = projectModel(db);
  const r = Router();
  const limit = rateLimit({
    windowMs: 60_000,
    limit: 10,
    store: new DatabaseLimitStore(db, 'rating|'),
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) =>
      next(userError('TOO_MANY_RATINGS', '提交过于频繁，请稍后再试', 'Too many ratings from here; try again later', { status: 429 })),
  });
  const projectOf = async (token: string) => {
    const id = await codes.projectOf(token);
    const p = id ? await Project.findById(id).lean() : null;
    if (!p) throw badCode();
    return p;
  };
  bind(r, API.ratingPage, async ({ params, res }) => {
    res.setHeader('cache-control', 'no-store');
    const p = await projectOf(params.token);
    return { projectId: p._id, projectName: p.name, grades: [...RATING_GRADES], parties: [...RATING_PARTIES] };
  });
  bind(
    r,
    API.rate,
    async ({ params, body, res }) => {
      const p = await projectOf(params.token);
      const party = body.partyName.replace(/\s+/g, '').toLowerCase();
      const fingerprint = createHash('sha256')
        .update(`${p._id}|${party}|${await codes.mac(`party:${party}`)}`)
        .digest('hex')
        .slice(0, 24);
      const key = `${p._id}~${fingerprint}`;
      if (await ledgers.get(`rating~${key}`))
        throw conflict('ALREADY_RATED', '该单位已评价过此项目，感谢您的参与', 'This party has already rated this project');
      const d = await ledgers.record(
        'rating',
        key,
        { projectId: p._id, projectName: p.name, party: body.party, grade: body.grade, comment: body.comment ?? null, channel: '扫码评价' },
        { by: 'public', byName: '交易主体（不记名）', projectId: p._id },
      );
      if (body.grade === '不满意' || body.grade === '非常不满意')
        await notifier.send({
          key: `rating-poor:${d._id}`,
          groups: ['supervision'],
          kind: 'rating.poor',
          title: `【差评】${p.name}`,
          body: `项目 ${p._id} 收到“${body.grade}”评价（${body.party}）：${body.comment ?? '未填写意见'}。请核实整改，并记入回访。`,
        });
      res.status(201);
      return { accepted: true as const };
    },
    limit,
    express.json({ limit: '16kb' }),
  );
  return r;
}

/** The QR code of a project's rating page, for the session sheet: its section, 综合科, 监督科 and admins. */
export function ratingLinkRouter(db: Connection): Router {
  const codes = new RatingCodes(db);
  const Project = projectModel(db);
  const r = Router();
  bind(r, API.ratingLink, async ({ user, params, req }) => {
    const p = await Project.findById(params.id).lean();
    if (!p) throw notFound('Project', '项目', params.id);
    if (!user.roles.includes('admin') && !user.sections.some((s) => s === p.section || s === 'general' || s === 'supervision'))
      throw forbidden('只有项目所在科室、综合科和监督科可以打印评价二维码', "Only the project's section, general and supervision print its rating code");
    const path = `/rate/${await codes.tokenOf(p._id)}`;
    // the phone that scans it reaches this server by the address the sheet was printed from
    const url = `${req.protocol}://${req.get('host') ?? 'localhost'}${path}`;
    return { path, url, image: await QRCode.toDataURL(url, { margin: 1, width: 320, errorCorrectionLevel: 'M' }) };
  });
  return r;
}
