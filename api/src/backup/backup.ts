/**
 * Backup and restore of the whole system: the database (attachments included, they live in it)
 * as a mongodump archive, and the audit chain's checkpoint file. A backup is a folder:
 *
 *   database.archive.gz       mongodump --archive --gzip format (mongorestore reads it too)
 *   audit-checkpoints.jsonl   the signed checkpoints (the key that signs them is not in a backup)
 *   manifest.json             written last: counts per collection and the files' SHA-256
 *
 * Restore goes into an empty database only, checks the files against the manifest first, then
 * checks what it wrote: the counts, every attachment's SHA-256 and the audit chain.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import path from 'node:path';
import { createGunzip, createGzip } from 'node:zlib';
import mongoose, { type Connection } from 'mongoose';
import type { AuditService, VerifyResult } from '../audit/audit.service';
import type { AuditAnchor } from '../audit/audit-anchor';
import { ArchiveWriter, metadataJson, parseMetadata, readArchive, type CollectionEntry } from './mongodump-archive';

const { BSON } = mongoose.mongo;
export const ARCHIVE_FILE = 'database.archive.gz';
export const CHECKPOINT_FILE = 'audit-checkpoints.jsonl';
export const MANIFEST_FILE = 'manifest.json';

export interface Manifest {
  format: 'ggzy-backup/1';
  createdAt: string;
  database: string;
  collections: Record<string, number>;
  files: Record<string, { sha256: string; bytes: number }>;
  attachments: number;
}

export class BackupError extends Error {}

type Log = (line: string) => void;

async function sha256File(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/**
 * What a backup leaves out: who holds the engine and the memory inbox now, the write locks being
 * held, and the replicas' minute-long change events. A restored system starts with none, as after a clean stop.
 */
export const TRANSIENT_COLLECTIONS: readonly string[] = ['engine_leases', 'process_leases', 'replica_events', 'write_locks'];

/** The collections to copy: the audit trail's checkpoints and events first (see `backup`), then the rest by name. */
async function collectionsOf(db: Connection): Promise<{ name: string; options: Record<string, unknown> }[]> {
  const infos = (await db.db!.listCollections({}, { nameOnly: false }).toArray()) as { name: string; type?: string; options?: Record<string, unknown> }[];
  const first = ['audit_checkpoints', 'audit_events'];
  return infos
    .filter((c) => (c.type ?? 'collection') === 'collection' && !c.name.startsWith('system.') && !TRANSIENT_COLLECTIONS.includes(c.name))
    .map((c) => ({ name: c.name, options: c.options ?? {} }))
    .sort((a, b) => {
      const ra = first.indexOf(a.name) + 1 || 99;
      const rb = first.indexOf(b.name) + 1 || 99;
      return ra - rb || a.name.localeCompare(b.name);
    });
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * Write a backup of `db` into `outDir` (made; it must not hold a backup already). The checkpoint
 * file is copied before the trail, and the trail before the rest, so the copy's trail reaches at
 * least as far as its checkpoints while the system runs on. Each collection is read once, in its
 * natural order, as the database's own BSON bytes.
 */
export async function backup(opts: { db: Connection; outDir: string; checkpointFile?: string; toolVersion: string; log: Log }): Promise<Manifest> {
  const { db, outDir, log } = opts;
  if (existsSync(path.join(outDir, MANIFEST_FILE))) throw new BackupError(`${outDir} already holds a backup`);
  mkdirSync(outDir, { recursive: true });
  const files: Manifest['files'] = {};
  if (opts.checkpointFile && existsSync(opts.checkpointFile)) {
    copyFileSync(opts.checkpointFile, path.join(outDir, CHECKPOINT_FILE));
    files[CHECKPOINT_FILE] = await sha256File(path.join(outDir, CHECKPOINT_FILE));
    log(`[backup] audit checkpoints: ${files[CHECKPOINT_FILE].bytes} bytes`);
  }
  const dbName = db.name;
  const collections = await collectionsOf(db);
  const entries: CollectionEntry[] = [];
  for (const c of collections) {
    const coll = db.db!.collection(c.name);
    const indexes = (await coll.listIndexes().toArray()) as Record<string, unknown>[];
    const stats = (await db.db!.command({ collStats: c.name }).catch(() => ({ size: 0 }))) as { size?: number };
    entries.push({
      db: dbName,
      collection: c.name,
      metadata: metadataJson({ indexes, options: c.options, collectionName: c.name, type: 'collection' }),
      size: Math.max(0, Math.round(Number(stats.size ?? 0))),
      type: '',
    });
  }
  const archivePath = path.join(outDir, ARCHIVE_FILE);
  const gzip = createGzip();
  const sink = createWriteStream(archivePath);
  gzip.pipe(sink);
  const writer = new ArchiveWriter(gzip);
  await writer.begin({ concurrent_collections: 1, server_version: await serverVersion(db), tool_version: opts.toolVersion }, entries);
  const counts: Record<string, number> = {};
  for (const c of collections) {
    await writer.startCollection(dbName, c.name);
    let n = 0;
    let bytes = 0;
    for await (const raw of db.db!.collection(c.name).find({}, { raw: true, batchSize: 1000 }) as AsyncIterable<Buffer>) {
      await writer.document(raw);
      n++;
      bytes += raw.length;
      if (n % 50_000 === 0) log(`[backup]   ${c.name}: ${count(n)} documents…`);
    }
    await writer.endCollection();
    counts[c.name] = n;
    log(`[backup] ${c.name}: ${count(n)} documents (${(bytes / 1048576).toFixed(1)} MB)`);
  }
  gzip.end();
  await finished(sink);
  files[ARCHIVE_FILE] = await sha256File(archivePath);
  const manifest: Manifest = {
    format: 'ggzy-backup/1',
    createdAt: new Date().toISOString(),
    database: dbName,
    collections: counts,
    files,
    attachments: counts['attachments'] ?? 0,
  };
  writeFileSync(path.join(outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  log(`[backup] written to ${outDir} (${(files[ARCHIVE_FILE].bytes / 1048576).toFixed(1)} MB compressed)`);
  return manifest;
}

async function serverVersion(db: Connection): Promise<string> {
  const info = (await db
    .db!.admin()
    .serverInfo()
    .catch(() => ({ version: 'unknown' }))) as { version?: string };
  return String(info.version ?? 'unknown');
}

/** Read and check a backup's manifest and files (their SHA-256) before anything is written. */
export async function checkBackup(dir: string): Promise<Manifest> {
  const manifestPath = path.join(dir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) throw new BackupError(`${dir} holds no ${MANIFEST_FILE}: it is not a backup, or its writing did not finish`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  if (manifest.format !== 'ggzy-backup/1') throw new BackupError(`unknown backup format: ${String(manifest.format)}`);
  for (const [file, want] of Object.entries(manifest.files)) {
    const p = path.join(dir, file);
    if (!existsSync(p)) throw new BackupError(`${file} is missing from the backup`);
    const got = await sha256File(p);
    if (got.sha256 !== want.sha256) throw new BackupError(`${file} is damaged: its SHA-256 is not the one in the manifest`);
  }
  return manifest;
}

export interface RestoreReport {
  collections: Record<string, number>;
  attachments: { checked: number; mismatched: string[] };
  audit: VerifyResult;
}

/** Index options as createIndexes takes them (the dump's `v` and `ns` are the server's own). */
function indexSpec(ix: Record<string, unknown>): { key: Record<string, number>; options: Record<string, unknown> } {
  const { key, v: _v, ns: _ns, ...options } = ix;
  return { key: key as Record<string, number>, options };
}

/**
 * Restore a checked backup into `db`, which must be empty; the checkpoint file is copied to
 * `checkpointFile` (which must not exist yet). `anchor` is the key that signed the checkpoints,
 * held to them before anything is written.
 */
export async function restore(opts: {
  db: Connection;
  fromDir: string;
  checkpointFile?: string;
  anchor: AuditAnchor | null;
  /** The trail's verification, as the system runs it on the restored database. */
  audit: Pick<AuditService, 'verify'>;
  log: Log;
}): Promise<RestoreReport> {
  const { db, fromDir, log } = opts;
  const manifest = await checkBackup(fromDir);
  log(`[restore] backup of ${manifest.createdAt}: ${Object.keys(manifest.collections).length} collections, files intact`);
  const present = await collectionsOf(db);
  for (const c of present) {
    if ((await db.db!.collection(c.name).estimatedDocumentCount()) > 0) {
      throw new BackupError(`the database "${db.name}" already holds data (${c.name}); restore goes into an empty data directory or database`);
    }
  }
  const savedCheckpoints = manifest.files[CHECKPOINT_FILE] ? path.join(fromDir, CHECKPOINT_FILE) : null;
  if (savedCheckpoints) {
    if (!opts.checkpointFile)
      throw new BackupError('the backup has audit checkpoints; give a data directory (DATA_DIR) or AUDIT_CHECKPOINT_FILE to put them in');
    if (existsSync(opts.checkpointFile) && statSync(opts.checkpointFile).size > 0) throw new BackupError(`${opts.checkpointFile} exists already`);
    if (!opts.anchor) throw new BackupError('the backup has signed audit checkpoints but no key was given (AUDIT_KEY or AUDIT_KEY_FILE)');
    const lines = readFileSync(savedCheckpoints, 'utf8')
      .split('\n')
      .filter((l) => l.trim());
    const forged = lines.filter((l) => !opts.anchor!.holds(JSON.parse(l))).length;
    if (forged)
      throw new BackupError(`the audit key given does not sign ${forged} of the backup's ${lines.length} checkpoints: use the key of the system that made it`);
  }

  const metadata = new Map<string, Record<string, unknown>[]>();
  const restored: Record<string, number> = {};
  let batch: Record<string, unknown>[] = [];
  let batchBytes = 0;
  const flush = async (name: string) => {
    if (batch.length) await db.db!.collection(name).insertMany(batch, { ordered: true, checkKeys: false } as never);
    batch = [];
    batchBytes = 0;
  };
  for await (const item of readArchive(createReadStream(path.join(fromDir, ARCHIVE_FILE)).pipe(createGunzip()))) {
    if (item.kind === 'collection') metadata.set(item.entry.collection, parseMetadata(item.entry.metadata).indexes ?? []);
    else if (item.kind === 'document') {
      // Wrapper types kept (Int32, Double, Long…) so the documents are written back as they were.
      batch.push(BSON.deserialize(item.raw, { promoteValues: false }));
      batchBytes += item.raw.length;
      if (batch.length >= 1000 || batchBytes >= 8 * 1048576) await flush(item.collection);
    } else if (item.kind === 'end') {
      await flush(item.collection);
      await db.db!.createCollection(item.collection).catch(() => undefined);
      for (const ix of metadata.get(item.collection) ?? []) {
        if (ix.name === '_id_') continue;
        const { key, options } = indexSpec(ix);
        await db.db!.collection(item.collection).createIndex(key, options);
      }
      restored[item.collection] = item.count;
      const want = manifest.collections[item.collection];
      if (want !== undefined && want !== item.count)
        throw new BackupError(`${item.collection}: the archive holds ${item.count} documents, the manifest says ${want}`);
      log(`[restore] ${item.collection}: ${count(item.count)} documents`);
    }
  }
  for (const name of Object.keys(manifest.collections)) {
    if (!(name in restored)) throw new BackupError(`${name} is in the manifest but not in the archive`);
  }
  if (savedCheckpoints && opts.checkpointFile) {
    mkdirSync(path.dirname(opts.checkpointFile), { recursive: true });
    copyFileSync(savedCheckpoints, opts.checkpointFile);
  }

  const attachments = await checkAttachments(db);
  log(`[restore] attachments: ${attachments.checked} checked, ${attachments.mismatched.length} whose SHA-256 differs`);
  const audit = await opts.audit.verify();
  log(
    `[restore] audit chain: ${audit.ok ? 'verifies' : `BROKEN (${audit.reason})`} — ${count(audit.count)} events` +
      (audit.lastCheckpoint ? `, last checkpoint matched at event ${audit.lastCheckpoint.seq}` : ''),
  );
  return { collections: restored, attachments, audit };
}

/** Every attachment's stored bytes hashed and held to the SHA-256 recorded at upload. */
export async function checkAttachments(db: Connection): Promise<{ checked: number; mismatched: string[] }> {
  const bucket = new mongoose.mongo.GridFSBucket(db.db!, { bucketName: 'attachments' });
  const mismatched: string[] = [];
  let checked = 0;
  for await (const a of db.db!.collection<{ _id: string; fileId: string; sha256: string }>('attachments').find({})) {
    const hash = createHash('sha256');
    try {
      for await (const chunk of bucket.openDownloadStream(new mongoose.mongo.ObjectId(a.fileId))) hash.update(chunk as Buffer);
      if (hash.digest('hex') !== a.sha256) mismatched.push(a._id);
    } catch {
      mismatched.push(a._id);
    }
    checked++;
  }
  return { checked, mismatched };
}
