/**
 * Anchors for the audit chain, so that it can be neither cut at its end nor rewritten whole: after
 * every write the new head (sequence number and hash) is signed with a key the database does not
 * hold (HMAC) and appended to a checkpoint file outside the database; every few minutes a signed
 * checkpoint is also stored in the database for auditors to see. `verify` holds the chain to them:
 * an event missing after a checkpoint, or an event whose hash differs from the one signed, is
 * found even when every hash after it was recomputed.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';

export type AuditHash = 'sha256' | 'sm3';

export interface Checkpoint {
  seq: number;
  hash: string;
  at: string;
  /** Where it was read from. */
  source: 'file' | 'database';
}

export interface SignedLine {
  seq: number;
  hash: string;
  at: string;
  /** The HMAC's hash, when not SHA-256. */
  alg?: 'sm3';
  sig: string;
}

/** The anchor's key: AUDIT_KEY, or the key file (made with a random key, readable by its owner only, if missing). */
export function loadAuditKey(opts: { key?: string; keyFile?: string }): Buffer | null {
  if (opts.key) return Buffer.from(opts.key, 'utf8');
  if (!opts.keyFile) return null;
  if (!existsSync(opts.keyFile)) {
    mkdirSync(path.dirname(opts.keyFile), { recursive: true });
    writeFileSync(opts.keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
    chmodSync(opts.keyFile, 0o600);
  }
  return Buffer.from(readFileSync(opts.keyFile, 'utf8').trim(), 'utf8');
}

type AnchorSettings = {
  DATA_DIR?: string;
  AUDIT_KEY?: string;
  AUDIT_KEY_FILE?: string;
  AUDIT_CHECKPOINT_FILE?: string;
  AUDIT_HASH?: AuditHash;
};

/**
 * Where the anchor lives: the checkpoint file AUDIT_CHECKPOINT_FILE (default: in the data
 * directory) and the key file AUDIT_KEY_FILE (default: `<data dir>-audit.key` beside the data
 * directory, not in it, so that a copy of the directory does not carry it).
 */
export function anchorPaths(s: AnchorSettings): { file?: string; keyFile?: string } {
  const dataDir = s.DATA_DIR ? path.resolve(s.DATA_DIR) : undefined;
  return {
    file: s.AUDIT_CHECKPOINT_FILE ?? (dataDir && path.join(dataDir, 'audit-checkpoints.jsonl')),
    keyFile: s.AUDIT_KEY_FILE ?? (dataDir && path.join(path.dirname(dataDir), `${path.basename(dataDir)}-audit.key`)),
  };
}

/**
 * The anchor from the settings: the key from AUDIT_KEY or the key file (made when missing, unless
 * `create` is false). Without a data directory and a file, the chain is not anchored.
 */
export function anchorFromSettings(s: AnchorSettings, create = true): AuditAnchor | null {
  const { file, keyFile } = anchorPaths(s);
  if (!create && !s.AUDIT_KEY && !(keyFile && existsSync(keyFile))) return null;
  const key = loadAuditKey({ key: s.AUDIT_KEY, keyFile });
  return file && key ? new AuditAnchor(key, file, s.AUDIT_HASH ?? 'sha256') : null;
}

export class AuditAnchor {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly key: Buffer,
    readonly file: string,
    readonly algorithm: AuditHash,
  ) {
    mkdirSync(path.dirname(file), { recursive: true });
  }

  private sign(seq: number, hash: string, at: string, alg: AuditHash): string {
    return createHmac(alg, this.key).update(`${seq}|${hash}|${at}`).digest('hex');
  }

  /** Whether a checkpoint was signed with this key (with the HMAC it names). */
  holds(line: SignedLine): boolean {
    const want = Buffer.from(this.sign(line.seq, line.hash, line.at, line.alg ?? 'sha256'), 'hex');
    const got = Buffer.from(String(line.sig), 'hex');
    return want.length === got.length && timingSafeEqual(want, got);
  }

  signed(seq: number, hash: string, at = new Date().toISOString()): SignedLine {
    return { seq, hash, at, ...(this.algorithm === 'sm3' && { alg: 'sm3' as const }), sig: this.sign(seq, hash, at, this.algorithm) };
  }

  /**
   * Append the head written just now to the checkpoint file (in order; `flushed` waits for it).
   * Lines a failed append left are written with the next one (`unwritten` counts them meanwhile).
   */
  record(seq: number, hash: string): void {
    this.backlog.push(`${JSON.stringify(this.signed(seq, hash))}\n`);
    this.chain = this.chain.then(async () => {
      if (!this.backlog.length) return;
      const lines = this.backlog.splice(0);
      try {
        await appendFile(this.file, lines.join(''), { mode: 0o600 });
      } catch {
        this.backlog.unshift(...lines);
      }
    });
  }

  private readonly backlog: string[] = [];

  /** Checkpoint lines not in the file yet (a disk that refused them); they go with the next write. */
  get unwritten(): number {
    return this.backlog.length;
  }

  flushed(): Promise<void> {
    return this.chain;
  }

  /** The checkpoints of the file whose signature holds, and how many lines did not. */
  async fromFile(): Promise<{ checkpoints: Checkpoint[]; forged: number }> {
    await this.flushed();
    const text = await readFile(this.file, 'utf8').catch(() => '');
    const checkpoints: Checkpoint[] = [];
    let forged = 0;
    for (const raw of text.split('\n')) {
      if (!raw.trim()) continue;
      let line: SignedLine;
      try {
        line = JSON.parse(raw) as SignedLine;
      } catch {
        forged++;
        continue;
      }
      if (this.holds(line)) checkpoints.push({ seq: line.seq, hash: line.hash, at: line.at, source: 'file' });
      else forged++;
    }
    return { checkpoints, forged };
  }
}
