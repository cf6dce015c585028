/**
 * A document of the center in the official layout (党政机关公文格式, GB/T 9704): the red issuing
 * body (版头) over a red line, the 文号, the title, 主送, the body, the issuer and date, 抄送 at the
 * foot — as a Word file (docx) people edit and archive, and as a PDF to print (pdfkit, the CJK font
 * of the paper tables).
 */
import { AlignmentType, BorderStyle, Document, Packer, Paragraph, TextRun } from 'docx';
import { cjkPdf } from './paper-table';

export interface OfficialDocument {
  /** 版头: 湘西自治州公共资源交易中心 (文件). */
  issuer: string;
  /** 文号: 湘西交易通报〔2026〕3号. */
  number: string;
  title: string;
  /** 主送. */
  sendTo: string[];
  body: string;
  /** 成文日期, as written: 2026年12月3日. */
  date: string;
  /** 抄送. */
  copyTo?: string[];
}

const RED = 'C00000';
const FONT = { ascii: 'FangSong', eastAsia: '仿宋_GB2312', hAnsi: 'FangSong' };
/** 三号 (16 pt) in half-points. */
const SIZE = 32;

const para = (
  text: string,
  opts: { bold?: boolean; size?: number; color?: string; align?: (typeof AlignmentType)[keyof typeof AlignmentType]; indent?: boolean } = {},
) =>
  new Paragraph({
    alignment: opts.align ?? AlignmentType.JUSTIFIED,
    indent: opts.indent ? { firstLine: 640 } : undefined,
    spacing: { line: 560, lineRule: 'exact' },
    children: [new TextRun({ text, bold: opts.bold, size: opts.size ?? SIZE, color: opts.color, font: FONT })],
  });

export async function toDocx(d: OfficialDocument): Promise<Buffer> {
  const doc = new Document({
    creator: d.issuer,
    title: d.title,
    sections: [
      {
        properties: { page: { margin: { top: 2098, bottom: 1984, left: 1587, right: 1474 } } },
        children: [
          para(`${d.issuer}文件`, { bold: true, size: 60, color: RED, align: AlignmentType.CENTER }),
          new Paragraph({ text: '' }),
          new Paragraph({
            alignment: AlignmentType.CENTER,
            border: { bottom: { style: BorderStyle.SINGLE, size: 18, color: RED, space: 8 } },
            children: [new TextRun({ text: d.number, size: SIZE, font: FONT })],
          }),
          new Paragraph({ text: '' }),
          para(d.title, { bold: true, size: 44, align: AlignmentType.CENTER }),
          new Paragraph({ text: '' }),
          para(`${d.sendTo.join('、')}：`, { align: AlignmentType.LEFT }),
          ...d.body.split('\n').map((line) => para(line, { indent: true })),
          new Paragraph({ text: '' }),
          para(d.issuer, { align: AlignmentType.RIGHT }),
          para(d.date, { align: AlignmentType.RIGHT }),
          ...(d.copyTo?.length
            ? [
                new Paragraph({ text: '' }),
                new Paragraph({
                  border: {
                    top: { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 4 },
                    bottom: { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 4 },
                  },
                  children: [new TextRun({ text: `抄送：${d.copyTo.join('、')}。`, size: 28, font: FONT })],
                }),
              ]
            : []),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

export async function toOfficialPdf(d: OfficialDocument): Promise<Buffer> {
  const { doc: pdf, done } = cjkPdf({ size: 'A4', margins: { top: 100, bottom: 80, left: 80, right: 75 }, info: { Title: d.title, Author: d.issuer } });
  const width = pdf.page.width - 155;
  pdf.fillColor('#C00000').fontSize(30).text(`${d.issuer}文件`, { width, align: 'center' });
  pdf.moveDown(0.8).fillColor('black').fontSize(14).text(d.number, { width, align: 'center' });
  const y = pdf.y + 6;
  pdf
    .moveTo(80, y)
    .lineTo(80 + width, y)
    .lineWidth(2)
    .strokeColor('#C00000')
    .stroke();
  pdf.y = y + 24;
  pdf.fontSize(20).text(d.title, 80, pdf.y, { width, align: 'center' });
  pdf
    .moveDown(1)
    .fontSize(14)
    .text(`${d.sendTo.join('、')}：`, { width });
  for (const line of d.body.split('\n')) pdf.text(line ? `\u3000\u3000${line}` : ' ', { width, lineGap: 6 });
  pdf.moveDown(1.5).text(d.issuer, { width, align: 'right' });
  pdf.text(d.date, { width, align: 'right' });
  if (d.copyTo?.length)
    pdf
      .moveDown(2)
      .fontSize(12)
      .text(`抄送：${d.copyTo.join('、')}。`, { width });
  pdf.end();
  return done;
}
