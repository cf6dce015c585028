/**
 * Supervision and evaluation in a browser: 监督科 enters an anomaly in the anomaly register (表六)
 * and adds its result on the item's page; 综合科 evaluates an agent on the evaluation form (表一);
 * 信息科 fills the daily patrol checklist (表五); a party rates the service on a phone by the code
 * on the session sheet (表三); anyone reads the credit disclosure once the bulletin is published.
 */
import type { Browser } from 'playwright-core';
import { claimAndComplete, eventually, reportAnomaly, taskAt, type Body, type TestServer } from '../harness';
import { describeInBrowser, expectAccessible, shot, signIn } from './browser';

describeInBrowser('supervision and evaluation in a browser', 'browser_supervision', (ctx) => {
  let s: TestServer;
  let browser: Browser;
  beforeAll(() => {
    s = ctx.server();
    browser = ctx.browser();
  });

  test('监督科 enters an anomaly in 表六 and adds its result on the item page', async () => {
    const sup = await signIn(browser, s.base, 'sup1');
    await sup.locator('nav li', { hasText: /^\s*台账\s*$/ }).click();
    await sup.waitForURL('**/ledgers/anomaly-file');
    await sup.getByRole('heading', { name: '表六 电子异常档案' }).waitFor();
    await sup.getByTestId('l-enter').click();
    await sup.getByTestId('le-projectId').fill('XXGC-2026-002');
    await sup.getByTestId('le-projectName').fill('吉首市第二中学教学楼建设工程');
    await sup.getByTestId('le-foundAt').fill('2026-12-01T10:30');
    await sup.getByTestId('le-origin').click();
    await sup.locator('nz-option-item', { hasText: '现场监督' }).click();
    await sup.getByTestId('le-found').fill('评标室内发现未登记的移动存储设备');
    await sup.getByTestId('le-measure').click();
    await sup.locator('nz-option-item', { hasText: '制止' }).click();
    await sup.getByTestId('le-submit').click();
    const row = sup.locator('[data-testid^="l-row-YC-"]', { hasText: '评标室内发现未登记的移动存储设备' });
    await row.waitFor();
    await shot(sup, '31-anomaly-register');
    await expectAccessible(sup, 'anomaly register');
    await row.locator('a').first().click();
    await sup.getByTestId('li-values').getByText('评标室内发现未登记的移动存储设备').waitFor();
    await sup.getByTestId('li-add').click();
    await sup.getByTestId('le-result').fill('设备已暂扣，当事人写出情况说明');
    await sup.getByTestId('le-submit').click();
    await sup.getByTestId('li-values').getByText('设备已暂扣，当事人写出情况说明').waitFor();
    await shot(sup, '32-anomaly-item');
    await expectAccessible(sup, 'anomaly item');
  });

  test('综合科 evaluates the agent of an archived project on the evaluation form', async () => {
    const et = await s.login('etrade');
    const body = { name: '乾州污水管网改造', kind: '工程建设', section: 'engineering', tenderer: '吉首市住建局', agent: '湘西正衡项目管理有限公司' };
    await et.put('/api/projects/XXGC-2026-401', body);
    await et.put('/api/projects/XXGC-2026-401', { ...body, stage: 'archived' });
    const api = await s.login('gen1');
    const task = await eventually(
      async () =>
        ((await api.get('/api/tasks?view=unclaimed')).body.items as Body[]).find(
          (t) => t.processId === 'agent-evaluation' && t.title.includes('乾州污水管网改造'),
        ),
      10_000,
      'the evaluation task',
    );
    const gen = await signIn(browser, s.base, 'gen1');
    await gen.goto(`${s.base}/tasks/${task.id}`);
    await gen.getByTestId('claim').click();
    await gen.getByText('湘西正衡项目管理有限公司').first().waitFor();
    await gen.getByLabel('项目负责人').fill('龙某');
    await gen.getByLabel(/考评得分/).fill('78');
    await gen.locator('.fjs-form-field-select .fjs-input-group').first().click();
    await gen.locator('.fjs-dropdownlist-item', { hasText: /^合格$/ }).click();
    await gen.getByLabel(/有不良行为/).check();
    await gen.getByLabel(/不良行为情况/).fill('未按时提交项目档案');
    await gen.getByLabel(/考评意见/).fill('基本履约，档案提交滞后');
    await shot(gen, '33-agent-evaluation');
    await expectAccessible(gen, 'agent evaluation form');
    await gen.getByTestId('complete').click();
    await eventually(
      async () =>
        ((await api.get('/api/ledgers/agent-evaluation')).body.items as Body[]).find(
          (i) => i.values.projectId === 'XXGC-2026-401' && i.values.irregularDesc === '未按时提交项目档案',
        ),
      10_000,
      'the evaluation in 表一',
    );
  });

  test('综合科 registers an agent and its staff in the agent register', async () => {
    const gen = await signIn(browser, s.base, 'gen1');
    await gen.locator('nav li', { hasText: /^\s*代理机构\s*$/ }).click();
    await gen.getByTestId('ag-new').click();
    await gen.getByTestId('ag-id').fill('91433100MA4L0XY22K');
    await gen.getByTestId('ag-name').fill('湘西正衡项目管理有限公司');
    await gen.getByTestId('ag-licence').fill('湘招代备 2023-017');
    await gen.getByTestId('ag-add-staff').click();
    await gen.getByTestId('ag-staff-name-0').fill('龙某');
    await gen.getByTestId('ag-save').click();
    await gen.getByTestId('ag-91433100MA4L0XY22K').getByText('湘西正衡项目管理有限公司').waitFor();
    await shot(gen, '37-agent-register');
    await expectAccessible(gen, 'agent register');
    const agent = (await (await s.login('gen1')).get('/api/agents/91433100MA4L0XY22K')).body;
    expect(agent.staff).toEqual([{ name: '龙某', role: '项目负责人', certificate: null, phone: null }]);
  });

  test('信息科 fills the patrol checklist of the day', async () => {
    const opened = (await s.system.duties.openDaily(new Date('2026-11-30T01:00:00Z')))!;
    const task = await taskAt(await s.login('it1'), opened.opened['security-patrol']!, 'patrol');
    const it = await signIn(browser, s.base, 'it1');
    await it.goto(`${s.base}/tasks/${task.id}`);
    await it.getByTestId('claim').click();
    for (const group of ['网络', '服务器', '数据库', '交易系统']) await it.locator('.fjs-form-field-radio', { hasText: group }).getByLabel('正常').check();
    await it.locator('.fjs-form-field-radio', { hasText: '驻场运维人员' }).getByLabel('在岗', { exact: true }).check();
    await it.getByLabel(/巡查情况/).fill('运行正常');
    await shot(it, '34-security-patrol');
    await expectAccessible(it, 'security patrol checklist');
    await it.getByTestId('complete').click();
    await eventually(
      async () =>
        ((await (await s.login('it1')).get('/api/ledgers/security-patrol?month=2026-11')).body.items as Body[]).some(
          (i) => i.instanceId === opened.opened['security-patrol'],
        ),
      10_000,
      'the patrol in 表五',
    );
  });

  test('a party rates the service on a phone by the code on the session sheet', async () => {
    const link = (await (await s.login('eng_head')).get('/api/projects/XXGC-2026-001/rating-link')).body;
    const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })).newPage();
    await phone.goto(`${s.base}${link.path}`);
    await phone
      .getByTestId('rate-card')
      .getByText(/XXGC-2026-001/)
      .waitFor();
    await phone.locator('label[nz-radio]', { hasText: '投标人（供应商）' }).click();
    await phone.getByTestId('rate-name').fill('湘西宏远建设有限公司');
    await phone.getByText('非常满意').click();
    await phone.getByTestId('rate-comment').fill('引导清楚，开标准时');
    await phone.locator('[data-testid=rate-send]:not([disabled])').waitFor();
    await shot(phone, '35-rating-phone');
    await expectAccessible(phone, 'rating page');
    await phone.getByTestId('rate-send').click();
    await phone.getByTestId('rate-done').waitFor();
    // the same party again: told it has rated
    await phone.goto(`${s.base}${link.path}`);
    await phone.getByTestId('rate-card').waitFor();
    await phone.locator('label[nz-radio]', { hasText: '投标人（供应商）' }).click();
    await phone.getByTestId('rate-name').fill('湘西宏远建设有限公司');
    await phone.getByText('满意', { exact: true }).click();
    await phone.getByTestId('rate-send').click();
    await phone.getByTestId('rate-error').getByText('该单位已评价过此项目').waitFor();
  });

  test('the credit page shows the months whose bulletin was published, and nothing else', async () => {
    const sup = await s.login('sup1');
    expect(
      (
        await sup.post('/api/ledgers/credit', {
          values: {
            subjectKind: '评标专家',
            subject: '向某',
            act: '评标中私下接触投标人',
            penalty: '暂停评标资格 6 个月',
            decidedOn: '2026-11-20',
            origin: '科室报告',
          },
        })
      ).status,
    ).toBe(201);
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${s.base}/credit`);
    await page.getByTestId('credit-empty').waitFor();
    // the November bulletin: drafted, reviewed, approved, published
    const opened = (await s.system.duties.openMonthly(new Date('2026-12-01T01:00:00Z')))!;
    const id = opened.opened.credit!;
    await claimAndComplete(sup, (await taskAt(sup, id, 'draft')).id, { bulletinText: '2026年11月不良行为月度通报：评标专家向某……' });
    const deputy = await s.login('deputy');
    await claimAndComplete(deputy, (await taskAt(deputy, id, 'review')).id, { reviewDecision: 'pass' });
    const director = await s.login('director');
    await claimAndComplete(director, (await taskAt(director, id, 'approve')).id, { approveDecision: 'approve' });
    await eventually(async () => (await s.anonymous().get('/api/public/credit')).body.month === '2026-11', 10_000, 'published');
    await page.reload();
    await page.getByTestId('credit-table').getByText('评标中私下接触投标人').waitFor();
    await shot(page, '36-credit-page');
    await expectAccessible(page, 'credit page');
    // the staff's list of signed bulletins, each with its 文号 and the official document
    const staff = await signIn(browser, s.base, 'sup1');
    await staff.goto(`${s.base}/ledgers/credit`);
    await staff.getByTestId('l-bulletins').click();
    await staff
      .getByTestId('bulletin-list')
      .getByText(/湘西交易通报〔\d{4}〕\d+号 2026年11月不良行为月度通报/)
      .waitFor();
    await shot(staff, '38-bulletins');
    await expectAccessible(staff, 'signed bulletins');
  });

  test("the office's dispatch records and a published report's public page", async () => {
    const [witness, head, sup, officeHead, director, office] = await Promise.all(
      ['witness1', 'eng_head', 'sup1', 'office_head', 'director', 'office1'].map((u) => s.login(u)),
    );
    const id = await reportAnomaly(witness, '开标现场电子评标系统短时故障');
    await claimAndComplete(head, (await taskAt(head, id, 'ack')).id, {});
    await claimAndComplete(sup, (await taskAt(sup, id, 'verify')).id, { verifyResult: 'substantiated', verifyFindings: '属实' });
    await claimAndComplete(sup, (await taskAt(sup, id, 'draft_sup')).id, {
      reportBackground: '12 月 1 日上午，第二开标室电子评标系统故障 15 分钟。',
      reportDevelopment: '技术人员到场排查，系交换机端口故障。',
      reportHandling: '更换设备后恢复评标，评标结果未受影响。',
    });
    await claimAndComplete(officeHead, (await taskAt(officeHead, id, 'review')).id, { reviewDecision: 'approve' });
    await claimAndComplete(director, (await taskAt(director, id, 'sign')).id, { signDecision: 'sign' });
    await claimAndComplete(office, (await taskAt(office, id, 'issue')).id, { issueCopies: 3 });
    await claimAndComplete(sup, (await taskAt(sup, id, 'classify')).id, { classification: 'public', classifyOpinion: '可公开' });
    await eventually(async () => (await s.anonymous().get(`/api/public/special-reports/${id}`)).status === 200, 10_000, 'published');

    const page = await signIn(browser, s.base, 'office1');
    await page.locator('nav li', { hasText: /^\s*印发记录\s*$/ }).click();
    await page.getByTestId('dispatch-table').getByText('开标现场电子评标系统短时故障').waitFor();
    await shot(page, '39-dispatch-records');
    await expectAccessible(page, 'dispatch records');

    const reader = await (await browser.newContext()).newPage();
    await reader.goto(`${s.base}/reports`);
    await reader.getByTestId('report-list').getByText('开标现场电子评标系统短时故障').click();
    await reader.getByTestId('report-detail').getByText('更换设备后恢复评标，评标结果未受影响。').waitFor();
    await shot(reader, '40-public-report');
    await expectAccessible(reader, 'public report');
  });
});
