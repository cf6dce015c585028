/**
 * `npm run backup` / `npm run restore` (scripts/backup.mjs starts the database and runs this):
 *
 *   backup-cli backup [--out DIR]   a backup of MONGODB_URI's database and the audit checkpoints
 *   backup-cli restore DIR          into MONGODB_URI's database (empty) and DATA_DIR, then verified
 *
 * Exits 1 with one line on stderr when it cannot, 2 when a restore's checks do not hold.
 */
import path from 'node:path';
import mongoose from 'mongoose';
import { anchorFromSettings, anchorPaths } from '../audit/audit-anchor';
import { AuditService } from '../audit/audit.service';
import { loadConfig } from '../config/config';
import { backup, BackupError, restore } from './backup';

const log = (line: string) => process.stdout.write(`${line}\n`);

function stamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

async function run(argv: string[]): Promise<number> {
  const [mode, ...rest] = argv;
  const config = loadConfig();
  const db = mongoose.createConnection(config.MONGODB_URI, { serverSelectionTimeoutMS: 10_000 });
  await db.asPromise();
  try {
    const { file: checkpointFile } = anchorPaths(config);
    if (mode === 'backup') {
      const at = rest.indexOf('--out');
      const outDir = path.resolve(at >= 0 && rest[at + 1] ? rest[at + 1]! : path.join(process.env.BACKUP_DIR ?? 'backups', `ggzy-${stamp()}`));
      log(`[backup] database "${db.name}" → ${outDir}`);
      await backup({ db, outDir, checkpointFile, toolVersion: 'ggzy-12345', log });
      const { keyFile } = anchorPaths(config);
      if (!config.AUDIT_KEY && keyFile) log(`[backup] the key that signs the audit checkpoints is not in a backup: keep a copy of ${keyFile} apart`);
      return 0;
    }
    if (mode === 'restore' && rest[0]) {
      const fromDir = path.resolve(rest[0]);
      const anchor = anchorFromSettings(config, false);
      log(`[restore] ${fromDir} → database "${db.name}"${config.DATA_DIR ? `, data directory ${config.DATA_DIR}` : ''}`);
      const report = await restore({
        db,
        fromDir,
        checkpointFile,
        anchor,
        audit: new AuditService(db, { algorithm: config.AUDIT_HASH, anchor }),
        log,
      });
      const ok = report.audit.ok && report.attachments.mismatched.length === 0;
      log(ok ? '[restore] done: counts, attachments and the audit chain all hold' : '[restore] done, but the checks above did not all hold');
      return ok ? 0 : 2;
    }
    process.stderr.write('usage: backup-cli backup [--out DIR] | backup-cli restore DIR\n');
    return 1;
  } finally {
    await db.close();
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`\n✖ ${err instanceof BackupError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
