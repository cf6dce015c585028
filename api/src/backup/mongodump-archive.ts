/**
 * The mongodump archive format (mongo-tools' common/archive/spec.md), so that a backup of the
 * embedded database can be restored with `mongorestore --archive=… --gzip` into a real MongoDB
 * and an archive made by `mongodump --archive` can be restored here:
 *
 *   magic (0x8199e26d, little-endian) · header · collection metadata… · terminator ·
 *   (namespace header · documents… · terminator | EOF header with the namespace's CRC · terminator)…
 *
 * The CRC is CRC-64/ECMA-182 as Go's hash/crc64 computes it, over every document's bytes in order.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { crc64 } from 'crc64-ecma182.js';
import mongoose from 'mongoose';

const { BSON } = mongoose.mongo;
const MAGIC = 0x8199e26d;
const TERMINATOR = 0xffffffff;
const FORMAT_VERSION = '0.1';

export interface ArchiveHeader {
  concurrent_collections: number;
  version: string;
  server_version: string;
  tool_version: string;
}

/** One collection's entry in the archive's prelude; `metadata` is canonical Extended JSON (indexes, options). */
export interface CollectionEntry {
  db: string;
  collection: string;
  metadata: string;
  size: number;
  type: string;
}

export interface CollectionMetadata {
  indexes: Record<string, unknown>[];
  options?: Record<string, unknown>;
  collectionName?: string;
  type?: string;
}

function bson(doc: Record<string, unknown>): Buffer {
  const u8 = BSON.serialize(doc);
  return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}

/** A running CRC-64/ECMA-182 (decimal string, as the library keeps it). */
class Crc {
  private value = '0';
  add(buf: Buffer): void {
    this.value = crc64(buf, this.value);
  }
  get long(): InstanceType<typeof BSON.Long> {
    return BSON.Long.fromString(this.value, true);
  }
  get decimal(): string {
    return this.value;
  }
}

/** Writes an archive to a stream (gzip it for `--gzip`), waiting when the stream is full. */
export class ArchiveWriter {
  private crc: Crc | null = null;
  private current: { db: string; collection: string } | null = null;

  constructor(private readonly out: Writable) {}

  private async put(buf: Buffer): Promise<void> {
    if (!this.out.write(buf)) await once(this.out, 'drain');
  }

  /** Magic number, header and the prelude's collection entries. */
  async begin(header: Omit<ArchiveHeader, 'version'>, collections: CollectionEntry[]): Promise<void> {
    await this.put(int32(MAGIC));
    await this.put(
      bson({
        concurrent_collections: new BSON.Int32(header.concurrent_collections),
        version: FORMAT_VERSION,
        server_version: header.server_version,
        tool_version: header.tool_version,
      }),
    );
    for (const c of collections) {
      const size = c.size <= 0x7fffffff ? new BSON.Int32(c.size) : BSON.Long.fromNumber(c.size);
      await this.put(bson({ db: c.db, collection: c.collection, metadata: c.metadata, size, type: c.type }));
    }
    await this.put(int32(TERMINATOR));
  }

  /** Start a collection's one segment of documents. */
  async startCollection(db: string, collection: string): Promise<void> {
    this.current = { db, collection };
    this.crc = new Crc();
    await this.put(bson({ db, collection, EOF: false, CRC: BSON.Long.fromNumber(0) }));
  }

  /** One document, as the BSON bytes the database gave (so types and order are kept exactly). */
  async document(raw: Buffer): Promise<void> {
    this.crc!.add(raw);
    await this.put(raw);
  }

  /** End the segment and write the collection's EOF header with its CRC. */
  async endCollection(): Promise<void> {
    const { db, collection } = this.current!;
    await this.put(int32(TERMINATOR));
    await this.put(bson({ db, collection, EOF: true, CRC: this.crc!.long }));
    await this.put(int32(TERMINATOR));
    this.current = null;
    this.crc = null;
  }
}

/** Reads exactly n bytes at a time from a stream's chunks. */
class ByteReader {
  private chunks: Buffer[] = [];
  private have = 0;
  private done = false;
  private readonly it: AsyncIterator<Buffer>;

  constructor(source: AsyncIterable<Buffer>) {
    this.it = source[Symbol.asyncIterator]();
  }

  async take(n: number): Promise<Buffer | null> {
    while (this.have < n && !this.done) {
      const next = await this.it.next();
      if (next.done) this.done = true;
      else {
        this.chunks.push(next.value);
        this.have += next.value.length;
      }
    }
    if (this.have < n) {
      if (this.have === 0) return null;
      throw new ArchiveError(`the archive ends in the middle of a record (${this.have} of ${n} bytes)`);
    }
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.have = rest.length;
    return out;
  }
}

export class ArchiveError extends Error {}

/** What reading an archive yields, in order. */
export type ArchiveItem =
  | { kind: 'header'; header: ArchiveHeader }
  | { kind: 'collection'; entry: CollectionEntry }
  | { kind: 'document'; db: string; collection: string; raw: Buffer }
  | { kind: 'end'; db: string; collection: string; count: number };

/**
 * Read an archive (already gunzipped), checking the magic number and every namespace's CRC; a
 * document is yielded only after its length is read whole, and a namespace's end only when its
 * CRC holds.
 */
export async function* readArchive(source: AsyncIterable<Buffer>): AsyncGenerator<ArchiveItem> {
  const r = new ByteReader(source);
  const magic = await r.take(4);
  if (!magic || magic.readUInt32LE(0) !== MAGIC) throw new ArchiveError('this is not a mongodump archive (magic number)');
  // A record: a BSON document, or the terminator where one may end a list.
  const record = async (): Promise<Buffer | 'terminator' | null> => {
    const len = await r.take(4);
    if (!len) return null;
    const n = len.readUInt32LE(0);
    if (n === TERMINATOR) return 'terminator';
    if (n < 5 || n > 48 * 1024 * 1024) throw new ArchiveError(`a record of ${n} bytes cannot be a BSON document`);
    const body = await r.take(n - 4);
    if (!body) throw new ArchiveError('the archive ends in the middle of a document');
    return Buffer.concat([len, body]);
  };
  const headerBuf = await record();
  if (!Buffer.isBuffer(headerBuf)) throw new ArchiveError('the archive has no header');
  yield { kind: 'header', header: BSON.deserialize(headerBuf) as ArchiveHeader };
  for (;;) {
    const rec = await record();
    if (rec === 'terminator') break;
    if (!rec) throw new ArchiveError('the archive ends inside its list of collections');
    const e = BSON.deserialize(rec, { promoteLongs: true });
    yield { kind: 'collection', entry: { db: e.db, collection: e.collection, metadata: e.metadata, size: Number(e.size ?? 0), type: e.type ?? '' } };
  }
  const crcs = new Map<string, { crc: Crc; count: number }>();
  for (;;) {
    const rec = await record();
    if (rec === null) return;
    if (rec === 'terminator') throw new ArchiveError('a terminator where a namespace header was expected');
    const h = BSON.deserialize(rec, { promoteLongs: false }) as { db: string; collection: string; EOF: boolean; CRC: InstanceType<typeof BSON.Long> };
    const ns = `${h.db}.${h.collection}`;
    const state = crcs.get(ns) ?? { crc: new Crc(), count: 0 };
    crcs.set(ns, state);
    if (h.EOF) {
      const want = BSON.Long.fromValue(h.CRC).toUnsigned().toString();
      if (want !== state.crc.decimal) throw new ArchiveError(`the CRC of ${ns} does not hold (${state.crc.decimal} ≠ ${want}): the archive is damaged`);
      if ((await record()) !== 'terminator') throw new ArchiveError(`no terminator after the end of ${ns}`);
      yield { kind: 'end', db: h.db, collection: h.collection, count: state.count };
      continue;
    }
    for (;;) {
      const doc = await record();
      if (doc === 'terminator') break;
      if (!doc) throw new ArchiveError(`the archive ends inside ${ns}`);
      state.crc.add(doc);
      state.count++;
      yield { kind: 'document', db: h.db, collection: h.collection, raw: doc };
    }
  }
}

/** A collection's metadata as mongodump writes it (canonical Extended JSON). */
export function metadataJson(m: CollectionMetadata): string {
  return BSON.EJSON.stringify(m, { relaxed: false });
}

export function parseMetadata(json: string): CollectionMetadata {
  return BSON.EJSON.parse(json, { relaxed: false }) as CollectionMetadata;
}
