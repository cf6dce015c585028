/**
 * The witness record form (表七) in a browser: the witness writes the day's record of a project
 * they witnessed, with an anomaly, and "上报异常" opens the report's form with the project and what
 * was seen filled in; once started, the report is linked to the record. Supervision's daily patrol
 * then shows the record in.
 */
import type { Browser } from 'playwright-core';
import { eventually, type TestServer } from '../harness';
import { chinaToday } from '../../../api/src/venues/venue-calendar';
import { describeInBrowser, expectAccessible, shot, signIn } from './browser';

describeInBrowser('the witness record in a browser', 'browser_witness', (ctx) => {
  let s: TestServer;
  let browser: Browser;
  beforeAll(() => {
    s = ctx.server();
    browser = ctx.browser();
  });

  test('write the day’s record with an anomaly, report it pre-filled, and see it on the patrol', async () => {
    const today = chinaToday();
    const gen = await s.login('gen1');
    expect(
      (await gen.post('/api/venues/bookings', { room: 'kb2', day: today, start: '09:30', end: '11:30', purpose: '开标', projectId: 'XXGC-2026-002' })).status,
    ).toBe(201);

    const witness = await signIn(browser, s.base, 'witness1');
    await witness.locator('nav li', { hasText: /^\s*见证\s*$/ }).click();
    await witness.getByTestId('w-project').click();
    await witness.locator('.ant-select-item-option', { hasText: 'XXGC-2026-002' }).click();
    await witness.getByTestId('w-course').fill('9:30 开标，投标人 6 家，唱标顺利。');
    await witness.getByTestId('w-anomaly').click();
    await witness.getByTestId('w-anomaly-desc').fill('一家投标人代表未携带身份证原件。');
    await expectAccessible(witness, 'witness record form');
    await witness.getByTestId('w-save').click();
    await witness.getByTestId('w-saved').waitFor();
    await shot(witness, '26-witness-record');

    // 上报异常: the report's form with the project and the description filled in
    await witness.getByTestId('w-report').click();
    await witness.waitForURL('**/start?**');
    await witness.locator('.fjs-form').waitFor();
    expect(await witness.getByLabel('标题').inputValue()).toBe('见证发现异常：吉首市乾州大道提质改造工程');
    expect(await witness.getByLabel(/异常情况/).inputValue()).toBe('一家投标人代表未携带身份证原件。');
    await witness.getByLabel('交易异常').check();
    await witness.getByTestId('submit-start').click();
    await witness.waitForURL('**/inbox**');
    const record = await eventually(
      async () => {
        const r = (await (await s.login('witness1')).get(`/api/witness-records/XXGC-2026-002~${today}`)).body;
        return r.reportInstanceId ? r : null;
      },
      10_000,
      'the report linked to the record',
    );
    expect(record).toMatchObject({ anomaly: true, witness: 'witness1', mode: 'offline' });
    // the report is on the project the link filled in
    const report = (await (await s.login('witness1')).get(`/api/process-instances/${record.reportInstanceId}`)).body;
    expect(report.instance).toMatchObject({ processId: 'anomaly-escalation', projectId: 'XXGC-2026-002' });

    // supervision's patrol shows the record in, with its anomaly
    const sup = await signIn(browser, s.base, 'sup1');
    await sup.goto(`${s.base}/witness`);
    await sup.getByRole('tab', { name: '日巡查' }).click();
    const row = sup.getByTestId('patrol-XXGC-2026-002');
    await row.getByText('已记录').waitFor();
    await row.getByText('有异常').waitFor();
    await shot(sup, '27-witness-patrol');
    await expectAccessible(sup, 'witness patrol');
  });
});
