/**
 * The registers over HTTP: the list of those the caller reads, a month of one, an item, an item
 * entered by hand (by the register's writers, checked against its columns) and a month's export as
 * the paper table (.xlsx, PDF).
 */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { chinaDate, conflict, LEDGER_KINDS, LEDGERS, ledgerAccess, notFound, userError, type LedgerKind } from '@ggzy/shared';
import { API, type LedgerItem, type LedgerValue, type UserDto } from '@ggzy/shared/api';
import { bind } from '../http/bind-route';
import { forbidden } from '../http/auth-context';
import { sendFile, toPdf, toXlsx } from '../records/paper-table';
import { entrySchema, ledgerTable } from './ledger-forms';
import type { LedgerEntryDoc, Ledgers } from './ledger-store';
import type { AuditService } from '../audit/audit.service';
import type { Connection } from 'mongoose';
import { attachmentModel } from '../attachments/attachments';

export const ledgerDto = (d: LedgerEntryDoc): LedgerItem => ({
  id: d._id,
  kind: d.kind,
  no: d.no,
  month: d.month,
  values: d.values ?? {},
  projectId: d.projectId ?? null,
  instanceId: d.instanceId ?? null,
  recordedBy: d.recordedBy,
  recordedByName: d.recordedByName,
  recordedAt: new Date(d.recordedAt).toISOString(),
  updatedAt: new Date(d.updatedAt).toISOString(),
  publishedAt: d.publishedAt ? new Date(d.publishedAt).toISOString() : null,
});

function mayRead(u: UserDto, kind: LedgerKind): boolean {
  const a = ledgerAccess(LEDGERS[kind], u);
  if (!a.read) throw forbidden(`无权查看${LEDGERS[kind].zh}`, `You may not read the register ${kind}`);
  return a.write;
}

/** The values of an item entered or added to by hand: by the register's writers, as its columns say. */
function checked(user: UserDto, kind: LedgerKind, raw: Record<string, unknown>, partial: boolean): Record<string, LedgerValue> {
  const def = LEDGERS[kind];
  if (!ledgerAccess(def, user).write || def.writers.length === 0)
    throw forbidden(`无权登记${def.zh}（此台账由流程填写或由其他科室登记）`, `You may not enter items into the register ${def.kind}`);
  const parsed = entrySchema(kind, partial).safeParse(raw);
  if (!parsed.success)
    throw userError(
      'LEDGER_INVALID',
      `${def.zh}填写有误：${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('；')}`,
      `The item does not fit the register: ${parsed.error.message}`,
      {
        details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      },
    );
  return parsed.data;
}

export function ledgersRouter(db: Connection, ledgers: Ledgers, audit: AuditService): Router {
  const Attachment = attachmentModel(db);
  const r = Router();
  bind(r, API.ledgers, ({ user }) => ({
    items: LEDGER_KINDS.map((k) => ({ def: LEDGERS[k], a: ledgerAccess(LEDGERS[k], user) }))
      .filter((x) => x.a.read)
      .map(({ def, a }) => ({ kind: def.kind, table: def.table, clause: def.clause, zh: def.zh, mayWrite: a.write && def.writers.length > 0 })),
  }));
  bind(r, API.ledger, async ({ user, params, query }) => {
    const mayWrite = mayRead(user, params.kind) && LEDGERS[params.kind].writers.length > 0;
    const month = query.month ?? chinaDate(new Date()).slice(0, 7);
    return { kind: params.kind, month, mayWrite, items: (await ledgers.list(params.kind, month)).map(ledgerDto) };
  });
  bind(r, API.ledgerItem, async ({ user, params }) => {
    mayRead(user, params.kind);
    const d = await ledgers.get(params.id);
    if (!d || d.kind !== params.kind) throw notFound('Register item', '台账记录', params.id);
    const attachments = [];
    for (const id of d.attachmentIds ?? []) {
      const f = await Attachment.findById(id).select('filename').lean();
      if (f) attachments.push({ id, filename: f.filename });
    }
    return { ...ledgerDto(d), attachments };
  });
  bind(r, API.addLedgerItem, async ({ user, params, body, res }) => {
    const values = checked(user, params.kind, body.values, false);
    let key = `hand-${randomUUID()}`;
    // 表八: one return visit per project
    if (params.kind === 'return-visit' && typeof values.projectId === 'string' && values.projectId) {
      key = values.projectId;
      if (await ledgers.get(`return-visit~${key}`))
        throw conflict('RETURN_VISIT_EXISTS', `项目 ${key} 已有回访记录`, `Project ${key} already has its return visit`);
    }
    const d = await ledgers.record(params.kind, key, values, { by: user.id, byName: user.name });
    res.status(201);
    return ledgerDto(d);
  });
  bind(r, API.updateLedgerItem, async ({ user, params, body }) => {
    const values = checked(user, params.kind, body.values, true);
    const before = await ledgers.get(params.id);
    if (!before || before.kind !== params.kind) throw notFound('Register item', '台账记录', params.id);
    const d = await ledgers.record(params.kind, params.id.slice(params.kind.length + 1), values, { by: user.id, byName: user.name });
    await audit.append({
      actor: user.id,
      action: 'ledger.updated',
      data: {
        kind: params.kind,
        id: params.id,
        changed: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { before: before.values[k] ?? null, after: v }])),
      },
    });
    return ledgerDto(d);
  });
  bind(r, API.exportLedger, async ({ user, params, query, res }) => {
    mayRead(user, params.kind);
    const table = ledgerTable(params.kind, query.month, await ledgers.list(params.kind, query.month));
    const name = `${LEDGERS[params.kind].table ?? ''}${LEDGERS[params.kind].zh}-${query.month}.${query.format}`;
    sendFile(res, name, query.format, query.format === 'pdf' ? await toPdf(table) : await toXlsx(table));
  });
  return r;
}
