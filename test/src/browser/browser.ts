/**
 * Browser tests drive Debian's chromium (never a downloaded browser) through playwright-core,
 * headless, and save a screenshot of each main screen under test/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { existsSync } from 'node:fs';
import { PROCESSES_DIR, WEB_DIR, startServer, type TestServer } from '../harness';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.join(PROCESSES_DIR, '../test/screenshots');

export function browserAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Sign in through the login page and land on the inbox. */
export async function signIn(browser: Browser, base: string, user: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  ctx.setDefaultTimeout(10_000);
  const page = await ctx.newPage();
  await page.goto(`${base}/login`);
  await page.fill('#username', user);
  await page.fill('#password', 'demo1234');
  await page.click('button[type=submit]');
  await page.waitForURL('**/inbox');
  return page;
}

/** Chromium and the built app are there; otherwise the browser suites are skipped with a warning. */
export const browserReady = browserAvailable() && existsSync(path.join(WEB_DIR, 'index.html'));
if (!browserReady) console.warn('browser tests need /usr/bin/chromium (apt-get install chromium) and the built web app (npm run build -w web)');

/** `describe` for a browser suite: a server on its own database and one chromium, for all its tests. */
export function describeInBrowser(title: string, name: string, body: (ctx: { server(): TestServer; browser(): Browser }) => void): void {
  (browserReady ? describe : describe.skip)(title, () => {
    let s: TestServer;
    let b: Browser;
    beforeAll(async () => {
      s = await startServer(name);
      b = await launch();
    }, 60_000);
    afterAll(async () => {
      await b?.close();
      await s?.close();
    });
    jest.setTimeout(90_000);
    body({ server: () => s, browser: () => b });
  });
}

/** Open the first task at `elementId` from 科室待认领 and claim it. */
export async function claimFromInbox(page: Page, elementId: string): Promise<void> {
  await page.getByTestId('tab-unclaimed').click();
  await page.getByTestId(`task-${elementId}`).first().click();
  await page.getByTestId('claim').click();
  await page.getByTestId('complete').waitFor();
}
