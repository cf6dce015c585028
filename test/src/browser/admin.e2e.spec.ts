/**
 * An admin redraws a diagram in the browser (bpmn-js modeler with Camunda 8 properties), sees it
 * checked as they go, deploys it, and a new instance takes the new version — no code change.
 */
import type { Browser } from 'playwright-core';
import { taskAt, claimAndComplete, type TestServer, requestArchive } from '../harness';
import { describeInBrowser, expectAccessible, shot, signIn, takeConsoleProblems, openAdminPage } from './browser';

describeInBrowser('process design in a browser', 'browser_admin', (ctx) => {
  let s: TestServer;
  let browser: Browser;
  beforeAll(() => {
    s = ctx.server();
    browser = ctx.browser();
  });

  test('rename a step in the modeler, deploy, and a new instance takes it', async () => {
    const admin = await signIn(browser, s.base, 'admin');
    await openAdminPage(admin, '流程设计');
    await admin.getByTestId('design-archive-lending').waitFor();
    await expectAccessible(admin, 'admin processes');
    await admin.getByTestId('design-archive-lending').click();
    const step = admin.locator('[data-element-id="approve"]');
    await step.waitFor();
    await admin
      .getByTestId('problems')
      .getByText(/检查结果/)
      .waitFor();
    await expectAccessible(admin, 'admin designer');

    // rename the approval step by editing its label on the canvas
    await step.dblclick();
    await admin.keyboard.press('Control+A');
    await admin.keyboard.type('中心领导审批（新版）');
    await admin
      .locator('[data-testid="modeler"] svg')
      .first()
      .click({ position: { x: 5, y: 5 } });
    await admin.locator('[data-element-id="approve"]', { hasText: '新版' }).waitFor();
    await shot(admin, '07-admin-modeler');

    await admin.getByTestId('deploy').click();
    await admin.getByTestId('deployed').getByText('archive-lending v2').waitFor();
    await shot(admin, '08-admin-deployed');

    // a request started now runs on version 2 and meets the renamed step
    const ext = await s.login('external1');
    const started = await requestArchive(ext, {
      archiveId: 'DA-XXGC-2025-031',
      requesterUnit: '州住建局',
      officerName: '吴监管',
      purpose: '核查',
      requestedDays: 2,
    });
    expect(started.body.version).toBe(2);
    const sup = await s.login('sup1');
    await claimAndComplete(sup, (await taskAt(sup, started.body.id, 'check')).id, { checkDecision: 'pass' });
    const approve = await taskAt(await s.login('deputy'), started.body.id, 'approve');
    expect(approve.name).toBe('中心领导审批（新版）');

    // the monitor shows the instance where it is, on version 2
    await openAdminPage(admin, '流程监控');
    await admin.getByTestId(`instance-${started.body.id}`).waitFor();
    await expectAccessible(admin, 'admin instances');
    await admin.getByTestId(`instance-${started.body.id}`).click();
    await admin.getByTestId('diagram').locator('[data-element-id="approve"].current').waitFor();
    await admin.getByTestId('token-approve').getByText('1').waitFor();
    await shot(admin, '12-admin-instance');
    await expectAccessible(admin, 'admin instance');

    // the form editor: change a label of the verification form and save a new version
    await openAdminPage(admin, '表单设计');
    await admin.getByTestId('edit-form-anomaly-verify').waitFor();
    await expectAccessible(admin, 'admin forms');
    await admin.getByTestId('edit-form-anomaly-verify').click();
    await admin.getByTestId('form-editor').locator('.fjs-form-field').first().waitFor();
    await shot(admin, '13-admin-form-editor');
    await expectAccessible(admin, 'admin form designer');
    await admin.getByTestId('save-form').click();
    await admin.getByTestId('form-saved').waitFor();
    const saved = (await (await s.login('admin')).get('/api/forms')).body.items.find((f: { id: string }) => f.id === 'anomaly-verify');
    expect(saved.version).toBeGreaterThanOrEqual(1);

    // people: add a colleague to the general section
    await openAdminPage(admin, '人员管理');
    await admin.getByTestId('new-id').fill('gen2');
    await admin.getByTestId('new-name').fill('石综合');
    // a password built on the username is refused, with the reason
    await admin.getByTestId('new-password').fill('gen2-password');
    await admin.getByTestId('create-user').click();
    await admin.getByText(/密码强度不足：不能包含用户名或姓名/).waitFor();
    await admin.getByTestId('new-password').fill('Willow-Ember-350');
    await admin.getByTestId('create-user').click();
    await admin.getByTestId('user-gen2').waitFor();
    await shot(admin, '18-admin-users');
    await expectAccessible(admin, 'admin users');

    // the new colleague signs in and must first choose a password of their own
    const gen2 = await signIn(browser, s.base, 'gen2', 'Willow-Ember-350', '**/password');
    await gen2.getByText('您的密码由管理员设置').waitFor();
    await shot(gen2, '18b-first-sign-in-password');
    await expectAccessible(gen2, 'choose a password');
    // other pages are not theirs yet
    await gen2.goto(`${s.base}/inbox`);
    await gen2.waitForURL('**/password');
    await gen2.fill('#current', 'Willow-Ember-350');
    await gen2.fill('#next', 'Copper-Lagoon-417');
    await gen2.fill('#again', 'Copper-Lagoon-417');
    await gen2.click('button[type=submit]');
    await gen2.waitForURL('**/inbox');
    await gen2.getByTestId('current-user').getByText('石综合').waitFor();
    await gen2.context().close();
    expect((await s.anonymous().post('/api/auth/login', { username: 'gen2', password: 'Copper-Lagoon-417' })).status).toBe(200);

    // the calendar: next year's New Year's Day, which the official data may not hold yet
    await openAdminPage(admin, '工作日历');
    await admin.getByTestId('cal-date').fill('2027-01-01');
    await admin.getByTestId('cal-name').fill('元旦');
    await admin.getByTestId('cal-save').click();
    await admin.getByTestId('day-2027-01-01').getByText('元旦').waitFor();
    await shot(admin, '19-admin-calendar');
    await expectAccessible(admin, 'admin calendar');

    // the audit trail: the designer shows the redraw was the admin's; the chain verifies against its signed checkpoints
    await openAdminPage(admin, '流程设计');
    await admin.getByTestId('origin-archive-lending').getByText('管理员重绘').waitFor();
    await admin.click('text=审计');
    await admin.getByTestId('audit-verify').click();
    await admin.getByTestId('audit-result').getByText('审计链完整').waitFor();
    await shot(admin, '20-admin-audit');
    await expectAccessible(admin, 'admin audit');
  });

  test('the content security policy is on: an injected inline script does not run, and the refusal is caught', async () => {
    const page = await signIn(browser, s.base, 'sup1');
    const headers = (await page.request.get(`${s.base}/inbox`)).headers();
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('same-origin');
    const ran = await page.evaluate(async () => {
      const el = document.createElement('script');
      el.textContent = 'window.injected = true';
      document.body.appendChild(el);
      await new Promise((r) => setTimeout(r, 200));
      return (window as unknown as { injected?: boolean }).injected === true;
    });
    expect(ran).toBe(false);
    // the violation is what the watch on every screen would have failed the test for
    expect(takeConsoleProblems().some((p) => /Content Security Policy/i.test(p))).toBe(true);
    await page.context().close();
  });
});
