// `npm test`: sets up what is missing, type-checks and lints, starts a throw-away embedded
// database (unless MONGODB_URI points at one), and runs every test suite against it, then the
// scenarios once more on the database inbox layout.
import { spawnSync } from 'node:child_process';
import { ROOT, ensureBuilt, ensureDatabaseBinary, ensureDependencies, log, main, withThrowawayDatabase } from './lib/setup.mjs';

// The second pass runs on the database inbox layout (several API replicas on one database) the
// scenarios whose steps take every path through the inbox store: its views, claims and acts, who
// may act, the three first-class flows end to end, restarts and kills. The other suites' steps take
// the same paths (two-replicas and cluster-mode run on the database layout already; that the store's
// two filter forms — in memory and as a database query — agree is a property test of its own).
const DATABASE_LAYOUT = [
  'inbox-actions',
  'permissions',
  'anomaly-escalation',
  'archive-lending',
  'case-assistance',
  'bad-input',
  'restart',
  'start-integrity',
  'crash-acts',
];

function step(what, cmd, args) {
  log(`[test] ${what}`);
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: process.env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

await main(async () => {
  ensureDependencies();
  // The database server builds (first run only) while the code compiles and is checked.
  const dbBinary = ensureDatabaseBinary();
  dbBinary.catch(() => undefined);
  ensureBuilt();
  step('type-checking the specs', 'npx', ['tsc', '-p', 'engine-workers/tsconfig.spec.json']);
  step('lint (eslint, prettier)', 'npm', ['run', '--silent', 'lint']);
  step('web unit tests (Angular, vitest)', 'npm', ['run', '--silent', 'test', '-w', 'web']);
  await dbBinary;
  const status = await withThrowawayDatabase(
    'ggzy-test-db',
    () => {
      const jest = (args, env = {}) =>
        spawnSync('npx', ['jest', ...args, '--colors', '--forceExit'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
      // (--forceExit: a handle a suite leaves open must not keep the run waiting after its results are in)
      if (process.argv.length > 2) return jest(process.argv.slice(2));
      // Two suites at a time: most of a suite's time is spent waiting on the database, the engine's
      // clocks and the processes it starts, so two share the two cores well (a quarter less time);
      // a suite beside another runs up to twice as long as alone, which the time limits and the
      // tests' waits allow for (TEST_WAIT_SCALE).
      log('[test] running jest: engine-workers, api, scenarios (two suites at a time)');
      // (all but the containment suite, which times the server's answers under attack: it runs alone, after)
      const alone = '/test/src/containment\\.spec\\.ts$';
      const ignore = ['--testPathIgnorePatterns', '/node_modules/', '/dist/', '/src/browser/', alone];
      if (jest(['--selectProjects', 'engine-workers', 'api', 'scenarios', '--maxWorkers=2', ...ignore], { TEST_WAIT_SCALE: '2' }) !== 0) return 1;
      if (jest([alone, '--selectProjects', 'scenarios']) !== 0) return 1;
      // The browser suites one at a time: chromium, the server and the database take both cores.
      log('[test] running jest: browser (one suite at a time)');
      if (jest(['--selectProjects', 'browser', '--runInBand']) !== 0) return 1;
      // The scenarios again on the other inbox layout (several API replicas on one database).
      log('[test] running the scenarios again with INBOX_STORE=database');
      const only = `/test/src/(${DATABASE_LAYOUT.join('|')})\\.spec\\.ts$`;
      // (the pattern before --selectProjects, which would take it for a second project's name;
      // five kills in the crash test here, ten on the first pass)
      // (one at a time: every act here writes the shared database, and the crash test beside another
      // suite kept that one's work from the database for over ten seconds)
      return jest([only, '--selectProjects', 'scenarios', '--runInBand'], { INBOX_STORE: 'database', CRASH_KILLS: '5' });
    },
    { unsynced: true },
  );
  process.exit(status);
});
