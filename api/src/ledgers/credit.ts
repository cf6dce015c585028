/**
 * 信用与不良行为 (6.4): the credit register takes the irregular acts the agent and expert
 * evaluations find and the public criticisms (通报批评) of the anomaly file, besides what sections
 * report by hand. What the public sees is only what a credit bulletin published: when its last step
 * runs, the month's items are marked published and their public fields copied into the month's
 * disclosure (`credit_disclosures`, `_id` the month; the list of months in `credit_disclosures`
 * `_id` `months`).
 */
import { Router } from 'express';
import { Schema, type Connection } from 'mongoose';
import { chinaDate, CREDIT_PUBLIC_FIELDS } from '@ggzy/shared';
import { API, type LedgerValue } from '@ggzy/shared/api';
import { modelOn } from '../db/model-on';
import { bind } from '../http/bind-route';
import type { LedgerEntryDoc, Ledgers } from './ledger-store';

type Values = Record<string, LedgerValue>;
const str = (v: LedgerValue | undefined) => (v === undefined || v === null ? '' : String(v));

/** The credit item an evaluation or the anomaly file implies, or null. */
export function creditFrom(d: LedgerEntryDoc): { key: string; values: Values } | null {
  const v = d.values;
  const day = chinaDate(new Date(d.updatedAt ?? d.recordedAt));
  if ((d.kind === 'agent-evaluation' || d.kind === 'expert-evaluation') && v.irregular === true) {
    const agent = d.kind === 'agent-evaluation';
    return {
      key: `from~${d._id}`,
      values: {
        subjectKind: agent ? '代理机构' : '评标专家',
        subject: str(agent ? v.agent : v.expert),
        projectId: str(v.projectId) || null,
        act: str(v.irregularDesc) || '考评中发现不良行为',
        penalty: `考评等次：${str(v.grade)}`,
        decidedOn: day,
        origin: agent ? '代理机构考评' : '专家考评',
      },
    };
  }
  if (d.kind === 'anomaly-file' && v.measure === '通报批评' && str(v.involved)) {
    return {
      key: `from~${d._id}`,
      values: {
        subjectKind: '市场主体',
        subject: str(v.involved),
        projectId: str(v.projectId) || null,
        act: str(v.found),
        penalty: '通报批评',
        decidedOn: day,
        origin: '异常档案',
      },
    };
  }
  return null;
}

interface DisclosureDoc {
  _id: string;
  publishedAt?: Date;
  items?: Record<string, string | null>[];
  months?: { month: string; publishedAt: Date; count: number }[];
}

function disclosureModel(db: Connection) {
  return modelOn<DisclosureDoc>(
    db,
    'CreditDisclosure',
    new Schema<DisclosureDoc>(
      { _id: String, publishedAt: Date, items: [Schema.Types.Mixed], months: [{ _id: false, month: String, publishedAt: Date, count: Number }] },
      { versionKey: false, _id: false, collection: 'credit_disclosures' },
    ),
  );
}

/** Publish a month of the credit register (the bulletin approved); publishing again keeps the first. */
export async function publishCredit(db: Connection, ledgers: Ledgers, month: string, at: Date): Promise<{ count: number }> {
  const Disclosure = disclosureModel(db);
  const items = await ledgers.publishMonth('credit', month, at);
  const pub = items.map((d) =>
    Object.fromEntries(CREDIT_PUBLIC_FIELDS.map((k) => [k, d.values[k] === undefined || d.values[k] === null ? null : String(d.values[k])])),
  );
  await Disclosure.updateOne({ _id: month }, { $setOnInsert: { publishedAt: at, items: pub } }, { upsert: true });
  const doc = (await Disclosure.findById(month).lean())!;
  const list = await Disclosure.findById('months').lean();
  if (!list?.months?.some((m) => m.month === month)) {
    const months = [...(list?.months ?? []), { month, publishedAt: doc.publishedAt!, count: doc.items?.length ?? 0 }].sort((a, b) =>
      b.month.localeCompare(a.month),
    );
    await Disclosure.updateOne({ _id: 'months' }, { $set: { months } }, { upsert: true });
  }
  return { count: doc.items?.length ?? 0 };
}

/** The public disclosure page's data: the published months, and one month's items. */
export function creditPublicRouter(db: Connection): Router {
  const Disclosure = disclosureModel(db);
  const r = Router();
  bind(r, API.creditDisclosure, async ({ query }) => {
    const months = ((await Disclosure.findById('months').lean())?.months ?? []).map((m) => ({
      month: m.month,
      publishedAt: new Date(m.publishedAt).toISOString(),
      count: m.count,
    }));
    const month = query.month ?? months[0]?.month ?? null;
    const doc = month ? await Disclosure.findById(month).lean() : null;
    return {
      months,
      month: doc ? month : null,
      items: (doc?.items ?? []).map((i) => ({
        subjectKind: i.subjectKind ?? '',
        subject: i.subject ?? '',
        projectId: i.projectId ?? null,
        act: i.act ?? '',
        penalty: i.penalty ?? '',
        decidedOn: i.decidedOn ?? '',
      })),
    };
  });
  return r;
}
