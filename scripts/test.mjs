// `npm test`: sets up what is missing, type-checks and lints, starts a throw-away embedded
// database (unless MONGODB_URI points at one), and runs every test suite against it, then the
// scenarios once more on the database inbox layout.
import { spawnSync } from 'node:child_process';
import { ROOT, ensureBuilt, ensureDependencies, log, main, withThrowawayDatabase } from './lib/setup.mjs';

// The second pass checks the database inbox layout: suites that never make a task (sign-in limits,
// the audit anchor, the registers of projects, venues and agents, the contract) add nothing there,
// nor do those whose steps only feed the registers and bulletins (their tasks take the same paths
// as every other flow's, which the second pass covers).
const INBOX_FREE = [
  'evaluations-and-credit',
  'security-and-bulletins',
  'statistics',
  'security-login',
  'login-counters',
  'audit-anchor',
  'project-register',
  'venues',
  'area-logs',
  'agents',
  'api-contract',
  'compose-file',
];

function step(what, cmd, args) {
  log(`[test] ${what}`);
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: process.env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

await main(async () => {
  ensureDependencies();
  ensureBuilt();
  step('type-checking the specs', 'npx', ['tsc', '-p', 'engine-workers/tsconfig.spec.json']);
  step('lint (eslint, prettier)', 'npm', ['run', '--silent', 'lint']);
  step('web unit tests (Angular, vitest)', 'npm', ['run', '--silent', 'test', '-w', 'web']);
  const status = await withThrowawayDatabase('ggzy-test-db', () => {
    log('[test] running jest (engine-workers, api, scenarios, browser)');
    // (--forceExit: a handle a suite leaves open must not keep the run waiting after its results are in)
    const r = spawnSync('npx', ['jest', '--colors', '--forceExit', ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit', env: process.env });
    if (r.status !== 0 || process.argv.length > 2) return r.status ?? 1;
    // The scenarios again on the other inbox layout (several API replicas on one database).
    log('[test] running the scenarios again with INBOX_STORE=database');
    const ignore = ['/browser/', '/dist/', ...INBOX_FREE.map((n) => `/${n}\\.spec\\.ts$`)];
    const db = spawnSync('npx', ['jest', '--colors', '--forceExit', '--selectProjects', 'scenarios', '--testPathIgnorePatterns', ...ignore], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, INBOX_STORE: 'database' },
    });
    return db.status ?? 1;
  });
  process.exit(status);
});
