/**
 * Browser tests drive Debian's chromium (never a downloaded browser) through playwright-core,
 * headless, save a screenshot of each main screen under test/screenshots/, and check each main
 * screen with axe-core (GB/T 37668, WCAG 2.x).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { existsSync } from 'node:fs';
import { PROCESSES_DIR, WEB_DIR, startServer, type TestServer } from '../harness';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.join(PROCESSES_DIR, '../test/screenshots');

export function browserAvailable(): boolean {
  return existsSync(CHROMIUM);
}

/**
 * The browser's machine keeps a zone far from the center's (China, UTC+8) — 16 hours behind, so its
 * calendar day differs from China's most of the day: a page that takes the browser's "today" for the
 * center's fails here at any hour, not only after midnight in Xiangxi.
 */
const BROWSER_TIME_ZONE = 'America/Los_Angeles';

/**
 * Chromium's own window UI that no test looks at: each new window (a browser context here) builds its
 * address bar's popup as a WebUI page with a renderer of its own, about a second of CPU on the two
 * cores the page, the API and the database share.
 */
const UNUSED_FEATURES = ['WebUIOmniboxPopup', 'WebUIOmniboxFullPopup', 'WebUIOmniboxAimPopup'];

/**
 * playwright-core's own `--disable-features=…` switch. Chromium keeps only the last of a repeated
 * switch, so ours must carry playwright's list too; the list is read from a browser it starts.
 */
async function playwrightDisabledFeatures(): Promise<string | undefined> {
  const server = await chromium.launchServer({ executablePath: CHROMIUM, headless: true });
  try {
    return server.process().spawnargs.find((a) => a.startsWith('--disable-features='));
  } finally {
    await server.close();
  }
}

export async function launch(): Promise<Browser> {
  const theirs = await playwrightDisabledFeatures();
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    env: { ...process.env, TZ: BROWSER_TIME_ZONE },
    ...(theirs && { ignoreDefaultArgs: [theirs] }),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      theirs ? `${theirs},${UNUSED_FEATURES.join(',')}` : `--disable-features=${UNUSED_FEATURES.join(',')}`,
    ],
  });
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // (animations run to their end first: a drawer closing or a tab fading in is shown as it settles)
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });
}

/** Impacts that fail a screen; `moderate` and `minor` findings are left to review. */
const BLOCKING = new Set(['serious', 'critical']);

/**
 * Run axe-core on the page as it is now and fail on any serious or critical violation, naming the
 * screen, each rule with its impact, and the elements that break it. `exclude` leaves out elements
 * that are decoration by design (say why where it is used).
 */
export async function expectAccessible(page: Page, screen: string, opts: { exclude?: string[] } = {}): Promise<void> {
  // colours caught mid-transition (a hover fading, a tab turning blue) are not the ones users read
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getTiming().iterations !== Infinity)
        .map((a) => a.finished.catch(() => undefined)),
    ),
  );
  // axe.run in the page (the app has no frames from other origins, which only the default mode's
  // blank page can join), and only the violations written out in full (the other kinds still count
  // each rule, with one example): the same rules and findings, in a fifth of the time.
  const axe = new AxeBuilder({ page }).setLegacyMode().options({ resultTypes: ['violations'] });
  for (const selector of opts.exclude ?? []) axe.exclude(selector);
  const { violations } = await axe.analyze();
  const blocking = violations
    .filter((v) => BLOCKING.has(v.impact ?? ''))
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  if (blocking.length) throw new Error(`${screen}: ${blocking.length} accessibility violation(s)\n  ${blocking.join('\n  ')}`);
}

/**
 * What the pages of a suite logged as errors: Content-Security-Policy violations (Chromium logs
 * each as a console error), uncaught exceptions and other console errors. Each browser test fails
 * when any was logged (see describeInBrowser).
 */
const consoleProblems: string[] = [];

/** Collect the console errors and uncaught exceptions of a page. */
export function watchConsole(page: Page): Page {
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    // A refusal a test provokes on purpose (a 4xx the app handles and shows) is logged by Chromium
    // as a failed resource; it is not a fault of the page.
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(text)) return;
    consoleProblems.push(`${page.url()}: ${text}`);
  });
  page.on('pageerror', (err) => consoleProblems.push(`${page.url()}: uncaught ${err.message}`));
  return page;
}

/** The problems logged so far, taken (a test that provokes one on purpose takes it). */
export function takeConsoleProblems(): string[] {
  return consoleProblems.splice(0);
}

/** Sign in through the login page and land on the inbox. */
export async function signIn(browser: Browser, base: string, user: string, password = 'demo1234', lands = '**/inbox'): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  ctx.setDefaultTimeout(10_000);
  const page = watchConsole(await ctx.newPage());
  await page.goto(`${base}/login`);
  await page.fill('#username', user);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForURL(lands);
  return page;
}

/** Chromium and the built app are there; otherwise the browser suites are skipped with a warning. */
export const browserReady = browserAvailable() && existsSync(path.join(WEB_DIR, 'index.html'));
if (!browserReady) console.warn('browser tests need /usr/bin/chromium (apt-get install chromium) and the built web app (npm run build -w web)');

/** `describe` for a browser suite: a server on its own database and one chromium, for all its tests. */
export function describeInBrowser(
  title: string,
  name: string,
  body: (ctx: { server(): TestServer; browser(): Browser }) => void,
  settings: Parameters<typeof startServer>[1] = {},
): void {
  (browserReady ? describe : describe.skip)(title, () => {
    let s: TestServer;
    let b: Browser;
    beforeAll(async () => {
      s = await startServer(name, settings);
      b = await launch();
    }, 60_000);
    afterAll(async () => {
      await b?.close();
      await s?.close();
    });
    jest.setTimeout(90_000);
    beforeEach(() => void consoleProblems.splice(0));
    // no CSP violation, uncaught exception or console error on any screen the test went through
    afterEach(() => expect(consoleProblems.splice(0)).toEqual([]));
    body({ server: () => s, browser: () => b });
  });
}

/** An admin page from the header's 系统管理 menu. */
export async function openAdminPage(page: Page, label: string): Promise<void> {
  await page.getByTestId('admin-menu').hover();
  await page.locator('.ant-menu-submenu-popup li', { hasText: new RegExp(`^\\s*${label}\\s*$`) }).click();
}

/** Open the first task at `elementId` from 科室待认领 and claim it. */
export async function claimFromInbox(page: Page, elementId: string): Promise<void> {
  await page.getByTestId('tab-unclaimed').click();
  await page.getByTestId(`task-${elementId}`).first().click();
  await page.getByTestId('claim').click();
  await page.getByTestId('complete').waitFor();
}
