/**
 * The venue week view and the hall board in a browser: 综合科 books a room for today (a clash is
 * refused on screen), the engineering head names the witness, and the hall's screen — signed in as
 * no one — shows the session with its witness.
 */
import type { Browser } from 'playwright-core';
import type { TestServer } from '../harness';
import { chinaToday } from '../../../api/src/venues/venue-calendar';
import { describeInBrowser, expectAccessible, shot, signIn } from './browser';

describeInBrowser('venues and the hall board in a browser', 'browser_venues', (ctx) => {
  let s: TestServer;
  let browser: Browser;
  beforeAll(() => {
    s = ctx.server();
    browser = ctx.browser();
  });

  test('book a room, a clash refused, the witness named, and the hall board shows it', async () => {
    const today = chinaToday();
    // a session already in the first opening room this afternoon
    const api = await s.login('gen1');
    expect(
      (await api.post('/api/venues/bookings', { room: 'kb1', day: today, start: '14:00', end: '16:00', purpose: '开标', projectId: 'XXCG-2026-010' })).status,
    ).toBe(201);

    const gen = await signIn(browser, s.base, 'gen1');
    await gen.locator('nav li', { hasText: /^\s*场地\s*$/ }).click();
    await gen.getByTestId(`session-XXCG-2026-010-${today}`).waitFor();
    await expectAccessible(gen, 'venue week');

    // booking over it is refused, saying who holds the room
    await gen.getByTestId(`book-kb1-${today}`).click();
    await gen.getByTestId('b-project').fill('XXGC-2026-001');
    await gen.getByTestId('b-start').fill('15:00');
    await gen.getByTestId('b-end').fill('17:00');
    await gen.getByTestId('booking-save').click();
    await gen
      .getByTestId('booking-error')
      .getByText(/已被“州教育局中小学教学设备采购”（开标）占用/)
      .waitFor();
    await expectAccessible(gen, 'booking form with a conflict');
    // in the morning it is free
    await gen.getByTestId('b-start').fill('09:00');
    await gen.getByTestId('b-end').fill('11:00');
    await gen.getByTestId('booking-save').click();
    await gen.getByTestId(`session-XXGC-2026-001-${today}`).waitFor();
    await gen.getByTestId('booking-form').waitFor({ state: 'hidden' });
    await shot(gen, '24-venue-week');

    // the engineering head names the witness on duty
    const head = await signIn(browser, s.base, 'eng_head');
    await head.goto(`${s.base}/venues`);
    await head.getByTestId(`session-XXGC-2026-001-${today}`).click();
    await head.getByTestId('s-witness').click();
    await head.locator('.ant-select-item-option', { hasText: '张见证' }).click();
    await head.getByTestId('s-name').click();
    await head.getByTestId(`session-XXGC-2026-001-${today}`).getByText('见证：张见证').waitFor();

    // the hall's screen, signed in as no one
    const hall = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    await hall.goto(`${s.base}/hall`);
    const board = hall.getByTestId('hall-board');
    await board.getByText('湘西州人民医院门诊综合楼建设工程施工').waitFor();
    const row = board.locator('tr', { hasText: 'XXGC-2026-001' });
    expect(await row.innerText()).toMatch(/09:00–11:00\s+第一开标室\s+开标\s+XXGC-2026-001\s+湘西州人民医院门诊综合楼建设工程施工\s+张见证/);
    expect(await board.locator('tr', { hasText: 'XXCG-2026-010' }).innerText()).toContain('待定');
    await shot(hall, '25-hall-board');
    await expectAccessible(hall, 'hall board');
  });

  test('an admin adds a room, which the week then shows', async () => {
    const admin = await signIn(browser, s.base, 'admin');
    await admin.goto(`${s.base}/venues`);
    await admin.getByTestId('rooms-admin').click();
    await admin.getByTestId('rooms-table').getByText('第一开标室', { exact: true }).waitFor();
    await admin.getByTestId('room-id').fill('kb9');
    await admin.getByTestId('room-name').fill('第九开标室');
    await admin.getByTestId('room-add').click();
    await admin.getByTestId('rooms-table').getByText('第九开标室', { exact: true }).waitFor();
    await expectAccessible(admin, 'rooms admin');
    await admin.keyboard.press('Escape');
    await admin.getByTestId('venue-week').getByText('第九开标室', { exact: true }).waitFor();
    expect((await (await s.login('gen1')).get('/api/venues/rooms')).body.items.find((r: { id: string }) => r.id === 'kb9')).toMatchObject({
      name: '第九开标室',
      kind: '开标室',
      active: true,
    });
  });
});
