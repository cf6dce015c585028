/**
 * Web app numbers for `npm run bench`: the initial JavaScript (what the browser must load before
 * the inbox can show, gzipped) and the time of a first load of the inbox in chromium on localhost.
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { startServer, WEB_DIR } from '../harness';
import { browserAvailable, launch } from '../browser/browser';
import { dashboardBench } from './dashboard-bench';

/** The JavaScript the browser must load before the app starts: index.html's scripts and everything they import statically. */
function initialJs(): { files: number; raw: number; gzip: number } {
  const html = readFileSync(path.join(WEB_DIR, 'index.html'), 'utf8');
  const seen = new Set<string>();
  const queue = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)].map((m) => m[1]!);
  let raw = 0;
  let gzip = 0;
  while (queue.length) {
    const n = queue.shift()!;
    if (seen.has(n)) continue;
    seen.add(n);
    const buf = readFileSync(path.join(WEB_DIR, n));
    raw += buf.length;
    gzip += gzipSync(buf, { level: 9 }).length;
    // (static imports only: `import … from"./chunk-….js"` or `import"./chunk-….js"`; `import("…")` loads later)
    for (const m of buf.toString('utf8').matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)) queue.push(m[1]!);
  }
  return { files: seen.size, raw, gzip };
}

async function main(): Promise<void> {
  if (!existsSync(path.join(WEB_DIR, 'index.html'))) throw new Error('the web app is not built (npm run build -w web)');
  const js = initialJs();
  console.log(`\nWeb app`);
  console.log(
    `  initial JavaScript: ${js.files} files, ${(js.raw / 1024).toFixed(0)} kB raw, ${(js.gzip / 1024).toFixed(0)} kB gzipped (goal < 500 kB gzipped: ${js.gzip < 500 * 1024 ? 'met' : 'NOT met'})`,
  );
  if (!browserAvailable()) {
    console.log('  first load of the inbox: skipped (no /usr/bin/chromium)');
    await dashboardBench(null);
    return;
  }
  const browser = await launch();
  try {
    const s = await startServer('bench_web');
    const client = await s.login('sup1');
    const token = client.token;
    const user = (await client.get('/api/me')).body;
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 } });
      await ctx.addInitScript(([t, u]) => localStorage.setItem('ggzy.session', JSON.stringify({ token: t, user: u })), [token, user] as const);
      const page = await ctx.newPage();
      const t0 = Date.now();
      await page.goto(`${s.base}/inbox`);
      await page.locator('[data-testid="task-table"] .ant-table-tbody').waitFor();
      await page.locator('[data-testid="tab-unclaimed"] nz-badge, [data-testid="tab-unclaimed"]').first().waitFor();
      times.push(Date.now() - t0);
      await ctx.close();
    }
    const warm = times.slice(1).sort((a, b) => a - b);
    console.log(
      `  first load of the inbox (fresh browser profile each time, localhost): first ${times[0]} ms, median of the next ${warm.length} ${warm[Math.floor(warm.length / 2)]} ms (goal < 1000 ms: ${Math.max(...times) < 1000 ? 'met' : 'NOT met'})`,
    );
    await s.close();
    await dashboardBench(browser);
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
