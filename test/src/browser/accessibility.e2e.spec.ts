/**
 * The accessibility check the browser suites run on every main screen: it fails on serious and
 * critical axe-core findings and says which rule, how bad, and where; lesser findings pass.
 */
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, expectAccessible, launch } from './browser';

(browserAvailable() ? describe : describe.skip)('the accessibility check', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launch();
    page = await (await browser.newContext()).newPage();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  const screen = (body: string) => `<!doctype html><html lang="zh-CN"><head><title>检查</title></head><body><main><h1>检查</h1>${body}</main></body></html>`;

  test('fails on low contrast and an unnamed field, naming rule, impact and element', async () => {
    // given
    await page.setContent(screen('<p id="faint" style="color:#bbb">暂无附件</p><input id="nameless" type="file">'));

    // when
    const failure = await expectAccessible(page, 'sample').then(
      () => null,
      (e: Error) => e.message,
    );

    // then
    expect(failure).toMatch(/^sample: 2 accessibility violation\(s\)/);
    expect(failure).toMatch(/color-contrast \(serious\): .* — #faint/);
    expect(failure).toMatch(/label \(critical\): .* — #nameless/);
  });

  test('passes a screen with moderate findings only, and leaves out what it is told to', async () => {
    // given a screen with no h1 (moderate) and a faint watermark the caller excludes
    await page.setContent(
      '<!doctype html><html lang="zh-CN"><head><title>检查</title></head><body><main><p>正文</p><div class="marks" aria-hidden="true" style="color:#eee">水印</div></main></body></html>',
    );

    // then
    await expectAccessible(page, 'sample', { exclude: ['.marks'] });
    await expect(expectAccessible(page, 'sample')).rejects.toThrow(/color-contrast \(serious\)/);
  });
});
