/**
 * 月度通报: each month's bulletins of the registers — anomalies and supervision on site (5.3),
 * complaints and the director's mailbox (2.6.1), the agent and expert evaluations (4.1, 4.2), the
 * service ratings (4.3.2.1), information security (5.2) and credit (6.4). On the first working
 * day the system opens one `monthly-bulletin` flow per kind for the month before, due by the 5th
 * working day: a first draft compiled from the registers → the section's draft → the deputy's
 * review → the director's approval → sent and published (`bulletins`, `_id` `<kind>~<month>`).
 */
import { Router } from 'express';
import { Schema, type Connection } from 'mongoose';
import { chinaDate, LEDGERS, notFound, printLedgerValue, RATING_GRADES, type LedgerKind } from '@ggzy/shared';
import { API } from '@ggzy/shared/api';
import { modelOn } from '../db/model-on';
import { bind } from '../http/bind-route';
import type { Ledgers, LedgerEntryDoc } from '../ledgers/ledger-store';
import { forbidden } from '../http/auth-context';
import { nextNumber } from '../records/records.model';
import { sendFile } from '../records/paper-table';
import { toDocx, toOfficialPdf, type OfficialDocument } from '../records/official-document';

export interface BulletinKindDef {
  zh: string;
  clause: string;
  /** The section that drafts it. */
  draftGroup: string;
  ledgers: LedgerKind[];
  /** Where it is sent (报送); the experts' employers are added for the expert bulletin. */
  sendTo: string[];
  /** Opened only once the registers it compiles are in (the sections' statistics), or from this working day of the month on. */
  waitsUntilWorkday?: number;
}

export const BULLETIN_KINDS: Record<string, BulletinKindDef> = {
  anomaly: {
    zh: '交易异常情况月度通报',
    clause: '5.3',
    draftGroup: 'supervision',
    ledgers: ['anomaly-file', 'supervisor-arrival'],
    sendTo: ['相关行政监督部门', '中心领导'],
  },
  complaint: {
    zh: '投诉建议办理情况月度通报',
    clause: '2.6.1',
    draftGroup: 'supervision',
    ledgers: ['complaint', 'mailbox-check'],
    sendTo: ['中心领导', '中心各科室'],
  },
  'agent-evaluation': { zh: '代理机构考评月度通报', clause: '4.1', draftGroup: 'general', ledgers: ['agent-evaluation'], sendTo: ['相关行政监督部门'] },
  'expert-evaluation': {
    zh: '评标专家考评月度通报',
    clause: '4.2',
    draftGroup: 'experts',
    ledgers: ['expert-evaluation'],
    sendTo: ['相关行政监督部门', '专家所在单位'],
  },
  rating: { zh: '服务“好差评”月度结果', clause: '4.3.2.1', draftGroup: 'supervision', ledgers: ['rating', 'return-visit'], sendTo: ['中心各科室'] },
  security: { zh: '信息安全月度通报', clause: '5.2', draftGroup: 'it', ledgers: ['security-patrol', 'security-incident'], sendTo: ['中心领导', '中心各科室'] },
  credit: { zh: '不良行为月度通报', clause: '6.4', draftGroup: 'supervision', ledgers: ['credit'], sendTo: ['相关行政监督部门'] },
  statistics: {
    zh: '公共资源交易统计数据分析月报告',
    clause: '3.1.3',
    draftGroup: 'bigdata',
    ledgers: ['trading-statistics'],
    sendTo: ['州直相关单位'],
    waitsUntilWorkday: 3,
  },
};

export interface BulletinDoc {
  _id: string;
  kind: string;
  month: string;
  instanceId: string;
  title: string;
  text: string;
  sentTo: string[];
  publishedAt: Date;
  /** 文号: 湘西交易通报〔year〕n号, in order within the year, never given twice. */
  no?: string;
}

export function bulletinModel(db: Connection) {
  return modelOn<BulletinDoc>(
    db,
    'Bulletin',
    new Schema<BulletinDoc>(
      { _id: String, kind: String, month: String, instanceId: String, title: String, text: String, sentTo: [String], publishedAt: Date, no: String },
      { versionKey: false, _id: false, collection: 'bulletins' },
    ),
  );
}

/** The published bulletins in the order published (`bulletin_index`, `_id` `published`): the public list reads it, not the collection. */
function indexModel(db: Connection) {
  return modelOn<{ _id: string; ids: string[] }>(
    db,
    'BulletinIndex',
    new Schema<{ _id: string; ids: string[] }>({ _id: String, ids: [String] }, { versionKey: false, _id: false, collection: 'bulletin_index' }),
  );
}

const monthZh = (m: string) => `${m.slice(0, 4)}年${Number(m.slice(5))}月`;

/** One line per item: its number and its first columns. */
function lines(kind: LedgerKind, items: LedgerEntryDoc[], take = 4): string[] {
  const fields = LEDGERS[kind].fields.filter((f) => f.type !== 'long').slice(0, take);
  return items.map(
    (d, i) =>
      `${i + 1}. ${d.no} ${fields
        .map((f) => printLedgerValue(f, d.values[f.key]))
        .filter(Boolean)
        .join('，')}`,
  );
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const savings = (budget: number, deal: number) => (budget > 0 ? `${(((budget - deal) / budget) * 100).toFixed(2)}%` : '—');

/** The sections' figures: one line each, the center's totals and savings rate, then each section's analysis. */
function statisticsLines(items: LedgerEntryDoc[]): string[] {
  const rows = items.map((d) => ({
    name: String(d.values.sectionName ?? ''),
    n: num(d.values.projectCount),
    budget: num(d.values.budgetTotal),
    deal: num(d.values.dealTotal),
    analysis: String(d.values.analysis ?? ''),
  }));
  const total = rows.reduce((a, r) => ({ n: a.n + r.n, budget: a.budget + r.budget, deal: a.deal + r.deal }), { n: 0, budget: 0, deal: 0 });
  return [
    `全中心开标项目 ${total.n} 个，预算 ${total.budget.toFixed(2)} 万元，成交 ${total.deal.toFixed(2)} 万元，节资率 ${savings(total.budget, total.deal)}。`,
    ...rows.map((r) => `- ${r.name}：开标 ${r.n} 个，预算 ${r.budget.toFixed(2)} 万元，成交 ${r.deal.toFixed(2)} 万元，节资率 ${savings(r.budget, r.deal)}。`),
    '',
    '二、各科室分析：',
    ...rows.map((r) => `【${r.name}】${r.analysis}`),
  ];
}

/** The first draft: what each register holds for the month, as the section would start writing it. */
export async function compileBulletin(ledgers: Ledgers, kind: string, month: string): Promise<{ text: string; count: number }> {
  const def = BULLETIN_KINDS[kind];
  if (!def) throw new Error(`no bulletin of kind ${kind}`);
  const out = [`${monthZh(month)}${def.zh}`, ''];
  let count = 0;
  for (const l of def.ledgers) {
    const items = await ledgers.list(l, month);
    count += items.length;
    out.push(`一、${LEDGERS[l].zh}：本月共 ${items.length} 条。`);
    if (l === 'rating' && items.length) {
      const by = RATING_GRADES.map((g) => [g, items.filter((d) => d.values.grade === g).length] as const);
      const good = items.filter((d) => ['非常满意', '满意', '基本满意'].includes(String(d.values.grade))).length;
      out.push(`评价分布：${by.map(([g, n]) => `${g} ${n}`).join('，')}；满意率 ${((good / items.length) * 100).toFixed(1)}%。`);
      const bad = items.filter((d) => ['不满意', '非常不满意'].includes(String(d.values.grade)));
      if (bad.length) out.push(`差评 ${bad.length} 条，均已转监督科核实整改：`, ...bad.map((d) => `- ${d.values.projectId ?? ''} ${d.values.comment ?? ''}`));
    } else if (l === 'trading-statistics') {
      out.push(...statisticsLines(items));
    } else if ((l === 'agent-evaluation' || l === 'expert-evaluation') && items.length) {
      out.push(...lines(l, items, 6));
      const irregular = items.filter((d) => d.values.irregular === true);
      out.push(irregular.length ? `发现不良行为 ${irregular.length} 起，已记入信用记录。` : '未发现不良行为。');
    } else out.push(...lines(l, items));
    out.push('');
  }
  return { text: out.join('\n').trim(), count };
}

/** Send and publish an approved bulletin, once per kind and month. */
export async function publishBulletin(
  db: Connection,
  ledgers: Ledgers,
  b: { instanceId: string; bulletinKind: string; month: string; title: string; text: string },
  now: Date,
): Promise<BulletinDoc> {
  const Bulletin = bulletinModel(db);
  const def = BULLETIN_KINDS[b.bulletinKind];
  if (!def) throw new Error(`no bulletin of kind ${b.bulletinKind}`);
  let sentTo = def.sendTo;
  if (b.bulletinKind === 'expert-evaluation') {
    // the experts' employers are told of their own experts' irregular acts
    const employers = (await ledgers.list('expert-evaluation', b.month))
      .filter((d) => d.values.irregular === true)
      .map((d) => String(d.values.employer ?? ''))
      .filter(Boolean);
    sentTo = [...def.sendTo.filter((t) => t !== '专家所在单位'), ...new Set(employers)];
  }
  const id = `${b.bulletinKind}~${b.month}`;
  const listed = () => indexModel(db).updateOne({ _id: 'published' }, { $addToSet: { ids: id } }, { upsert: true });
  const existing = await Bulletin.findById(id).lean();
  if (existing) {
    await listed();
    return existing;
  }
  // the number is taken once; a repeat after a crash finds the bulletin written with it
  const year = chinaDate(now).slice(0, 4);
  const n = await nextNumber(db, `bulletin:${year}`);
  await Bulletin.updateOne(
    { _id: id },
    {
      $setOnInsert: {
        kind: b.bulletinKind,
        month: b.month,
        instanceId: b.instanceId,
        title: b.title,
        text: b.text,
        sentTo,
        publishedAt: now,
        no: `湘西交易通报〔${year}〕${n}号`,
      },
    },
    { upsert: true },
  );
  await listed();
  return (await Bulletin.findById(id).lean())!;
}

/** A published bulletin as the official document (Word, PDF), for the center's staff. */
export function bulletinDocumentRouter(db: Connection): Router {
  const Bulletin = bulletinModel(db);
  const r = Router();
  bind(r, API.bulletinDocument, async ({ user, params, query, res }) => {
    if (user.roles.includes('external') || user.roles.includes('integration'))
      throw forbidden('通报文件仅供中心工作人员下载', "Bulletin documents are for the center's staff");
    const d = await Bulletin.findById(`${params.kind}~${params.month}`).lean();
    if (!d) throw notFound('Bulletin', '已签发的通报', `${params.kind} ${params.month}`);
    const [y, m, day] = chinaDate(new Date(d.publishedAt)).split('-').map(Number) as [number, number, number];
    const doc: OfficialDocument = {
      issuer: '湘西自治州公共资源交易中心',
      number: d.no ?? '',
      title: d.title,
      sendTo: d.sentTo,
      body: d.text,
      date: `${y}年${m}月${day}日`,
      copyTo: ['中心领导', '中心各科室'],
    };
    const name = `${d.title}.${query.format}`;
    sendFile(res, name, query.format, query.format === 'docx' ? await toDocx(doc) : await toOfficialPdf(doc));
  });
  return r;
}

/** The latest bulletins published, newest first (the public page's list). */
export function bulletinsPublicRouter(db: Connection): Router {
  const Bulletin = bulletinModel(db);
  const Index = indexModel(db);
  const r = Router();
  bind(r, API.publicBulletins, async () => {
    // the latest hundred, read by id
    const ids = ((await Index.findById('published').lean())?.ids ?? []).slice(-100);
    const found = await Promise.all(ids.map((id) => Bulletin.findById(id).lean<BulletinDoc>()));
    const docs = found.filter((d): d is BulletinDoc => !!d).sort((a, b) => +b.publishedAt - +a.publishedAt);
    return {
      items: docs.map((d) => ({
        kind: d.kind,
        month: d.month,
        no: d.no ?? null,
        title: d.title,
        text: d.text,
        publishedAt: new Date(d.publishedAt).toISOString(),
      })),
    };
  });
  return r;
}
