/**
 * Save rows as a CSV file the browser downloads: UTF-8 with a byte-order mark and CRLF line ends,
 * so Excel and WPS open the Chinese as written.
 */
export function downloadCsv(filename: string, rows: string[][]): void {
  const cell = (x: string) => `"${x.replace(/"/g, '""')}"`;
  const csv = '\ufeff' + rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
