/**
 * The dashboard with a year of numbers, for `npm run bench`: a year of months seeded at the
 * center's load and at ten times it (each month as the counters would hold it, and every counted
 * event's id written down as counting does), then the API's answer for the year (first read and again) and the page's first
 * paint in chromium (from navigation until every chart has drawn), and what counting one more
 * finished step costs on a month that full.
 */
import type { Browser } from 'playwright-core';
import { SECTIONS } from '@ggzy/shared';
import { startServer, type TestServer } from '../harness';

/** Finished steps a month: the center's (about 100 a working day), and ten times it. */
const LOADS = [
  { name: "the center's load", steps: 2_000 },
  { name: 'ten times it', steps: 20_000 },
];
const FLOWS = [
  'anomaly-escalation',
  'case-assistance',
  'archive-lending',
  'project-intake',
  'complaint',
  'monthly-bulletin',
  'security-patrol',
  'agent-evaluation',
];
/** The charts the page draws. */
const CHARTS = 6;
const STEPS = ['register', 'check', 'review', 'approve', 'sign', 'archive'];

function monthsOfYear(): string[] {
  const now = new Date(Date.now() + 8 * 3600_000);
  const out: string[] = [];
  for (let i = 11; i >= 0; i--) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
    out.push(d.toISOString().slice(0, 7));
  }
  return out;
}

async function seed(s: TestServer, stepsPerMonth: number): Promise<void> {
  const sections = SECTIONS.map((x) => x.code);
  for (const month of monthsOfYear()) {
    const steps: Record<string, unknown> = {};
    const people: Record<string, unknown> = {};
    const started: Record<string, number> = {};
    for (const section of sections)
      for (const flow of FLOWS) {
        started[`${section}|${flow}`] = Math.round(stepsPerMonth / 400);
        for (const step of STEPS) {
          const n = Math.max(1, Math.round(stepsPerMonth / (sections.length * FLOWS.length * STEPS.length)));
          steps[`${section}|${flow}|${step}`] = { name: step, n, late: Math.floor(n / 10), sumMs: n * 7_200_000, hist: { 10: n - 2, 30: 2 } };
        }
        for (let p = 0; p < 8; p++)
          people[`${section}|${section}${p}`] = { name: `${section}${p}`, done: Math.round(stepsPerMonth / 100), late: 1, supervised: p % 3 };
      }
    await s.db
      .collection('dashboard_months')
      .replaceOne({ _id: month as never }, { steps, people, started, anomalies: { 'engineering|trade': 3 } }, { upsert: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function dashboardBench(browser: Browser | null): Promise<void> {
  console.log('\nDashboard (a year of months)');
  for (const load of LOADS) {
    const s = await startServer(`bench_dashboard_${load.steps}`);
    try {
      await seed(s, load.steps);
      const director = await s.login('director');
      const api: number[] = [];
      for (let i = 0; i < 6; i++) {
        const t0 = performance.now();
        const r = await director.get('/api/dashboard');
        if (r.status !== 200) throw new Error(`dashboard: ${r.status}`);
        api.push(performance.now() - t0);
      }
      const write: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t0 = performance.now();
        await s.system.stats.stepFinished({
          taskId: `bench-${i}`,
          processId: 'complaint',
          elementId: 'review',
          name: 'review',
          by: 'sup1',
          createdAt: new Date(Date.now() - 3_600_000),
          completedAt: new Date(),
        });
        write.push(performance.now() - t0);
      }
      let paint = 'skipped (no chromium)';
      if (browser) {
        const user = (await director.get('/api/me')).body;
        const drawn: number[] = [];
        const fcp: number[] = [];
        for (let i = 0; i < 7; i++) {
          const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 } });
          await ctx.addInitScript(([t, u]) => localStorage.setItem('ggzy.session', JSON.stringify({ token: t, user: u })), [director.token, user] as const);
          const page = await ctx.newPage();
          // (the window is open a second before the clock starts, as a user's browser is: what a new
          // window starts in its first second does not fall on the page)
          await page.waitForTimeout(1000);
          await page.goto(`${s.base}/dashboard`);
          // Times from the navigation's start, read in the page: the frame in which the totals and
          // every chart are on the screen, and the first contentful paint.
          const at = await page.waitForFunction(
            (n) => {
              const cards = [...document.querySelectorAll('[data-chart]')];
              return (
                !!document.querySelector('[data-testid=totals]') && cards.length === n && cards.every((c) => c.querySelector('canvas')) && performance.now()
              );
            },
            CHARTS,
            { polling: 'raf' },
          );
          drawn.push(Math.round(Number(await at.jsonValue())));
          fcp.push(Math.round(await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN)));
          await ctx.close();
        }
        const rest = drawn.slice(1);
        paint =
          `every chart drawn: first ${drawn[0]} ms, then median ${median(rest)} ms, fastest ${Math.min(...rest)}, slowest ${Math.max(...rest)} ` +
          `(goal < 1000 ms: ${Math.max(...rest) < 1000 ? 'met' : 'NOT met'}); first contentful paint median ${median(fcp.slice(1))} ms`;
      }
      console.log(`  ${load.name} (${load.steps} finished steps a month, ${load.steps * 12} in the year):`);
      console.log(`    GET /api/dashboard for the year: first ${api[0]!.toFixed(0)} ms, median of the next 5 ${median(api.slice(1)).toFixed(0)} ms`);
      console.log(`    counting one more finished step: median ${median(write).toFixed(1)} ms, slowest ${Math.max(...write).toFixed(1)} ms`);
      console.log(`    the page in a fresh browser profile (localhost), from the navigation's start: ${paint}`);
    } finally {
      await s.close();
    }
  }
}
