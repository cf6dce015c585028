/** Project import sheets as a user fills them (the template's columns), for the register's tests. */
import ExcelJS from 'exceljs';

export const HEADER = [
  '项目编号',
  '项目名称',
  '项目类型',
  '业务科室',
  '招标人/采购人',
  '代理机构',
  '预算金额（元）',
  '登记日期',
  '公告日期',
  '开标时间',
  '定标日期',
  '合同签订日期',
];

export async function sheet(rows: unknown[][], header: string[] = HEADER): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('项目');
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
