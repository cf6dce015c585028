/**
 * Projects imported from an Excel sheet (.xlsx, exceljs): the template to fill, and the import —
 * every row checked first (the schema, the register's rules, numbers repeated in the sheet or
 * already registered), the problems reported row by row, and nothing written unless every row is
 * right. The rows to write are written down first as one document (`project_imports_pending`), so
 * a process killed halfway finishes the import when it starts again: all of it, never half.
 */
import { randomUUID } from 'node:crypto';
import type ExcelJS from 'exceljs';
import { Schema, type Connection, type Model } from 'mongoose';
import { AppError, SECTIONS, type UserDto } from '@ggzy/shared';
import { PROJECT_KINDS, projectInput, projectNumber, type ImportProblem, type ProjectInput } from '@ggzy/shared/api';
import { modelOn } from '../db/model-on';
import type { AuditService } from '../audit/audit.service';
import { entryProblems } from './project-entry';
import type { ProjectRegister } from './project-register';
import { loadLater } from '../load-later';

const excel = loadLater<typeof ExcelJS>('exceljs');

/** The sheet's columns: header, the field it fills, how it is read, an example. */
const COLUMNS = [
  { header: '项目编号', field: 'id', kind: 'text', example: 'XXGC-2027-001', width: 18 },
  { header: '项目名称', field: 'name', kind: 'text', example: '泸溪县第一中学教学楼建设工程施工', width: 36 },
  { header: '项目类型', field: 'kind', kind: 'text', example: '工程建设', width: 12 },
  { header: '业务科室', field: 'section', kind: 'section', example: '工程科', width: 12 },
  { header: '招标人/采购人', field: 'tenderer', kind: 'text', example: '泸溪县教育局', width: 24 },
  { header: '代理机构', field: 'agent', kind: 'text', example: '湖南某工程咨询有限公司', width: 24 },
  { header: '预算金额（元）', field: 'budget', kind: 'number', example: 12800000, width: 16 },
  { header: '登记日期', field: 'registeredOn', kind: 'day', example: '2027-01-04', width: 12 },
  { header: '公告日期', field: 'noticeOn', kind: 'day', example: '2027-01-06', width: 12 },
  { header: '开标时间', field: 'openingAt', kind: 'time', example: '2027-01-27 09:30', width: 18 },
  { header: '定标日期', field: 'awardOn', kind: 'day', example: '', width: 12 },
  { header: '合同签订日期', field: 'contractOn', kind: 'day', example: '', width: 14 },
] as const;
const REQUIRED = new Set(['项目编号', '项目名称', '项目类型', '业务科室', '招标人/采购人']);
export const MAX_IMPORT_ROWS = 2000;

interface PendingDoc {
  _id: string;
  by: UserDto;
  at: Date;
  rows: { id: string; input: ProjectInput }[];
}

/** The template: the header row, one example row, and a sheet of the allowed values. */
export async function importTemplate(): Promise<Buffer> {
  const wb = new (excel().Workbook)();
  const ws = wb.addWorksheet('项目');
  ws.columns = COLUMNS.map((c) => ({ header: c.header, key: c.field, width: c.width }));
  ws.addRow(Object.fromEntries(COLUMNS.map((c) => [c.field, c.example])));
  ws.getRow(1).font = { bold: true };
  const help = wb.addWorksheet('填写说明');
  help.columns = [{ width: 16 }, { width: 70 }];
  help.addRows([
    ['列', '说明'],
    ['项目编号', '必填，字母、数字、- 和 _，不超过 60 个字符，不能与已登记的项目重复'],
    ['项目类型', `必填，其一：${PROJECT_KINDS.join('、')}`],
    ['业务科室', '必填，工程科、采购科、资源科、产权科、采购中心之一，与项目类型相符'],
    ['日期', '登记日期 ≤ 公告日期 ≤ 开标时间 ≤ 定标日期 ≤ 合同签订日期；日期写作 2027-01-04，开标时间写作 2027-01-27 09:30'],
    ['导入', '整表检查：有任何一行有误则全部不导入，并逐行列出问题'],
  ]);
  help.getRow(1).font = { bold: true };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A cell's value as text (rich text, formulas and links by what they show). */
function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    if ('text' in v) return String(v.text);
    return '';
  }
  return String(v).trim();
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A day: a date cell (the sheet's wall date), or 2027-01-04, 2027/1/4, 2027年1月4日. */
function readDay(v: ExcelJS.CellValue): string | undefined | null {
  if (v instanceof Date) return `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())}`;
  const t = cellText(v);
  if (!t) return null;
  const m = /^(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})日?$/.exec(t);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? `${y}-${pad(mo)}-${pad(d)}` : undefined;
}

/** A moment in Beijing time: a date-time cell (its wall time), or 2027-01-27 09:30. */
function readTime(v: ExcelJS.CellValue): string | undefined | null {
  if (v instanceof Date) {
    const wall = `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())}T${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}:00`;
    return `${wall}+08:00`;
  }
  const t = cellText(v);
  if (!t) return null;
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2}))?$/.exec(t);
  if (!m) return undefined;
  const day = readDay(`${m[1]}-${m[2]}-${m[3]}`);
  if (!day || Number(m[4] ?? 0) > 23) return undefined;
  return `${day}T${pad(Number(m[4] ?? 0))}:${m[5] ?? '00'}:00+08:00`;
}

function readSection(t: string): string {
  return SECTIONS.find((s) => s.name === t || s.code === t)?.code ?? t;
}

export class ProjectImport {
  private readonly Pending: Model<PendingDoc>;

  constructor(
    db: Connection,
    private readonly register: ProjectRegister,
    private readonly audit: AuditService,
  ) {
    this.Pending = modelOn<PendingDoc>(
      db,
      'ProjectImportPending',
      new Schema<PendingDoc>(
        { _id: String, by: Schema.Types.Mixed, at: Date, rows: Schema.Types.Mixed },
        { versionKey: false, _id: false, collection: 'project_imports_pending' },
      ),
    );
  }

  /** Read and check a sheet: the rows to register, or every problem found. */
  async check(u: UserDto, file: Buffer): Promise<{ rows: { id: string; input: ProjectInput }[]; problems: ImportProblem[] }> {
    const wb = new (excel().Workbook)();
    try {
      await wb.xlsx.load(file as unknown as ArrayBuffer);
    } catch {
      throw new AppError({
        kind: 'user',
        code: 'IMPORT_NOT_XLSX',
        status: 422,
        zh: '文件不是 Excel（.xlsx）表格',
        en: 'The file is not an Excel (.xlsx) sheet',
      });
    }
    const ws = wb.worksheets[0];
    const problems: ImportProblem[] = [];
    const problem = (row: number, column: string, message: string, messageEn: string) => problems.push({ row, column, message, messageEn });
    if (!ws) return { rows: [], problems: [{ row: 0, column: '', message: '表格中没有工作表', messageEn: 'The file has no sheet' }] };
    // the header: every required column, nothing unknown, nothing twice
    const at = new Map<string, number>();
    ws.getRow(1).eachCell((cell, col) => {
      const h = cellText(cell.value);
      if (!h) return;
      if (!COLUMNS.some((c) => c.header === h)) problem(1, h, `未知的列“${h}”（请使用导入模板）`, `Unknown column "${h}" (use the template)`);
      else if (at.has(h)) problem(1, h, `列“${h}”出现了两次`, `Column "${h}" appears twice`);
      else at.set(h, col);
    });
    for (const h of REQUIRED) if (!at.has(h)) problem(1, h, `缺少必填列“${h}”`, `The required column "${h}" is missing`);
    if (problems.length) return { rows: [], problems };

    const rows: { id: string; input: ProjectInput; row: number }[] = [];
    const seen = new Map<string, number>();
    const last = ws.actualRowCount;
    if (last - 1 > MAX_IMPORT_ROWS)
      return {
        rows: [],
        problems: [{ row: 0, column: '', message: `一次最多导入 ${MAX_IMPORT_ROWS} 行`, messageEn: `At most ${MAX_IMPORT_ROWS} rows at once` }],
      };
    for (let n = 2; n <= ws.rowCount; n++) {
      const r = ws.getRow(n);
      const raw = (header: string) => (at.has(header) ? r.getCell(at.get(header)!).value : null);
      if (COLUMNS.every((c) => !cellText(raw(c.header)))) continue; // an empty row
      const before = problems.length;
      const value: Record<string, unknown> = {};
      for (const c of COLUMNS) {
        const v = raw(c.header);
        if (c.kind === 'day' || c.kind === 'time') {
          const d = c.kind === 'day' ? readDay(v) : readTime(v);
          if (d === undefined)
            problem(
              n,
              c.header,
              `“${cellText(v)}”不是${c.kind === 'day' ? '日期（如 2027-01-04）' : '时间（如 2027-01-27 09:30）'}`,
              `"${cellText(v)}" is not a ${c.kind === 'day' ? 'date' : 'time'}`,
            );
          else if (d) value[c.field] = d;
        } else if (c.kind === 'number') {
          const t = cellText(v).replace(/[,，\s]/g, '');
          if (t && !Number.isFinite(Number(t))) problem(n, c.header, `“${cellText(v)}”不是金额`, `"${cellText(v)}" is not an amount`);
          else if (t) value[c.field] = Number(t);
        } else {
          const t = cellText(v);
          if (t) value[c.field] = c.kind === 'section' ? readSection(t) : t;
        }
      }
      if (problems.length > before) continue;
      const { id, ...fields } = value;
      const number = projectNumber.safeParse(id ?? '');
      const input = projectInput.safeParse(fields);
      if (!number.success) problem(n, '项目编号', `项目编号“${String(id ?? '')}”不正确（字母、数字、- 和 _）`, `Not a project number: "${String(id ?? '')}"`);
      if (!input.success)
        for (const issue of input.error.issues) {
          const col = COLUMNS.find((c) => c.field === issue.path[0])?.header ?? String(issue.path[0] ?? '');
          problem(
            n,
            col,
            issue.code === 'invalid_value' && col === '项目类型'
              ? `项目类型须为${PROJECT_KINDS.join('、')}之一`
              : `${col}：${value[String(issue.path[0])] === undefined ? '必填' : '不正确'}`,
            `${col}: ${issue.message}`,
          );
        }
      if (!number.success || !input.success) continue;
      for (const p of entryProblems(input.data)) problem(n, COLUMNS.find((c) => c.field === p.column)?.header ?? p.column, p.message, p.messageEn);
      if (!this.register.mayWrite(u, input.data.section))
        problem(n, '业务科室', `您不能登记${cellText(raw('业务科室'))}的项目`, `You may not register projects of ${input.data.section}`);
      const first = seen.get(number.data);
      if (first) problem(n, '项目编号', `项目编号 ${number.data} 与第 ${first} 行重复`, `Project ${number.data} repeats row ${first}`);
      else seen.set(number.data, n);
      // (the register's catalogue holds every number; the write itself never replaces an entry)
      if (this.register.has(number.data)) problem(n, '项目编号', `项目编号 ${number.data} 已登记`, `Project ${number.data} is already registered`);
      if (problems.length === before) rows.push({ id: number.data, input: input.data, row: n });
    }
    if (!rows.length && !problems.length) problem(0, '', '表格中没有项目', 'The sheet holds no project');
    return { rows: rows.map(({ id, input }) => ({ id, input })), problems };
  }

  /** Check a sheet and, if every row is right and this is not a dry run, register them all. */
  async import(u: UserDto, file: Buffer, dryRun: boolean): Promise<{ imported: number; ids: string[] }> {
    const { rows, problems } = await this.check(u, file);
    if (problems.length)
      throw new AppError({
        kind: 'user',
        code: 'IMPORT_INVALID',
        status: 422,
        zh: `导入表有 ${problems.length} 处问题，未导入任何项目`,
        en: `The sheet has ${problems.length} problems; nothing was imported`,
        details: problems.map((p) => ({ ...p, field: p.column, code: 'INVALID' })),
      });
    const ids = rows.map((r) => r.id);
    if (dryRun) return { imported: 0, ids };
    const pending: PendingDoc = { _id: randomUUID(), by: u, at: new Date(), rows };
    await this.Pending.create(pending);
    await this.apply(pending);
    return { imported: rows.length, ids };
  }

  private async apply(p: PendingDoc): Promise<void> {
    await this.register.insertImported(p.by, p.rows, p.at);
    await this.audit.append({
      actor: p.by.id,
      action: 'project.imported',
      data: { importId: p._id, count: p.rows.length, projectIds: p.rows.map((r) => r.id) },
    });
    await this.Pending.deleteOne({ _id: p._id });
  }

  /** At start: finish the imports a stopped process left halfway (the collection is empty otherwise). */
  async recover(): Promise<number> {
    const left = await this.Pending.find({}).lean();
    for (const p of left) await this.apply(p);
    return left.length;
  }
}
