/**
 * Case assistance (复评复审) through the browser, to the end: the applicant files it missing one
 * material, is told once what to add, adds it on the task page; supervision audits, the director
 * approves, the engineering section re-reviews; the applicant sees it finished.
 */
import type { Browser, Page } from 'playwright-core';
import { PDF, claimAndComplete, eventually, taskAt, type TestServer } from '../harness';
import { describeInBrowser, expectAccessible, shot, signIn, claimFromInbox } from './browser';

async function pickCategory(page: Page, scope: string, label: string): Promise<void> {
  await page.locator(`${scope} nz-select.category`).click();
  await page.locator('.ant-select-item-option', { hasText: label }).click();
}

describeInBrowser('case assistance in a browser', 'browser_case', (ctx) => {
  let s: TestServer;
  let browser: Browser;
  beforeAll(() => {
    s = ctx.server();
    browser = ctx.browser();
  });

  test('re-review from request to outcome', async () => {
    const ext = await signIn(browser, s.base, 'external1');
    await ext.click('text=发起');
    await ext.getByTestId('start-case-assistance').click();
    await ext.locator('.fjs-form').waitFor();
    await ext.getByLabel('复评复审').check();
    await ext.getByLabel('申请单位').fill('湘西州住房和城乡建设局');
    await ext.getByLabel('经办人').fill('吴监管');
    await ext.getByLabel('联系电话').fill('0743-8221234');
    await ext.locator('.fjs-form-field-select input').first().click();
    await ext.locator('.fjs-dropdownlist-item', { hasText: 'XXGC-2026-001' }).first().click();
    await ext.getByLabel('案情及协助事项').fill('投诉人反映评标打分存在倾向性，请求复评。');
    await pickCategory(ext, 'app-start', '工作证复印件');
    await ext.getByTestId('file').setInputFiles({ name: '工作证.pdf', mimeType: 'application/pdf', buffer: PDF });
    await ext.getByText('工作证复印件：工作证.pdf').waitFor();
    await pickCategory(ext, 'app-start', '工作函原件');
    await ext.getByTestId('file').setInputFiles({ name: '工作函.pdf', mimeType: 'application/pdf', buffer: PDF });
    await ext.getByText('工作函原件（扫描件）：工作函.pdf').waitFor();
    await ext.getByTestId('submit-start').click();
    await ext.waitForURL('**/inbox**');

    // told once what is missing; the applicant adds it on the task page
    await ext.reload();
    await ext.getByTestId('task-supplement').first().click();
    await ext.getByTestId('attachments').waitFor();
    await pickCategory(ext, '[data-testid="attachments"]', '投诉质疑书');
    await ext.getByTestId('task-file').setInputFiles({ name: '投诉质疑书.pdf', mimeType: 'application/pdf', buffer: PDF });
    await ext.getByTestId('attachments').getByText('投诉质疑书.pdf').waitFor();
    await shot(ext, '14-task-supplement-external1');
    await expectAccessible(ext, 'task page, supplement with attachments');
    // saved through a local URL: the file is fetched with the session's header, no token in a link
    const row = ext.getByTestId('attachments').locator('.file', { hasText: '投诉质疑书.pdf' });
    expect(await row.locator('a').first().getAttribute('href')).not.toContain('access_token');
    const [download] = await Promise.all([ext.waitForEvent('download'), row.getByText('下载').click()]);
    expect(download.suggestedFilename()).toBe('投诉质疑书.pdf');
    expect(download.url()).toMatch(/^blob:/);
    await ext.getByTestId('complete').click();
    await ext.waitForURL('**/inbox');

    const sup = await signIn(browser, s.base, 'sup1');
    await claimFromInbox(sup, 'audit');
    await sup.getByLabel('审核通过，呈主要领导审批').check();
    await sup
      .getByLabel(/审核意见/)
      .last()
      .fill('材料齐全');
    await sup.getByTestId('complete').click();
    await sup.waitForURL('**/inbox');

    const director = await signIn(browser, s.base, 'director');
    await claimFromInbox(director, 'approve');
    await director.getByLabel('同意', { exact: true }).check();
    await director
      .getByLabel(/审批意见/)
      .last()
      .fill('同意复评复审');
    await director.getByTestId('complete').click();
    await director.waitForURL('**/inbox');

    const witness = await signIn(browser, s.base, 'witness1');
    await claimFromInbox(witness, 'review_work');
    await witness.getByLabel('办理结果').fill('经复评，维持原评标结果');
    await shot(witness, '15-task-review-work-witness1');
    await expectAccessible(witness, 'task page, re-review');
    await witness.getByTestId('complete').click();
    await witness.waitForURL('**/inbox');

    // supervision writes the on-site supervision record (表六), and reads the year's in the browser
    const supApi = await s.login('sup1');
    const instanceId = (await supApi.get('/api/tasks?view=unclaimed&pageSize=100')).body.items.find(
      (t: { elementId: string }) => t.elementId === 'record_details',
    )?.instanceId;
    await claimAndComplete(supApi, (await taskAt(supApi, instanceId, 'record_details')).id, {
      recordAt: '2026-12-10T09:00',
      recordPlace: '开标室二',
      recordPresent: '监督科王监督、申请单位吴监管',
      recordMeasures: '调取录像，现场核对评分表',
    });
    await sup.click('text=监督记录');
    await sup.getByTestId('records-table').getByText('调取录像，现场核对评分表').waitFor();
    await shot(sup, '15b-supervision-records');
    await expectAccessible(sup, 'supervision records');
    const [table6] = await Promise.all([sup.waitForEvent('download'), sup.getByTestId('records-export').click()]);
    expect(table6.suggestedFilename()).toMatch(/^表六-现场监督执法过程记录-\d{4}\.csv$/);

    // the applicant's request is finished and they were told
    const api = await s.login('external1');
    const done = await eventually(
      async () => (await api.get('/api/notifications')).body.items.find((n: { kind: string }) => n.kind === 'case.done'),
      10_000,
      'told',
    );
    expect(done.body).toContain('维持原评标结果');
  });

  test('the general section receives the 告知书 with the request, and schedules the recording', async () => {
    const ext = await s.login('external1');
    const files = [await ext.upload('工作证.pdf', PDF, { category: 'work-id' }), await ext.upload('工作函.pdf', PDF, { category: 'letter' })];
    const r = await ext.post('/api/process-instances', {
      processId: 'case-assistance',
      variables: {
        requesterUnit: '湘西州住房和城乡建设局',
        officerName: '吴监管',
        officerPhone: '0743-8221234',
        projectId: 'XXGC-2026-001',
        caseSummary: '请求在开标室以外场所对询问过程录音录像。',
        recordingOutside: true,
        kind: 'assist',
      },
      attachmentIds: files.map((f) => f.body.id),
    });
    expect(r.status).toBe(201);
    const sup = await s.login('sup1');
    await claimAndComplete(sup, (await taskAt(sup, r.body.id, 'register')).id, {
      registerDecision: 'accept',
      assistSection: 'supervision',
      registerOpinion: '受理',
    });
    const director = await s.login('director');
    await claimAndComplete(director, (await taskAt(director, r.body.id, 'approve')).id, { approveDecision: 'approve', approveOpinion: '同意' });
    const gen = await signIn(browser, s.base, 'gen1');
    await claimFromInbox(gen, 'schedule_recording');
    await gen.getByText('录音录像告知书.txt').waitFor();
    await gen.getByLabel('地点').fill('询问室一');
    await shot(gen, '16-task-recording-schedule-general');
    await expectAccessible(gen, 'task page, recording schedule');
    await gen.context().close();
  });
});
