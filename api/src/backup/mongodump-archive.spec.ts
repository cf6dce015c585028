/** The mongodump archive format: CRC, layout, round trip, and damage found. */
import { PassThrough, Readable } from 'node:stream';
import { crc64 } from 'crc64-ecma182.js';
import mongoose from 'mongoose';
import { ArchiveError, ArchiveWriter, metadataJson, parseMetadata, readArchive, type ArchiveItem } from './mongodump-archive';

const { BSON } = mongoose.mongo;
const raw = (doc: Record<string, unknown>) => Buffer.from(BSON.serialize(doc));

async function write(collections: Record<string, Buffer[]>): Promise<Buffer> {
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on('data', (b: Buffer) => parts.push(b));
  const w = new ArchiveWriter(out);
  const entries = Object.keys(collections).map((c) => ({
    db: 'ggzy',
    collection: c,
    metadata: metadataJson({ indexes: [{ v: 2, key: { _id: 1 }, name: '_id_' }] }),
    size: 0,
    type: '',
  }));
  await w.begin({ concurrent_collections: 1, server_version: '7.0.0', tool_version: 'test' }, entries);
  for (const [c, docs] of Object.entries(collections)) {
    await w.startCollection('ggzy', c);
    for (const d of docs) await w.document(d);
    await w.endCollection();
  }
  return Buffer.concat(parts);
}

async function read(buf: Buffer, chunk = 7): Promise<ArchiveItem[]> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunk) chunks.push(buf.subarray(i, i + chunk));
  const items: ArchiveItem[] = [];
  for await (const it of readArchive(Readable.from(chunks))) items.push(it);
  return items;
}

test('the CRC is CRC-64/ECMA-182 as Go computes it (the catalogue check value)', () => {
  expect(BigInt(crc64('123456789')).toString(16)).toBe('995dc9bbdf1939fa');
});

test('an archive starts with the magic number, then the header, the prelude and a terminator', async () => {
  const buf = await write({ users: [raw({ _id: 'u1' })] });
  expect(buf.readUInt32LE(0)).toBe(0x8199e26d);
  const headerLen = buf.readUInt32LE(4);
  expect(BSON.deserialize(buf.subarray(4, 4 + headerLen))).toEqual({
    concurrent_collections: 1,
    version: '0.1',
    server_version: '7.0.0',
    tool_version: 'test',
  });
  const entryLen = buf.readUInt32LE(4 + headerLen);
  expect(buf.readUInt32LE(4 + headerLen + entryLen)).toBe(0xffffffff);
  // the archive ends with a namespace's EOF header and a terminator
  expect(buf.readUInt32LE(buf.length - 4)).toBe(0xffffffff);
});

test('documents come back byte for byte, per collection, across any chunking', async () => {
  const users = [raw({ _id: 'u1', n: new BSON.Int32(1) }), raw({ _id: 'u2', d: new BSON.Double(2), l: BSON.Long.fromNumber(3), at: new Date(0) })];
  const chunks = [raw({ _id: new BSON.ObjectId(), data: new BSON.Binary(Buffer.alloc(300_000, 7)) })];
  const buf = await write({ users, 'attachments.chunks': chunks, empty: [] });
  for (const size of [3, 4096, buf.length]) {
    const items = await read(buf, size);
    expect(items.filter((i) => i.kind === 'collection').map((i) => i.kind === 'collection' && i.entry.collection)).toEqual([
      'users',
      'attachments.chunks',
      'empty',
    ]);
    const docs = (c: string) => items.flatMap((i) => (i.kind === 'document' && i.collection === c ? [i.raw] : []));
    expect(docs('users')).toEqual(users);
    expect(docs('attachments.chunks')).toEqual(chunks);
    expect(items.filter((i) => i.kind === 'end').map((i) => i.kind === 'end' && [i.collection, i.count])).toEqual([
      ['users', 2],
      ['attachments.chunks', 1],
      ['empty', 0],
    ]);
  }
});

test('a changed byte in a document breaks its namespace CRC; a cut archive and a foreign file are refused', async () => {
  const buf = await write({ users: [raw({ _id: 'u1', name: '张三' })] });
  const at = buf.indexOf(Buffer.from('u1'));
  const changed = Buffer.from(buf);
  changed[at + 1] = '2'.charCodeAt(0);
  await expect(read(changed)).rejects.toThrow(/CRC of ggzy.users does not hold/);
  await expect(read(buf.subarray(0, buf.length - 10))).rejects.toThrow(ArchiveError);
  await expect(read(Buffer.from('{"not":"an archive"}'))).rejects.toThrow(/not a mongodump archive/);
});

test('collection metadata is canonical Extended JSON and reads back', () => {
  const json = metadataJson({ indexes: [{ v: 2, key: { instanceId: 1 }, name: 'instanceId_1' }], options: {} });
  expect(json).toContain('"$numberInt":"2"');
  expect(parseMetadata(json).indexes[0]).toMatchObject({ name: 'instanceId_1' });
});
