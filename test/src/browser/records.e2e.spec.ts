/**
 * 综合科's area log (表四) and a project's filed archive in a browser: the day's sessions, a log
 * written and saved; a project carried through the one-stop intake to its archive, whose page lists
 * the files in order with their SHA-256 and SM3.
 */
import type { Browser } from 'playwright-core';
import { claimAndComplete, eventually, PDF, type TestServer } from '../harness';
import { intakeToArchiveStep } from '../intake';
import { chinaToday } from '../../../api/src/venues/venue-calendar';
import { describeInBrowser, expectAccessible, shot, signIn } from './browser';

describeInBrowser('the area log and the archive page in a browser', 'browser_records', (ctx) => {
  let s: TestServer;
  let browser: Browser;
  beforeAll(() => {
    s = ctx.server();
    browser = ctx.browser();
  });

  test("综合科 logs a session's items in the area log", async () => {
    const today = chinaToday();
    const api = await s.login('gen1');
    const session = (
      await api.post('/api/venues/bookings', { room: 'pb2', day: today, start: '13:30', end: '17:30', purpose: '评标', projectId: 'XXCG-2026-010' })
    ).body.session;
    const gen = await signIn(browser, s.base, 'gen1');
    await gen.locator('nav li', { hasText: /^\s*开评标区\s*$/ }).click();
    const card = gen.getByTestId(`area-${session.id}`);
    await card.getByText('未记录').waitFor();
    await card.getByTestId('a-clarifications').fill('澄清 1 次：供货期。');
    await card.getByTestId('a-expertMeals').fill('专家工作餐 5 份。');
    await card.getByTestId('a-entryExit').fill('进出登记 9 人次。');
    await card.getByTestId('a-save').click();
    await card.getByText(/已记录 · 刘综合/).waitFor();
    await shot(gen, '28-area-log');
    await expectAccessible(gen, 'area log');
    const log = (await api.get(`/api/area-logs?day=${today}`)).body.items.find((i: { session: { id: string } }) => i.session.id === session.id).log;
    expect(log).toMatchObject({ clarifications: '澄清 1 次：供货期。', expertMeals: '专家工作餐 5 份。', entryExit: '进出登记 9 人次。', anomalies: null });
  });

  test("a project's filed archive: its files in order with their digests", async () => {
    const { archive, eng } = await intakeToArchiveStep(s, 'XXGC-2027-901', '15');
    expect((await eng.upload('合同.pdf', PDF, { category: 'other', taskId: archive.id })).status).toBe(201);
    await claimAndComplete(eng, archive.id, { archiveConfirm: true });
    // filed by the step's job, and the project marked archived, before the page is opened
    await eventually(async () => (await eng.get('/api/projects/XXGC-2027-901')).body.project.stage === 'archived', 15_000, 'the project archived');
    const head = await signIn(browser, s.base, 'eng_head');
    await head.goto(`${s.base}/projects/XXGC-2027-901`);
    const files = head.getByTestId('archive-files');
    await files.getByText('合同.pdf').waitFor({ timeout: 15_000 });
    expect(await files.locator('tbody tr').count()).toBe(2);
    expect(await files.locator('tbody tr').first().innerText()).toMatch(/^1\s+招标文件\.pdf\s+[0-9a-f]{64}\s+[0-9a-f]{64}$/);
    await head.getByTestId('project-stage-tag').getByText('已归档').waitFor();
    await shot(head, '29-project-archive');
    await expectAccessible(head, 'project archive');
  });
});
