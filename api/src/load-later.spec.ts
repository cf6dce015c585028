/**
 * The server's code loads without the libraries only a few requests need (the spreadsheet, PDF,
 * password-strength and Zeebe libraries); each loads at its first use.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const LATER = /node_modules\/(exceljs|pdfkit|@zxcvbn-ts|@camunda8)\//;

function loadedAfter(script: string): string[] {
  const r = spawnSync(process.execPath, ['-e', `${script}; process.stdout.write(JSON.stringify(Object.keys(require.cache)))`], {
    cwd: path.resolve(__dirname, '../dist'),
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  const libs = (JSON.parse(r.stdout) as string[]).map((f) => LATER.exec(f)?.[1]).filter((m): m is string => !!m);
  return [...new Set(libs)].sort();
}

test('loading the server loads none of them; checking a password and writing a workbook load theirs', () => {
  expect(loadedAfter("require('./app.js')")).toEqual([]);
  expect(
    loadedAfter(
      "require('./app.js'); require('./people/password-policy.js').checkPassword('x7#Lk!pQ2v@9', { id: 'u' }); require('./records/paper-table.js').toXlsx({ title: 't', columns: [], rows: [] })",
    ),
  ).toEqual(['@zxcvbn-ts', 'exceljs']);
});
