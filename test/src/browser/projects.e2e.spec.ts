/**
 * The project register in a browser: 综合科 imports a sheet (a bad one first, reported row by row),
 * finds the projects by words and filters, registers one by hand, and the business section edits it
 * on the project's page.
 */
import type { Browser } from 'playwright-core';
import type { TestServer } from '../harness';
import { sheet } from '../sheets';
import { describeInBrowser, expectAccessible, shot, signIn } from './browser';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describeInBrowser('the project register in a browser', 'browser_projects', (ctx) => {
  let s: TestServer;
  let browser: Browser;
  beforeAll(() => {
    s = ctx.server();
    browser = ctx.browser();
  });

  test('import a sheet (a bad one first), search, register by hand, edit on the project page', async () => {
    const gen = await signIn(browser, s.base, 'gen1');
    await gen.locator('nav li', { hasText: /^\s*项目\s*$/ }).click();
    await gen.getByTestId('project-XXGC-2026-001').waitFor();
    await expectAccessible(gen, 'project register');

    // a sheet with problems: listed row by row, nothing imported
    await gen.getByTestId('project-import').click();
    const template = gen.waitForEvent('download');
    await gen.getByTestId('import-template').click();
    expect((await template).suggestedFilename()).toBe('项目导入模板.xlsx');
    await gen.getByTestId('import-file').setInputFiles({
      name: '项目.xlsx',
      mimeType: XLSX,
      buffer: await sheet([
        ['XXGC-2027-701', '古丈县茶叶产业园道路工程', '工程建设', '工程科', '古丈县农业农村局', '', 6_500_000, '2027-02-01', '2027-01-20', '', '', ''],
        ['XXGC-2027-701', '重复', '工程建设', '工程科', '某单位', '', '', '', '', '', '', ''],
      ]),
    });
    await gen.getByTestId('import-problems').getByText('与第 2 行重复').waitFor();
    await gen
      .getByTestId('import-problems')
      .getByText(/公告日期（2027-01-20）早于登记日期/)
      .waitFor();
    await shot(gen, '21-project-import-problems');
    await expectAccessible(gen, 'project import with problems');

    // the corrected sheet: checked, then imported
    await gen.getByTestId('import-file').setInputFiles({
      name: '项目.xlsx',
      mimeType: XLSX,
      buffer: await sheet([
        [
          'XXGC-2027-701',
          '古丈县茶叶产业园道路工程',
          '工程建设',
          '工程科',
          '古丈县农业农村局',
          '',
          6_500_000,
          '2027-02-01',
          '2027-02-03',
          '2027-02-25 09:30',
          '',
          '',
        ],
        ['XXCG-2027-702', '州档案馆密集架采购', '政府采购', '采购科', '湘西州档案馆', '湘西众诚招标代理有限公司', 880_000, '2027-02-02', '', '', '', ''],
      ]),
    });
    await gen.getByTestId('import-checked').getByText('检查通过：2 个项目可以导入').waitFor();
    await gen.getByTestId('import-run').click();
    await gen.getByTestId('import-done').getByText('已导入 2 个项目').waitFor();
    await gen.keyboard.press('Escape');

    // found by words and by kind
    await gen.getByTestId('project-q').fill('茶叶');
    await gen.getByTestId('project-search').click();
    await gen.getByTestId('project-XXGC-2027-701').waitFor();
    await gen.getByTestId('project-XXGC-2026-001').waitFor({ state: 'detached' });
    expect(await gen.getByTestId('projects-table').locator('tbody tr').count()).toBe(1);
    await gen.getByTestId('project-q').fill('');
    await gen.getByTestId('project-kind').click();
    await gen.locator('.ant-select-item-option', { hasText: '政府采购' }).click();
    await gen.getByTestId('project-XXCG-2027-702').waitFor();
    await gen.keyboard.press('Escape');
    await shot(gen, '22-project-register');

    // registered by hand
    await gen.getByTestId('project-new').click();
    await gen.getByTestId('p-id').fill('XXGC-2027-703');
    await gen.getByTestId('p-name').fill('永顺县老司城游客中心建设工程');
    await gen.getByTestId('p-tenderer').fill('永顺县文化旅游广电局');
    await gen.getByTestId('p-agent').fill('湖南德信项目管理有限公司');
    await gen.getByTestId('p-budget').locator('input').fill('21000000');
    await expectAccessible(gen, 'project form');
    await gen.getByTestId('project-save').click();
    await gen.waitForURL('**/projects/XXGC-2027-703');
    await gen.getByTestId('project-title').getByText('永顺县老司城游客中心建设工程').waitFor();

    // the business section edits it on its page
    const eng = await signIn(browser, s.base, 'eng_head');
    await eng.goto(`${s.base}/projects/XXGC-2027-703`);
    await eng.getByTestId('project-edit').click();
    await eng.getByTestId('p-stage').click();
    await eng.locator('.ant-select-item-option', { hasText: '已受理' }).click();
    await eng.getByTestId('project-save').click();
    await eng.getByTestId('project-stage-tag').getByText('已受理').waitFor();
    // the drawer closes (its content may stay in the page, off screen, once closed)
    await eng.locator('.ant-drawer-open').waitFor({ state: 'detached' });
    await shot(eng, '23-project-page');
    await expectAccessible(eng, 'project page');
    const stored = (await (await s.login('gen1')).get('/api/projects/XXGC-2027-703')).body.project;
    expect(stored).toMatchObject({ stage: 'accepted', version: 2, updatedBy: 'eng_head', budget: 21_000_000, agent: '湖南德信项目管理有限公司' });
  });
});
