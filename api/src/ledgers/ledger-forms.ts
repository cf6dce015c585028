/**
 * What a register's definition says of its items: the checks on an item entered by hand (built
 * from the columns: required, choices, dates) and the text each value prints as on paper.
 */
import { z } from 'zod';
import { chinaDateTime, LEDGERS, printLedgerValue, type LedgerField, type LedgerKind } from '@ggzy/shared';
import type { LedgerValue } from '@ggzy/shared/api';
import type { PaperTable } from '../records/paper-table';
import type { LedgerEntryDoc } from './ledger-store';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '不是日期（YYYY-MM-DD） not a date');

function fieldSchema(f: LedgerField): z.ZodType {
  const text = (max: number) => (f.required ? z.string().trim().min(1, '必填 required').max(max) : z.string().trim().max(max));
  let s: z.ZodType;
  switch (f.type) {
    case 'text':
      s = text(200);
      break;
    case 'long':
      s = text(5000);
      break;
    case 'date':
      s = day;
      break;
    case 'datetime':
      s = z.iso.datetime({ offset: true, message: '不是时间 not a date-time' });
      break;
    case 'choice':
      s = z.enum(f.options as [string, ...string[]]);
      break;
    case 'bool':
      s = z.boolean();
      break;
    case 'number':
      s = z.number().finite().min(0).max(1_000_000);
      break;
  }
  return f.required ? s : s.nullable().optional();
}

/** The checks of an item entered by hand: the register's fields only, the required ones present (`partial`: those given). */
export function entrySchema(kind: LedgerKind, partial = false): z.ZodType<Record<string, LedgerValue>> {
  const shape = Object.fromEntries(LEDGERS[kind].fields.map((f) => [f.key, partial ? fieldSchema(f).optional() : fieldSchema(f)]));
  return z.strictObject(shape) as unknown as z.ZodType<Record<string, LedgerValue>>;
}

/** A register's month as its paper table: the number, then its columns. */
export function ledgerTable(kind: LedgerKind, month: string, items: LedgerEntryDoc[]): PaperTable {
  const def = LEDGERS[kind];
  return {
    title: `${def.table ? `${def.table} ` : ''}${def.zh}`,
    subtitle: `湘西自治州公共资源交易中心 · ${month.replace('-', '年')}月 · 共 ${items.length} 条（依据《“12345”精细化管理》${def.clause}）`,
    // (the number's column takes about a tenth of the page, so a number never wraps however many columns follow)
    columns: [
      { header: '编号', width: Math.max(4, Math.ceil(def.fields.reduce((n, f) => n + f.width, 0) * 0.12)) },
      ...def.fields.map((f) => ({ header: f.zh, width: f.width })),
    ],
    rows: items.map((d) => [d.no, ...def.fields.map((f) => printLedgerValue(f, d.values[f.key]))]),
    footer: `导出时间：${chinaDateTime(new Date()).slice(0, 16)}`,
  };
}
