/**
 * The project register over HTTP as the center's roles use it: the import sheet (template, a good
 * sheet, bad sheets reported row by row with nothing half-imported, a dry run, an import finished
 * after a stop), registering and editing by hand (who may, the register's rules, an edit over
 * someone else's refused), the e-trading system's push (idempotent by number), search and filters,
 * and a project's page with its flows and archives.
 */
import ExcelJS from 'exceljs';
import { HEADER, sheet } from './sheets';
import { anomalyReport, startServer, type Body, type Client, type TestServer } from './harness';

let s: TestServer;
let gen: Client;
beforeAll(async () => {
  s = await startServer('project_register', { DEMO_DATA: 'true' });
  gen = await s.login('gen1');
});
afterAll(() => s?.close());

const find = async (c: Client, q: string): Promise<Body[]> => (await c.get(`/api/projects?${q}`)).body.items;

test('the template downloads as a sheet with the register columns and an example row', async () => {
  const t = await gen.file('/api/projects/import-template');
  expect(t.status).toBe(200);
  expect(t.type).toContain('spreadsheetml');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(t.bytes as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(HEADER);
  expect(ws.getRow(2).getCell(1).value).toBe('XXGC-2027-001');
  // someone outside the register's sections may not import
  expect((await (await s.login('sup1')).file('/api/projects/import-template')).status).toBe(403);
});

test('a good sheet is imported whole; bad sheets are reported row by row and import nothing', async () => {
  const good = await sheet([
    [
      'XXGC-2027-101',
      '泸溪县第一中学教学楼建设工程施工',
      '工程建设',
      '工程科',
      '泸溪县教育局',
      '湖南某工程咨询有限公司',
      12_800_000,
      '2027-01-04',
      '2027-01-06',
      '2027-01-27 09:30',
      '',
      '',
    ],
    [
      'XXCG-2027-102',
      '州人民医院医疗设备采购',
      '政府采购',
      '采购科',
      '湘西州人民医院',
      '',
      '4,200,000',
      new Date(Date.UTC(2027, 0, 5)),
      '2027/1/8',
      new Date(Date.UTC(2027, 0, 29, 14, 0)),
      '',
      '',
    ],
    [],
    ['XXTD-2027-103', '花垣县矿业权挂牌出让', '土地矿产', 'resources', '花垣县自然资源局', null, null, '2027年1月6日', null, null, null, null],
  ]);
  // a dry run checks and writes nothing
  const dry = await gen.postFile('/api/projects/import?dryRun=true', 'projects.xlsx', good);
  expect(dry.status).toBe(200);
  expect(dry.body).toEqual({ imported: 0, ids: ['XXGC-2027-101', 'XXCG-2027-102', 'XXTD-2027-103'] });
  expect(await find(gen, 'q=XXGC-2027-101')).toHaveLength(0);

  const r = await gen.postFile('/api/projects/import', 'projects.xlsx', good);
  expect(r.status).toBe(200);
  expect(r.body.imported).toBe(3);
  const [p] = await find(gen, 'q=XXCG-2027-102');
  expect(p).toMatchObject({
    name: '州人民医院医疗设备采购',
    kind: '政府采购',
    section: 'procurement',
    budget: 4_200_000,
    registeredOn: '2027-01-05',
    noticeOn: '2027-01-08',
    stage: 'registered',
    source: 'import',
    createdBy: 'gen1',
  });
  // the sheet's wall time is Beijing time
  expect(p.openingAt).toBe('2027-01-29T06:00:00.000Z');
  expect((await find(gen, 'q=XXTD-2027-103'))[0]).toMatchObject({ section: 'resources', registeredOn: '2027-01-06', agent: null, budget: null });

  // wrong columns: the header is reported, nothing read
  const wrongColumns = await gen.postFile('/api/projects/import', 'x.xlsx', await sheet([['XXGC-2027-201', '某工程']], ['编号', '项目名称', '项目类型']));
  expect(wrongColumns.status).toBe(422);
  expect(wrongColumns.body.code).toBe('IMPORT_INVALID');
  const headerProblems = wrongColumns.body.details.map((d: Body) => `${d.row}:${d.column}`);
  expect(headerProblems).toEqual(expect.arrayContaining(['1:编号', '1:项目编号', '1:业务科室', '1:招标人/采购人']));

  // rows with problems: each named with its row and column; the good rows beside them are not imported either
  const bad = await sheet([
    ['XXGC-2027-301', '凤凰县古城排水改造工程', '工程建设', '工程科', '凤凰县住建局', '', 3_000_000, '2027-02-01', '', '', '', ''],
    ['XXGC-2027-302', '永顺县道路工程', '工程建设', '工程科', '永顺县交通局', '', '', '2027-02-10', '2027-02-03', '', '', ''], // notice before registration
    ['XXGC-2027-301', '重复编号的项目', '工程建设', '工程科', '某单位', '', '', '', '', '', '', ''], // repeats row 2
    ['XXGC-2027-101', '已登记过的项目', '工程建设', '工程科', '某单位', '', '', '', '', '', '', ''], // imported above
    ['XXCG-2027-305', '工程科办的采购', '政府采购', '工程科', '某单位', '', '', '', '', '', '', ''], // kind and section disagree
    ['XXGC-2027-306', '日期写错', '工程建设', '工程科', '某单位', '', '一百万', '2027-02-30', '', '', '', ''],
    ['XX GC/307', '', '水利工程', '工程科', '', '', '', '', '', '', '', ''],
  ]);
  const refused = await gen.postFile('/api/projects/import', 'bad.xlsx', bad);
  expect(refused.status).toBe(422);
  const by = (row: number) => refused.body.details.filter((d: Body) => d.row === row).map((d: Body) => d.column);
  expect(by(2)).toEqual([]);
  expect(by(3)).toEqual(['公告日期']);
  expect(by(4)).toEqual(['项目编号']);
  expect(refused.body.details.find((d: Body) => d.row === 4).message).toContain('第 2 行');
  expect(by(5)).toEqual(['项目编号']);
  expect(refused.body.details.find((d: Body) => d.row === 5).message).toContain('已登记');
  expect(by(6)).toEqual(['业务科室']);
  expect(by(7)).toEqual(expect.arrayContaining(['预算金额（元）', '登记日期']));
  expect(by(8)).toEqual(expect.arrayContaining(['项目编号', '项目名称', '项目类型', '招标人/采购人']));
  for (const d of refused.body.details) expect(d.message && d.messageEn).toBeTruthy();
  expect(await find(gen, 'q=XXGC-2027-301')).toHaveLength(0);

  // not a sheet at all
  const notSheet = await gen.postFile('/api/projects/import', 'x.xlsx', Buffer.from('not a workbook'));
  expect(notSheet.status).toBe(422);
  expect(notSheet.body.code).toBe('IMPORT_NOT_XLSX');
});

test('registering by hand: the business section its own kind, the register rules, numbers once, edits over another refused', async () => {
  const eng = await s.login('eng_head');
  const entry = {
    name: '保靖县人民医院住院楼工程',
    kind: '工程建设',
    section: 'engineering',
    tenderer: '保靖县人民医院',
    budget: 56_000_000,
    registeredOn: '2027-03-01',
  };
  const made = await eng.post('/api/projects', { id: 'XXGC-2027-401', ...entry });
  expect(made.status).toBe(201);
  expect(made.body.project).toMatchObject({ id: 'XXGC-2027-401', version: 1, stage: 'registered', source: 'register', createdBy: 'eng_head' });
  // the same number again
  expect((await eng.post('/api/projects', { id: 'XXGC-2027-401', ...entry })).body.code).toBe('PROJECT_EXISTS');
  // another section's project
  const other = await eng.post('/api/projects', { id: 'XXCG-2027-402', ...entry, kind: '政府采购', section: 'procurement' });
  expect(other.status).toBe(403);
  // rules: the kind's section, dates in order
  const wrong = await gen.post('/api/projects', { id: 'XXGC-2027-403', ...entry, section: 'procurement', noticeOn: '2027-02-01' });
  expect(wrong.status).toBe(422);
  expect(wrong.body.details.map((d: Body) => d.field).sort()).toEqual(['noticeOn', 'section']);
  // a field the schema refuses
  expect((await gen.post('/api/projects', { id: 'XXGC-2027-404', ...entry, budget: -1 })).body.code).toBe('INVALID_BODY');
  // supervision does not register projects
  expect((await (await s.login('sup1')).post('/api/projects', { id: 'XXGC-2027-405', ...entry })).status).toBe(403);

  // an edit bumps the version and is in the trail; an edit over a version since changed is refused
  const edited = await eng.put('/api/projects/XXGC-2027-401', { ...entry, stage: 'accepted', noticeOn: '2027-03-05', version: 1 });
  expect(edited.status).toBe(200);
  expect(edited.body.project).toMatchObject({ version: 2, stage: 'accepted', noticeOn: '2027-03-05', updatedBy: 'eng_head' });
  const stale = await gen.put('/api/projects/XXGC-2027-401', { ...entry, name: '改名', version: 1 });
  expect(stale.status).toBe(409);
  expect(stale.body.code).toBe('PROJECT_CHANGED');
  const trail = (await (await s.login('admin')).get('/api/audit?action=project.updated')).body.items as Body[];
  expect(trail.find((e) => e.data.projectId === 'XXGC-2027-401')?.data.changed).toMatchObject({ stage: { before: 'registered', after: 'accepted' } });
});

test("the e-trading system's push is idempotent by project number", async () => {
  const et = await s.login('etrade');
  const pushed = {
    name: '龙山县自来水厂扩建工程',
    kind: '工程建设',
    section: 'engineering',
    tenderer: '龙山县水务局',
    agent: '湖南某招标公司',
    budget: 9_900_000,
    registeredOn: '2027-03-10',
  };
  const first = await et.put('/api/projects/XXGC-2027-501', pushed);
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({ created: true, project: { version: 1, source: 'push' } });
  const again = await et.put('/api/projects/XXGC-2027-501', pushed);
  expect(again.body).toMatchObject({ created: false, project: { version: 1 } });
  const changed = await et.put('/api/projects/XXGC-2027-501', {
    ...pushed,
    openingAt: '2027-04-02T09:30:00+08:00',
    stage: 'announced',
    noticeOn: '2027-03-12',
  });
  expect(changed.body).toMatchObject({ created: false, project: { version: 2, stage: 'announced', openingAt: '2027-04-02T01:30:00.000Z' } });
  expect((await gen.get('/api/projects?q=龙山县自来水厂')).body.total).toBe(1);
  // the push is checked like any entry
  expect((await et.put('/api/projects/XXGC-2027-502', { ...pushed, kind: '国有产权' })).status).toBe(422);
});

test('search and filters: words, kind, section, stage, sorting and pages', async () => {
  const eng = (await gen.get('/api/projects?section=engineering&pageSize=200')).body;
  expect(eng.items.length).toBeGreaterThanOrEqual(4);
  expect(eng.items.every((p: Body) => p.section === 'engineering')).toBe(true);
  const words = await find(gen, `q=${encodeURIComponent('医院 工程')}`);
  expect(words.map((p) => p.id).sort()).toEqual(['XXGC-2026-001', 'XXGC-2027-401']);
  expect((await find(gen, `kind=${encodeURIComponent('土地矿产')}`)).map((p) => p.id).sort()).toEqual(['XXTD-2026-003', 'XXTD-2027-103']);
  expect((await find(gen, 'stage=accepted')).map((p) => p.id).sort()).toEqual(['XXGC-2026-002', 'XXGC-2027-401']);
  const byBudget = await find(gen, 'sort=-budget&pageSize=2');
  expect(byBudget.map((p) => p.id)).toEqual(['XXGC-2026-001', 'XXGC-2027-401']);
  const page2 = (await gen.get('/api/projects?sort=id&pageSize=2&page=2')).body;
  expect(page2.page).toBe(2);
  expect(page2.items).toHaveLength(2);
  expect(page2.total).toBeGreaterThan(6);
  expect((await gen.get('/api/projects?stage=nonsense')).body.code).toBe('INVALID_QUERY');
});

test("a project's page: its entry, the flows on it as each reader may see them, its archives", async () => {
  const witness = await s.login('witness1');
  const started = await witness.post('/api/process-instances', anomalyReport('保靖县人民医院住院楼开标现场异常', 'XXGC-2027-401'));
  expect(started.status).toBe(201);
  const page = (await witness.get('/api/projects/XXGC-2027-401')).body;
  expect(page.project).toMatchObject({ id: 'XXGC-2027-401', stage: 'accepted' });
  expect(page.editable).toBe(true);
  expect(page.instances.map((i: Body) => i.id)).toEqual([started.body.id]);
  expect(page.instances[0]).toMatchObject({ processId: 'anomaly-escalation', state: 'active' });
  // a report is shown to whom it may be shown: not to the front desk, which has no part in it
  const front = (await gen.get('/api/projects/XXGC-2027-401')).body;
  expect(front.editable).toBe(true);
  expect(front.instances).toEqual([]);
  // a demo project's archive hangs on it
  expect((await gen.get('/api/projects/XXGC-2026-001')).body.archives.map((a: Body) => a.id)).toEqual(['DA-XXGC-2025-031']);
  // another business section reads but may not edit
  expect((await (await s.login('proc1')).get('/api/projects/XXGC-2027-401')).body.editable).toBe(false);
  // an external applicant sees the public fields only, no archives, no flows not theirs
  const ext = (await (await s.login('external1')).get('/api/projects/XXGC-2027-401')).body;
  expect(ext.project.budget).toBeUndefined();
  expect(ext.project.createdBy).toBeUndefined();
  expect(ext.archives).toEqual([]);
  expect(ext.instances).toEqual([]);
  expect((await gen.get('/api/projects/NO-SUCH-1')).status).toBe(404);
});

test('an import cut short by a stop is finished, whole, when the system starts again', async () => {
  const db = s.db;
  // what an import writes down before it registers anything, left by a process killed right after
  const rows = ['XXGC-2027-601', 'XXGC-2027-602'].map((id, i) => ({
    id,
    input: { name: `中断导入的项目${i + 1}`, kind: '工程建设', section: 'engineering', tenderer: '古丈县住建局' },
  }));
  const by = (await gen.get('/api/me')).body;
  await db.collection('project_imports_pending').insertOne({ _id: 'cut-short-import' as never, by, at: new Date(), rows });
  // one of them had been written before the stop
  await db.collection('projects').insertOne({
    _id: 'XXGC-2027-601' as never,
    name: '中断导入的项目1',
    kind: '工程建设',
    section: 'engineering',
    tenderer: '古丈县住建局',
    stage: 'registered',
    source: 'import',
    version: 1,
    status: 'active',
    createdAt: new Date(),
  });
  await s.halt();
  s = await startServer('project_register', { DEMO_DATA: 'true' }, db);
  gen = await s.login('gen1');
  expect((await find(gen, `q=${encodeURIComponent('中断导入')}`)).map((p) => p.id)).toEqual(['XXGC-2027-601', 'XXGC-2027-602']);
  expect(await db.collection('project_imports_pending').countDocuments({})).toBe(0);
  const trail = (await (await s.login('admin')).get('/api/audit?action=project.imported')).body.items as Body[];
  expect(trail.some((e) => e.data.importId === 'cut-short-import' && e.data.count === 2)).toBe(true);
});
