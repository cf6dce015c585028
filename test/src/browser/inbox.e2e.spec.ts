/**
 * The task inbox in a real browser: the witness reports an anomaly from the start page, the
 * engineering head sees it in 科室待认领, claims it and acknowledges it through the form, and
 * supervision finds the next step in its inbox — screenshots of each screen.
 */
import type { Browser } from 'playwright-core';
import { PDF, claimAndComplete, eventually, taskAt, type TestServer, requestArchive } from '../harness';
import { watchConsole, describeInBrowser, expectAccessible, shot, signIn, claimFromInbox } from './browser';

describeInBrowser('the inbox in a browser', 'browser', (ctx) => {
  let s: TestServer;
  let browser: Browser;
  beforeAll(() => {
    s = ctx.server();
    browser = ctx.browser();
  });

  jest.setTimeout(150_000);

  test('report, acknowledge and pass on an anomaly through the UI', async () => {
    // the witness starts a report from 发起
    const witness = await signIn(browser, s.base, 'witness1');
    await witness.getByTestId('current-user').getByText('张见证').waitFor();
    await witness.getByTestId('product-name').getByText('湘西州公共资源交易中心 · 流程系统').waitFor();
    expect(await witness.getAttribute('html', 'lang')).toBe('zh-CN');
    await shot(witness, '01-inbox-witness1');
    await expectAccessible(witness, 'inbox');
    await witness.click('text=发起');
    await witness.getByTestId('start-anomaly-escalation').waitFor();
    await expectAccessible(witness, 'start');
    await witness.getByTestId('start-anomaly-escalation').click();
    await witness.locator('.fjs-form').waitFor();
    await witness.locator('.fjs-form-field-select input').first().click();
    await witness.locator('.fjs-dropdownlist-item', { hasText: 'XXGC-2026-001' }).first().click();
    await witness.getByLabel('交易异常').check();
    await witness.getByLabel('标题').fill('浏览器测试：开标现场投标文件雷同');
    await witness.getByLabel(/异常情况/).fill('两家投标文件技术部分雷同，已封存。');
    await shot(witness, '02-start-form');
    await expectAccessible(witness, 'start form');
    await witness.getByTestId('submit-start').click();
    await witness.waitForURL('**/inbox**');

    // the engineering head sees it waiting for the section and acknowledges it
    const head = await signIn(browser, s.base, 'eng_head');
    await head.getByTestId('tab-unclaimed').click();
    await head.getByTestId('task-ack').first().waitFor();
    // the queue with work shows its count; the empty ones show none, rather than a red 0
    const badge = head.getByTestId('tab-unclaimed').locator('nz-badge');
    await badge.waitFor();
    expect(await badge.locator('.ant-scroll-number').getAttribute('title')).toBe('1');
    expect(await head.locator('[data-testid^="tab-"] nz-badge').count()).toBe(1);
    await shot(head, '03-inbox-unclaimed-eng_head');
    await expectAccessible(head, 'inbox, section queue');
    await head.getByTestId('task-ack').first().click();
    await head.getByTestId('claim').click();
    await head.getByTestId('complete').waitFor();
    await head.locator('.fjs-form textarea').first().fill('已确认，立即上报');
    // the diagram marks where the flow is now
    await head.getByTestId('diagram').locator('[data-element-id="ack"].current').waitFor();
    await shot(head, '04-task-ack');
    await expectAccessible(head, 'task page');
    await head.getByTestId('complete').click();
    await head.waitForURL('**/inbox');

    // supervision finds the verification in its inbox, without reloading
    const sup = await signIn(browser, s.base, 'sup1');
    await sup.getByTestId('tab-unclaimed').click();
    await sup.getByTestId('task-verify').first().waitFor({ timeout: 10_000 });
    await shot(sup, '05-inbox-unclaimed-sup1');
    await sup.getByTestId('task-verify').first().click();
    await sup.getByTestId('task-title').waitFor();
    await sup.locator('.ant-timeline-item', { hasText: '已确认，立即上报' }).waitFor();
    await shot(sup, '06-task-verify-timeline');
    await expectAccessible(sup, 'task page, not yet claimed');

    // supervision verifies and drafts; the office returns it once; supervision revises
    await sup.getByTestId('claim').click();
    await sup.getByLabel('属实', { exact: true }).check();
    await sup.getByLabel('核实及协调处置情况').fill('调取录像，两家投标文件雷同属实。');
    await sup.getByTestId('complete').click();
    await sup.waitForURL('**/inbox');
    await sup.getByTestId('tab-unclaimed').click();
    await sup.getByTestId('task-draft_sup').first().click();
    await sup.getByTestId('claim').click();
    await sup.getByLabel('背景').fill('项目基本情况');
    await sup.getByLabel('事情发展').fill('开标时发现雷同');
    await sup.getByLabel('处理过程').fill('已暂停项目');
    await sup.getByTestId('complete').click();
    await sup.waitForURL('**/inbox');

    const office = await signIn(browser, s.base, 'office1');
    await office.getByTestId('tab-unclaimed').click();
    await office.getByTestId('task-review').first().click();
    await office.getByTestId('claim').click();
    await office.getByTestId('actions').getByText('转办').click();
    await office.locator('nz-select.people').waitFor();
    await expectAccessible(office, 'task page, people picker');
    await office.getByTestId('return').click();
    await office.getByTestId('return-opinion').fill('处理过程请写明时间节点');
    await shot(office, '13-task-review-return');
    await expectAccessible(office, 'task page, return');
    await office.getByTestId('confirm').click();
    await office.waitForURL('**/inbox');

    // the draft comes back to sup1 (我的待办), with the earlier text
    await sup.reload();
    await sup.getByTestId('tab-mine').click();
    await sup.getByTestId('task-draft_sup').first().click();
    await sup.getByLabel('处理过程').fill('10时暂停项目；11时封存文件');
    await sup.getByTestId('complete').click();
    await sup.waitForURL('**/inbox');

    await office.reload();
    await office.getByTestId('tab-unclaimed').click();
    await office.getByTestId('task-review').first().click();
    await office.getByTestId('claim').click();
    await office.getByLabel('同意，呈领导签发').check();
    await office.getByTestId('complete').click();
    await office.waitForURL('**/inbox');

    // the director sees it first and signs; supervision classifies it 公开
    const director = await signIn(browser, s.base, 'director');
    await director.getByTestId('tab-unclaimed').click();
    await director.getByTestId('task-sign').first().click();
    await director.getByTestId('claim').click();
    await director.getByLabel('签发', { exact: true }).check();
    await director.getByTestId('complete').click();
    await director.waitForURL('**/inbox');

    // the office issues it (印发); it is numbered in order within the year
    await office.reload();
    await office.getByTestId('tab-unclaimed').click();
    await office.getByTestId('task-issue').first().click();
    await office.getByTestId('claim').click();
    await office.getByLabel('印发说明').fill('按规定范围报送');
    await shot(office, '06b-task-issue-office');
    await expectAccessible(office, 'task page, issue');
    await office.getByTestId('complete').click();
    await office.waitForURL('**/inbox');

    await sup.reload();
    await sup.getByTestId('tab-unclaimed').click();
    await sup.getByTestId('task-classify').first().click();
    await sup.getByTestId('claim').click();
    await sup.getByText(/文号：湘西交易要情〔\d{4}〕\d+号/).waitFor();
    await shot(sup, '06c-task-classify-with-number');
    await sup.getByLabel('公开').check();
    await sup.getByTestId('complete').click();
    await sup.waitForURL('**/inbox');

    const published = await (async () => {
      for (let i = 0; i < 50; i++) {
        const r = await s.anonymous().get('/api/public/special-reports');
        if (r.body.items.some((p: { title: string }) => p.title.includes('浏览器测试'))) return true;
        await new Promise((res) => setTimeout(res, 100));
      }
      return false;
    })();
    expect(published).toBe(true);
  });

  test('English on request, and a tablet-width inbox', async () => {
    const page = await signIn(browser, s.base, 'gen1');
    await page.getByTestId('lang').click();
    await page.getByTestId('tab-mine').getByText('My tasks').waitFor();
    await page.getByText('Sign out').waitFor();
    await page.getByTestId('product-name').getByText('Xiangxi Public Resource Trading Center · Workflows').waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await shot(page, '16-inbox-english');
    await expectAccessible(page, 'inbox in English');
    // the language holds across a reload, and so does the page's lang
    await page.reload();
    await page.getByTestId('tab-mine').getByText('My tasks').waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.getByTestId('lang').click();
    await page.getByTestId('tab-mine').getByText('我的待办').waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.getByTestId('task-table').waitFor();
    await shot(page, '17-inbox-tablet');
    await expectAccessible(page, 'inbox at tablet width');
  });

  test('keyboard only: sign in, reach a task in the queue and open it', async () => {
    const witness = await s.login('witness1');
    await witness.post('/api/process-instances', {
      processId: 'anomaly-escalation',
      variables: { projectId: 'XXGC-2026-002', category: 'trade', assignedBy: 'none', title: '键盘操作测试', description: '说明', pauseNow: false },
    });
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    ctx.setDefaultTimeout(10_000);
    const page = watchConsole(await ctx.newPage());
    await page.goto(`${s.base}/login`);
    await page.locator('#username').focus();
    await page.keyboard.type('eng_head');
    await page.keyboard.press('Tab');
    await page.keyboard.type('demo1234');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/inbox');
    await page.getByTestId('tab-unclaimed').click();
    const row = page.getByTestId('task-ack').first();
    await row.waitFor();
    await row.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('task-title').getByText('键盘操作测试').waitFor();
    await page.getByTestId('claim').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('complete').waitFor();
    await ctx.close();
  });

  test('a wrong password is refused on the login page', async () => {
    const ctx = await browser.newContext();
    ctx.setDefaultTimeout(10_000);
    const page = watchConsole(await ctx.newPage());
    await page.goto(`${s.base}/login`);
    await page.locator('#username').waitFor();
    await expectAccessible(page, 'login');
    await page.fill('#username', 'sup1');
    await page.fill('#password', 'wrong');
    await page.click('button[type=submit]');
    await page.locator('nz-alert', { hasText: '用户名或密码错误' }).waitFor();
    await shot(page, '00-login-refused');
    await expectAccessible(page, 'login, refused');
    await ctx.close();
  });

  test('new work appears without a reload, over a stream opened with a one-time ticket: no token in any URL', async () => {
    const page = await signIn(browser, s.base, 'sup2');
    const token = (await s.login('sup2')).token!;
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    await page.reload(); // every request of the inbox from its start is watched
    await page.getByTestId('tab-unclaimed').click();
    const rows = page.getByTestId('task-check');
    const before = await rows.count();
    // an applicant files an archive request: its check is offered to supervision
    const ext = await s.login('external1');
    const started = await requestArchive(ext, {
      archiveId: 'DA-XXGC-2025-031',
      requesterUnit: '州住建局',
      officerName: '吴监管',
      purpose: '实时更新测试',
      requestedDays: 1,
    });
    expect(started.status).toBe(201);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="task-check"]').length > n, before, { timeout: 15_000 });
    const streams = urls.filter((u) => new URL(u).pathname === '/api/events');
    expect(streams.length).toBeGreaterThan(0);
    expect(streams.every((u) => /\/api\/events\?ticket=[\w-]+$/.test(u))).toBe(true);
    expect(urls.filter((u) => u.includes('access_token') || u.includes(encodeURIComponent(token)) || u.includes(token))).toEqual([]);
    await page.context().close();
  });

  test('a leader lifts the pause a report made, in a step of its own, with the reason', async () => {
    const witness = await s.login('witness1');
    const evidence = await witness.upload('现场照片.pdf', PDF, { category: 'evidence' });
    const r = await witness.post('/api/process-instances', {
      processId: 'anomaly-escalation',
      variables: { projectId: 'XXTD-2026-003', category: 'trade', assignedBy: 'none', title: '挂牌现场秩序异常', description: '说明', pauseNow: true },
      attachmentIds: [evidence.body.id],
    });
    expect(r.status).toBe(201);
    const head = await s.login('eng_head');
    await claimAndComplete(head, (await taskAt(head, r.body.id, 'ack')).id, {});
    const sup = await s.login('sup1');
    await claimAndComplete(sup, (await taskAt(sup, r.body.id, 'verify')).id, { verifyResult: 'unsubstantiated', verifyFindings: '经调取录像，秩序正常' });
    const director = await signIn(browser, s.base, 'director');
    await claimFromInbox(director, 'resume_closed');
    await director.getByLabel('恢复交易').check();
    await director.getByLabel('理由').fill('报告不属实，恢复交易');
    await shot(director, '17-task-resume-director');
    await expectAccessible(director, 'task page, lifting a pause');
    await director.getByTestId('complete').click();
    await director.waitForURL('**/inbox');
    await eventually(
      async () => (await witness.get('/api/projects')).body.items.find((p: { id: string; status: string }) => p.id === 'XXTD-2026-003')?.status === 'active',
      10_000,
      'resumed',
    );
    await director.context().close();
  });
});
