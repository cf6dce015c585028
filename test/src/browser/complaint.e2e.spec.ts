/**
 * The complaint status page on a phone, signed in as no one: the complainant types the query code
 * from their slip and reads what they wrote and, once approved, the reply.
 */
import type { Browser } from 'playwright-core';
import { claimAndComplete, eventually, taskAt, type TestServer } from '../harness';
import { describeInBrowser, expectAccessible, shot } from './browser';

describeInBrowser('the complaint status page in a browser', 'browser_complaint', (ctx) => {
  let s: TestServer;
  let browser: Browser;
  beforeAll(() => {
    s = ctx.server();
    browser = ctx.browser();
  });

  test('a complainant follows their complaint by its code on a phone', async () => {
    const sup = await s.login('sup1');
    const started = await sup.post('/api/process-instances', {
      processId: 'complaint',
      variables: { channel: 'on-site', complaintKind: 'suggestion', title: '建议增加停车位', content: '开标日停车困难，建议临时开放后院停车。' },
    });
    const draft = await taskAt(sup, started.body.id, 'draft_reply');
    const code: string = (await sup.get(`/api/tasks/${draft.id}`)).body.variables.queryCode;

    const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })).newPage();
    await phone.goto(`${s.base}/complaint`);
    await phone.getByTestId('complaint-code').fill('WRONG');
    await phone.getByTestId('complaint-look').click();
    await phone.getByTestId('complaint-error').getByText('查询码是 10 位字母和数字').waitFor();
    await phone.getByTestId('complaint-code').fill(code.toLowerCase());
    await phone.getByTestId('complaint-look').click();
    await phone.getByTestId('complaint-status').getByText('办理中').waitFor();
    await phone.getByText('开标日停车困难，建议临时开放后院停车。').waitFor();
    await expectAccessible(phone, 'complaint status, in progress');

    // answered: the reply shows, reached by the link on the slip
    await claimAndComplete(sup, draft.id, { replyDraft: '已在开标日开放后院临时停车，感谢建议。' });
    await claimAndComplete(await s.login('deputy'), (await taskAt(await s.login('deputy'), started.body.id, 'review')).id, { reviewDecision: 'pass' });
    await claimAndComplete(await s.login('director'), (await taskAt(await s.login('director'), started.body.id, 'approve')).id, { approveDecision: 'approve' });
    const admin = await s.login('admin');
    await eventually(async () => (await admin.get(`/api/process-instances/${started.body.id}`)).body.instance.state === 'completed', 10_000, 'the reply sent');
    await phone.goto(`${s.base}/complaint?code=${code}`);
    await phone.getByTestId('complaint-reply').getByText('已在开标日开放后院临时停车，感谢建议。').waitFor();
    await shot(phone, '30-complaint-status-phone');
    await expectAccessible(phone, 'complaint status, answered');
  });
});
