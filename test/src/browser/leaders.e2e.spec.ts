/**
 * Notifications and the leaders' view in a browser: a person chooses where notices reach them; a
 * 催办 lights the bell, shows in its list and in the notification centre (by category, marked
 * read); the admins see a delivery the SMS gateway refused, with its error, and send it again.
 */
import type { Browser } from 'playwright-core';
import { claimAndComplete, eventually, reportAnomaly, taskAt, type Body, type TestServer } from '../harness';
import { describeInBrowser, expectAccessible, openAdminPage, shot, signIn } from './browser';

describeInBrowser(
  'notifications and the leaders view in a browser',
  'browser_leaders',
  (ctx) => {
    let s: TestServer;
    let browser: Browser;
    beforeAll(() => {
      s = ctx.server();
      browser = ctx.browser();
    });

    test('a 催办 reaches the bell and the notification centre; the refused SMS shows to the admins', async () => {
      const sup = await signIn(browser, s.base, 'sup1');
      // where notices reach me: a mobile number, 催办 by SMS (its default)
      await sup.goto(`${s.base}/settings/notifications`);
      await sup.getByTestId('mobile').fill('13800000009');
      await sup.locator('tr[data-category="urge"] label[data-channel="sms"]').waitFor();
      expect(await sup.locator('tr[data-category="urge"] label[data-channel="sms"] input').isChecked()).toBe(true);
      // e-mail is not configured here: it cannot be chosen
      expect(await sup.locator('tr[data-category="urge"] label[data-channel="email"] input').isDisabled()).toBe(true);
      await sup.getByTestId('save-settings').click();
      await sup.getByTestId('saved').waitFor();
      await shot(sup, '41-notification-settings');
      await expectAccessible(sup, 'notification settings');
      expect((await (await s.login('sup1')).get('/api/me/notification-settings')).body.mobile).toBe('13800000009');

      // a report waits at supervision's verification; its reporter urges it
      const witness = await s.login('witness1');
      const head = await s.login('eng_head');
      const id = await reportAnomaly(witness, '浏览器通知测试');
      await claimAndComplete(head, (await taskAt(head, id, 'ack')).id, {});
      const verify = await taskAt(await s.login('sup1'), id, 'verify');
      expect((await witness.post(`/api/tasks/${verify.id}/urge`, { note: '请尽快核实' })).status).toBe(200);

      await sup.goto(`${s.base}/inbox`);
      const unread = (await (await s.login('sup1')).get('/api/notifications')).body.unreadCount;
      expect(unread).toBeGreaterThan(0);
      await sup.getByTestId('unread-count').getByText(String(unread)).waitFor();
      await sup.getByTestId('notifications').click();
      await sup.getByTestId('notification-list').getByText('【催办】监督科核实').waitFor();
      await shot(sup, '42-notification-bell');
      await sup.getByTestId('all-notifications').click();
      await sup.waitForURL('**/notifications');
      await sup.locator('[data-category="urge"]').click();
      const item = sup.getByTestId('centre-list').locator('li', { hasText: '【催办】监督科核实' });
      await item.waitFor();
      // (the item is in the unfiltered list too: wait until the list is the category's alone)
      await eventually(async () => (await sup.getByTestId('centre-list').locator('li').count()) === 1, 5_000, 'the 催办 category alone');
      await shot(sup, '43-notification-centre');
      await expectAccessible(sup, 'notification centre');
      await item.getByTestId('mark-read').click();
      await sup
        .getByTestId('unread-count')
        .getByText(String(unread - 1))
        .waitFor();
      await sup.getByTestId('centre-list').locator('li.unread', { hasText: '【催办】监督科核实' }).waitFor({ state: 'detached' });
      expect(await item.getByTestId('mark-read').count()).toBe(0);

      // the SMS gateway refuses: the admins see it, with the error, and send it again
      const admin = await signIn(browser, s.base, 'admin');
      await openAdminPage(admin, '通知发送');
      await admin.waitForURL('**/admin/deliveries');
      const row = admin.getByTestId('deliveries').locator('tr', { hasText: '【催办】监督科核实' });
      await row.waitFor();
      await row.getByText(/ECONNREFUSED/).waitFor();
      await shot(admin, '44-deliveries');
      await expectAccessible(admin, 'deliveries');
      const api = await s.login('admin');
      const before = ((await api.get('/api/admin/deliveries')).body.items as Body[]).find((d) => d.to === '13800000009' && d.title === '【催办】监督科核实')!;
      expect(before.attempts).toBeGreaterThan(0);
      await row.getByTestId('retry').click();
      await eventually(
        async () => ((await api.get('/api/audit?pageSize=20')).body.items as Body[]).some((e) => e.action === 'notification.delivery-retried'),
        5000,
        'the retry in the audit trail',
      );
    });

    test('the director reads the dashboard: totals, charts, the efficiency table, a section, the exports', async () => {
      const head = await s.login('eng_head');
      const report = await reportAnomaly(await s.login('witness1'), '看板浏览器测试');
      await claimAndComplete(head, (await taskAt(head, report, 'ack')).id, {});
      const api = await s.login('director');
      const d = await eventually(
        async () => {
          const r = (await api.get('/api/dashboard')).body;
          return r.bySection.some((x: Body) => x.section === 'engineering' && x.done > 0) && r;
        },
        5000,
        'the finished step counted',
      );
      const page = await signIn(browser, s.base, 'director');
      await page.locator('nav li', { hasText: /^\s*看板\s*$/ }).click();
      await page.waitForURL('**/dashboard');
      const totals = page.getByTestId('totals');
      const done = d.bySection.reduce((a: number, x: Body) => a + x.done, 0);
      const open = d.bySection.reduce((a: number, x: Body) => a + x.open, 0);
      await totals.locator('nz-statistic', { hasText: '办结' }).first().getByText(String(done), { exact: true }).waitFor();
      await totals.locator('nz-statistic', { hasText: '在办' }).first().getByText(String(open), { exact: true }).waitFor();
      // every chart drew
      for (const c of ['trend', 'sections', 'flows', 'steps', 'anomalies', 'volumes']) await page.locator(`[data-chart="${c}"] canvas`).first().waitFor();
      const headRow = d.efficiency.find((p: Body) => p.userId === 'eng_head');
      await page
        .locator('[data-user="eng_head"] td', { hasText: new RegExp(`^\\s*${headRow.done}\\s*$`) })
        .first()
        .waitFor();
      await page.waitForTimeout(500); // (the charts' drawing animation)
      await shot(page, '45-dashboard');
      await expectAccessible(page, 'dashboard');
      // a chart as a picture, and its numbers
      const [png] = await Promise.all([page.waitForEvent('download'), page.locator('[data-chart="sections"]').getByTestId('png').click()]);
      expect(png.suggestedFilename()).toMatch(/^各科室办件_.*\.png$/);
      const bytes = await new Promise<Buffer>((resolve, reject) => {
        void png.createReadStream().then((st) => {
          const parts: Buffer[] = [];
          st.on('data', (b: Buffer) => parts.push(b));
          st.on('end', () => resolve(Buffer.concat(parts)));
          st.on('error', reject);
        });
      });
      expect(bytes.subarray(1, 4).toString()).toBe('PNG');
      const [xlsx] = await Promise.all([page.waitForEvent('download'), page.locator('[data-chart="flows"]').getByTestId('xlsx').click()]);
      expect(xlsx.suggestedFilename()).toMatch(/^各流程办件_.*\.xlsx$/);
      // one section
      await page.getByTestId('section').click();
      await page.locator('nz-option-item', { hasText: /^\s*工程科\s*$/ }).click();
      const eng = (await api.get('/api/dashboard?section=engineering')).body;
      const engDone = eng.bySection.reduce((a: number, x: Body) => a + x.done, 0);
      await totals.locator('nz-statistic', { hasText: '办结' }).first().getByText(String(engDone), { exact: true }).waitFor();
      await page.locator('[data-user="sup1"]').waitFor({ state: 'detached' });
      await page.waitForTimeout(500);
      await shot(page, '46-dashboard-section');
    });
  },
  { SMS_GATEWAY_URL: 'http://127.0.0.1:59999/sms', DELIVERY_TICK_MS: 200, DELIVERY_RETRY_MS: 60_000 },
);
