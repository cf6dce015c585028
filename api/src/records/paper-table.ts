/**
 * The center's paper tables (表四, 表七, the monthly book…) as files: an Excel workbook (exceljs) and a
 * printable PDF (pdfkit) laid out like the paper form — the title, the unit and period, a ruled
 * table whose header repeats on every page, page numbers. Chinese text needs a CJK font on the
 * server: Noto Sans CJK (Debian's fonts-noto-cjk) is found where distributions put it, or named by
 * PDF_FONT (a .ttf/.otf/.ttc path; PDF_FONT_NAME for the face inside a collection).
 */
import { existsSync } from 'node:fs';
import type { Response } from 'express';
import type ExcelJS from 'exceljs';
import { AppError } from '@ggzy/shared';
import { loadLater } from '../load-later';

const excel = loadLater<typeof ExcelJS>('exceljs');
const pdfkit = loadLater<typeof import('pdfkit')>('pdfkit');

export interface PaperColumn {
  header: string;
  /** Relative width (the columns share the page's width in these proportions). */
  width: number;
}

export interface PaperTable {
  title: string;
  /** Under the title: unit, period, what the table is. */
  subtitle?: string;
  columns: PaperColumn[];
  /** (numbers stay numbers in the workbook) */
  rows: Array<Array<string | number>>;
  /** Under the table: who compiled it, when. */
  footer?: string;
}

const FONT_CANDIDATES: { path: string; name?: string }[] = [
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', name: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc', name: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc', name: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc', name: 'NotoSerifCJKsc-Regular' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', name: 'WenQuanYiMicroHei' },
  { path: '/System/Library/Fonts/PingFang.ttc', name: 'PingFangSC-Regular' },
  { path: 'C:\\Windows\\Fonts\\simsun.ttc', name: 'SimSun' },
];

/** The CJK font the PDFs are set in, or why there is none. */
export function cjkFont(): { path: string; name?: string } {
  if (process.env.PDF_FONT) return { path: process.env.PDF_FONT, name: process.env.PDF_FONT_NAME };
  const found = FONT_CANDIDATES.find((f) => existsSync(f.path));
  if (!found)
    throw new AppError({
      kind: 'operational',
      code: 'PDF_FONT_MISSING',
      status: 503,
      zh: '服务器缺少中文字体，无法生成 PDF（请安装 fonts-noto-cjk，或以 PDF_FONT 指定字体文件）；可先导出 Excel',
      en: 'The server has no CJK font for PDFs (install fonts-noto-cjk, or name a font file in PDF_FONT); the Excel export works meanwhile',
    });
  return found;
}

/** A workbook of one paper table, or of several (a sheet each, named by `sheet` or the title). */
export async function toXlsx(tables: PaperTable | Array<PaperTable & { sheet?: string }>): Promise<Buffer> {
  const wb = new (excel().Workbook)();
  wb.creator = '湘西州公共资源交易中心';
  for (const t of Array.isArray(tables) ? tables : [tables]) addSheet(wb, t);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function addSheet(wb: ExcelJS.Workbook, t: PaperTable & { sheet?: string }): void {
  const ws = wb.addWorksheet((t.sheet ?? t.title).slice(0, 31), {
    pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  const n = t.columns.length;
  const total = t.columns.reduce((a, c) => a + c.width, 0);
  ws.columns = t.columns.map((c) => ({ width: Math.max(6, Math.round((c.width / total) * 160)) }));
  ws.mergeCells(1, 1, 1, n);
  Object.assign(ws.getCell(1, 1), { value: t.title });
  ws.getCell(1, 1).font = { bold: true, size: 16 };
  ws.getCell(1, 1).alignment = { horizontal: 'center' };
  let at = 2;
  if (t.subtitle) {
    ws.mergeCells(2, 1, 2, n);
    ws.getCell(2, 1).value = t.subtitle;
    ws.getCell(2, 1).alignment = { horizontal: 'center' };
    at = 3;
  }
  const thin = { style: 'thin' as const };
  const border = { top: thin, left: thin, bottom: thin, right: thin };
  const header = ws.getRow(at);
  t.columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.header;
    cell.font = { bold: true };
    cell.border = border;
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  });
  ws.views = [{ state: 'frozen', ySplit: at }];
  for (const r of t.rows) {
    const row = ws.addRow(r);
    row.eachCell({ includeEmpty: true }, (cell) => {
      cell.border = border;
      cell.alignment = { vertical: 'top', wrapText: true };
    });
  }
  if (t.footer) ws.addRow([t.footer]);
}

/** A PDF set in the CJK font, and its bytes once it is ended. */
export function cjkPdf(options: PDFKit.PDFDocumentOptions): { doc: PDFKit.PDFDocument; done: Promise<Buffer> } {
  const font = cjkFont();
  const PDFDocument = pdfkit();
  const doc = new PDFDocument(options);
  doc.registerFont('cjk', font.path, font.name);
  doc.font('cjk');
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return { doc, done };
}

export function toPdf(t: PaperTable): Promise<Buffer> {
  const { doc, done } = cjkPdf({ size: 'A4', layout: 'landscape', margin: 36, bufferPages: true, info: { Title: t.title, Author: '湘西州公共资源交易中心' } });
  const left = doc.page.margins.left;
  const usable = doc.page.width - left - doc.page.margins.right;
  const bottom = doc.page.height - doc.page.margins.bottom - 20;
  const total = t.columns.reduce((a, c) => a + c.width, 0);
  const widths = t.columns.map((c) => (c.width / total) * usable);
  const pad = 4;
  const size = 9;

  const heightOf = (cells: string[]) =>
    Math.max(...cells.map((text, i) => doc.fontSize(size).heightOfString(text || ' ', { width: widths[i]! - 2 * pad }))) + 2 * pad;
  const drawRow = (cells: string[], y: number, h: number, bold = false) => {
    let x = left;
    cells.forEach((text, i) => {
      const w = widths[i]!;
      if (bold) doc.rect(x, y, w, h).fillAndStroke('#f0f0f0', '#000').fillColor('#000');
      else doc.rect(x, y, w, h).stroke('#000');
      doc.fontSize(size).text(text || '', x + pad, y + pad, { width: w - 2 * pad, align: bold ? 'center' : 'left' });
      x += w;
    });
  };
  const heading = () => {
    doc.fontSize(16).text(t.title, left, doc.page.margins.top, { width: usable, align: 'center' });
    if (t.subtitle) doc.moveDown(0.3).fontSize(10).text(t.subtitle, { width: usable, align: 'center' });
    doc.moveDown(0.6);
    const y = doc.y;
    const headers = t.columns.map((c) => c.header);
    const h = heightOf(headers);
    drawRow(headers, y, h, true);
    return y + h;
  };

  doc.lineWidth(0.5);
  let y = heading();
  for (const row of t.rows) {
    const r = row.map(String);
    const h = heightOf(r);
    if (y + h > bottom) {
      doc.addPage();
      y = heading();
    }
    drawRow(r, y, h);
    y += h;
  }
  if (!t.rows.length) {
    doc.fontSize(10).text('（本期无记录）', left, y + 8, { width: usable, align: 'center' });
    y += 28;
  }
  if (t.footer) doc.fontSize(10).text(t.footer, left, Math.min(y + 10, bottom), { width: usable, align: 'right' });
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // (written in the bottom margin, which pdfkit would otherwise take for the end of the page)
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.fontSize(8).text(`第 ${i + 1} 页 共 ${range.count} 页`, left, doc.page.height - margin + 8, { width: usable, align: 'center', lineBreak: false });
    doc.page.margins.bottom = margin;
  }
  doc.end();
  return done;
}

const TYPES = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
} as const;

/** A generated file, named in Chinese (RFC 5987) with an ASCII fallback. */
export function sendFile(res: Response, name: string, format: keyof typeof TYPES, bytes: Buffer): void {
  res.setHeader('content-type', TYPES[format]);
  res.setHeader('content-disposition', `attachment; filename="export.${format}"; filename*=UTF-8''${encodeURIComponent(name)}`);
  res.setHeader('cache-control', 'no-store');
  res.send(bytes);
}
