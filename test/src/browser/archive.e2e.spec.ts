/**
 * Archive lending through the browser, across users: the applicant files the request with its
 * proof, supervision checks it, the deputy approves, and the applicant reads the archive,
 * watermarked with their name.
 */
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { PDF, type TestServer } from '../harness';
import { describeInBrowser, expectAccessible, shot, signIn, claimFromInbox } from './browser';

describeInBrowser('archive lending in a browser', 'browser_archive', (ctx) => {
  let s: TestServer;
  let browser: Browser;
  beforeAll(() => {
    s = ctx.server();
    browser = ctx.browser();
  });

  test('request, check, approve and read the archive', async () => {
    // the applicant files the request with the unit's proof
    const ext = await signIn(browser, s.base, 'external1');
    await ext.click('text=发起');
    await ext.getByTestId('start-archive-lending').click();
    await ext.locator('.fjs-form').waitFor();
    await ext.locator('.fjs-form-field-select input').first().click();
    await ext.locator('.fjs-dropdownlist-item', { hasText: 'DA-XXGC-2025-031' }).first().click();
    await ext.getByLabel('申请单位').fill('湘西州住房和城乡建设局');
    await ext.getByLabel('经办人').fill('吴监管');
    await ext.getByLabel('调阅事由').fill('核查中标人资格条件');
    await ext.locator('nz-select.category').click();
    await ext.locator('.ant-select-item-option', { hasText: '单位证明' }).click();
    await ext.getByTestId('file').setInputFiles({ name: '单位证明.pdf', mimeType: 'application/pdf', buffer: PDF });
    await ext.getByText('单位证明：单位证明.pdf').waitFor();
    // without the officer's ID it does not start (6.5.3), and says what is missing
    await ext.getByTestId('submit-start').click();
    await ext.getByText('缺少必须提交的材料：经办人身份证明').waitFor();
    await ext.locator('nz-select.category').click();
    await ext.locator('.ant-select-item-option', { hasText: '经办人身份证明' }).click();
    await ext.getByTestId('file').setInputFiles({ name: '身份证.pdf', mimeType: 'application/pdf', buffer: PDF });
    await ext.getByText('经办人身份证明：身份证.pdf').waitFor();
    await shot(ext, '09-start-archive-external1');
    await expectAccessible(ext, 'start form with attachments');
    await ext.getByTestId('submit-start').click();
    await ext.waitForURL('**/inbox**');

    // supervision checks it
    const sup = await signIn(browser, s.base, 'sup1');
    await claimFromInbox(sup, 'check');
    await sup.getByLabel('审查通过').check();
    await sup.getByTestId('complete').click();
    await sup.waitForURL('**/inbox');

    // the deputy approves two days
    const deputy = await signIn(browser, s.base, 'deputy');
    await claimFromInbox(deputy, 'approve');
    await deputy.getByLabel('同意借阅').check();
    await deputy.getByLabel('调阅期限（天）').fill('2');
    await deputy.getByLabel(/审批意见/).fill('同意调阅两天');
    await shot(deputy, '10-task-approve-deputy');
    await expectAccessible(deputy, 'task page, approval');
    await deputy.getByTestId('complete').click();
    await deputy.waitForURL('**/inbox');

    // the applicant is told in the app, live: the notice is counted on the header and reads in full
    await ext.getByTestId('unread-count').waitFor();
    await ext.getByTestId('notifications').click();
    const notices = ext.getByTestId('notification-list');
    await notices
      .locator('[data-kind="archive.granted"]')
      .getByText(/已开通只读网上调阅/)
      .waitFor();
    await shot(ext, '11a-notifications-external1');
    await expectAccessible(ext, 'notifications');
    await ext.getByTestId('read-all').click();
    await ext.getByTestId('unread-count').waitFor({ state: 'detached' });
    expect((await (await s.login('external1')).get('/api/notifications?unread=true')).body.unreadCount).toBe(0);
    await ext.getByTestId('notifications').click();

    // the applicant reads it, watermarked with their name
    await ext.click('text=档案调阅');
    await ext.getByTestId('read-DA-XXGC-2025-031').waitFor();
    await expectAccessible(ext, 'archives');
    await ext.getByTestId('read-DA-XXGC-2025-031').click();
    const reader = ext.getByTestId('archive-reader');
    await reader.getByText('开标').first().waitFor();
    await reader
      .getByText(/吴监管（external1）.*仅供调阅/)
      .first()
      .waitFor();
    await shot(ext, '11-archive-reader-external1');
    // the watermark is faint on purpose, so as not to hide the text; WCAG 1.4.3 exempts decoration
    await expectAccessible(ext, 'archive reader', { exclude: ['.marks'] });
    const views = (await (await s.login('sup1')).get('/api/archives/DA-XXGC-2025-031/views')).body.items;
    expect(views.filter((v: { borrower: string }) => v.borrower === 'external1').length).toBeGreaterThanOrEqual(1);

    // supervision reads the view log (调阅全程留痕) and exports it
    await sup.click('text=调阅记录');
    await sup.getByTestId('views-archive').click();
    await sup.locator('.ant-select-item-option', { hasText: 'DA-XXGC-2025-031' }).click();
    await sup.getByTestId('view-external1').first().getByText('吴监管（external1）').waitFor();
    await sup.getByRole('heading', { name: '档案调阅记录' }).click();
    await shot(sup, '11b-archive-view-log');
    await expectAccessible(sup, 'archive view log');
    const [download] = await Promise.all([sup.waitForEvent('download'), sup.getByTestId('views-export').click()]);
    expect(download.suggestedFilename()).toBe('调阅记录-DA-XXGC-2025-031.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('\ufeff"档案","调阅时间（北京时间）","调阅人","来源地址","授权"');
    expect(csv).toContain('"吴监管（external1） 湘西州住房和城乡建设局"');
    // the applicant has no such page
    expect(await ext.getByText('调阅记录').count()).toBe(0);
  });
});
