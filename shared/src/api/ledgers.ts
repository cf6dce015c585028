/** The registers of supervision and evaluation (台账), the public rating page and the credit disclosure. */
import { z } from 'zod';
import { isoDateTime } from './common';
import { LEDGER_KINDS, RATING_GRADES, RATING_PARTIES } from '../records/ledgers';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'not a month (YYYY-MM)');
export const ledgerKind = z.enum(LEDGER_KINDS);
export const ledgerValue = z.union([z.string().max(5000), z.number(), z.boolean(), z.null()]);

export const ledgerParams = z.object({ kind: ledgerKind });
export const ledgerItemParams = z.object({ kind: ledgerKind, id: z.string().regex(/^[a-z-]{1,30}~[A-Za-z0-9:_~.-]{1,200}$/, 'not a register item id') });
export const ledgerListQuery = z.strictObject({ month: month.optional() });
export const ledgerExportQuery = z.strictObject({ month, format: z.enum(['xlsx', 'pdf']) });
export const ledgerEntryBody = z.strictObject({ values: z.record(z.string(), ledgerValue) });

export const ledgerItemDto = z
  .strictObject({
    id: z.string(),
    kind: ledgerKind,
    no: z.string(),
    month: z.string(),
    values: z.record(z.string(), ledgerValue),
    projectId: z.string().nullable(),
    instanceId: z.string().nullable(),
    recordedBy: z.string(),
    recordedByName: z.string(),
    recordedAt: isoDateTime,
    updatedAt: isoDateTime,
    publishedAt: isoDateTime.nullable(),
    /** On an item's page: the files of the flow that wrote it. */
    attachments: z.array(z.strictObject({ id: z.string(), filename: z.string() })).optional(),
  })
  .meta({ id: 'LedgerItem' });

export const ledgerSummary = z.strictObject({ kind: ledgerKind, table: z.string().nullable(), clause: z.string(), zh: z.string(), mayWrite: z.boolean() });
export const ledgersReply = z.strictObject({ items: z.array(ledgerSummary) });
export const ledgerListReply = z.strictObject({ kind: ledgerKind, month, mayWrite: z.boolean(), items: z.array(ledgerItemDto) });

/** The public rating page (好差评): reached by the code on a session sheet, no account. */
export const ratingParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{10,200}$/, 'not a rating code') });
export const ratingBody = z.strictObject({
  party: z.enum(RATING_PARTIES),
  /** Who rates (a unit's name): only its fingerprint is kept, so each party rates a project once and stays anonymous. */
  partyName: z.string().trim().min(2).max(100),
  grade: z.enum(RATING_GRADES),
  comment: z.string().trim().max(1000).optional(),
});
export const ratingPage = z.strictObject({ projectId: z.string(), projectName: z.string(), grades: z.array(z.string()), parties: z.array(z.string()) });
export const ratingReply = z.strictObject({ accepted: z.literal(true) });
/** The rating page's address and its QR code (a PNG data URL) for the session sheet. */
export const ratingLinkReply = z.strictObject({ path: z.string(), url: z.string(), image: z.string() });

/** The public credit disclosure (6.4): only months whose bulletin the leaders approved and published. */
export const creditQuery = z.strictObject({ month: month.optional() });
export const creditItem = z.strictObject({
  subjectKind: z.string(),
  subject: z.string(),
  projectId: z.string().nullable(),
  act: z.string(),
  penalty: z.string(),
  decidedOn: z.string(),
});
export const creditReply = z.strictObject({
  months: z.array(z.strictObject({ month, publishedAt: isoDateTime, count: z.number() })),
  month: month.nullable(),
  items: z.array(creditItem),
});

export const bulletinsReply = z.strictObject({
  items: z.array(z.strictObject({ kind: z.string(), month, no: z.string().nullable(), title: z.string(), text: z.string(), publishedAt: isoDateTime })),
});
export const bulletinParams = z.object({ kind: z.string().regex(/^[a-z-]{1,30}$/, 'not a bulletin kind'), month });
export const bulletinDocumentQuery = z.strictObject({ format: z.enum(['docx', 'pdf']) });

export type LedgerItem = z.infer<typeof ledgerItemDto>;
export type LedgerValue = z.infer<typeof ledgerValue>;
