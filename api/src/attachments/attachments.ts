/**
 * Attachments in GridFS, with a metadata document each (SHA-256, category, who, which instance).
 * Only office documents, PDFs, images and text are accepted, checked by extension and content.
 */
import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import { once } from 'node:events';
import { modelOn } from '../db/model-on';
import { Schema, mongo, type Connection, type Model } from 'mongoose';
import { userError } from '@ggzy/shared';
import { InstanceIndex } from '../instances/instance-index';

export interface AttachmentDoc {
  _id: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  category?: string | null;
  uploadedBy: string;
  uploadedAt: Date;
  instanceId?: string | null;
  taskId?: string | null;
  fileId: string;
}

export const ALLOWED_TYPES: Record<string, { mime: string; magic?: number[] }> = {
  '.pdf': { mime: 'application/pdf', magic: [0x25, 0x50, 0x44, 0x46] },
  '.png': { mime: 'image/png', magic: [0x89, 0x50, 0x4e, 0x47] },
  '.jpg': { mime: 'image/jpeg', magic: [0xff, 0xd8, 0xff] },
  '.jpeg': { mime: 'image/jpeg', magic: [0xff, 0xd8, 0xff] },
  '.docx': { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', magic: [0x50, 0x4b, 0x03, 0x04] },
  '.xlsx': { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', magic: [0x50, 0x4b, 0x03, 0x04] },
  '.doc': { mime: 'application/msword', magic: [0xd0, 0xcf, 0x11, 0xe0] },
  '.xls': { mime: 'application/vnd.ms-excel', magic: [0xd0, 0xcf, 0x11, 0xe0] },
  '.txt': { mime: 'text/plain' },
};

/** A file received into GridFS, before its metadata is recorded. */
export interface Received {
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  fileId: string;
}

export function attachmentModel(db: Connection): Model<AttachmentDoc> {
  return modelOn<AttachmentDoc>(
    db,
    'Attachment',
    new Schema<AttachmentDoc>(
      {
        _id: String,
        filename: String,
        contentType: String,
        size: Number,
        sha256: String,
        category: String,
        uploadedBy: String,
        uploadedAt: Date,
        instanceId: String,
        taskId: String,
        fileId: String,
      },
      { versionKey: false, _id: false, collection: 'attachments' },
    ).index({ instanceId: 1 }),
  );
}

export class AttachmentStore {
  readonly model: Model<AttachmentDoc>;
  private readonly index: InstanceIndex;
  private readonly bucket: mongo.GridFSBucket;

  /** Uploads on no flow yet, by id, with when they came. */
  private readonly orphans;
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly db: Connection,
    readonly maxBytes: number,
  ) {
    this.model = attachmentModel(db);
    this.index = new InstanceIndex(db);
    this.orphans = db.collection<{ _id: string; at: Date; claimedBy?: string | null }>('attachment_orphans');
    this.bucket = new mongo.GridFSBucket(db.db!, { bucketName: 'attachments' });
  }

  /**
   * Take a file as it arrives: its type checked by name at once and by its first bytes, its size
   * counted and its SHA-256 computed on the way, the bytes written to GridFS chunk by chunk — never
   * a whole file in memory. Over the size or not what its name says: the stored part is removed.
   */
  async receive(originalname: string, stream: AsyncIterable<Buffer>): Promise<Received> {
    const filename = path.basename(Buffer.from(originalname, 'latin1').toString('utf8')).slice(0, 200);
    const ext = path.extname(filename).toLowerCase();
    const type = ALLOWED_TYPES[ext];
    if (!type) {
      throw userError('FILE_TYPE_NOT_ALLOWED', `不支持的文件类型：${ext || '(无扩展名)'}`, `File type not allowed: ${ext || '(none)'}`, {
        status: 415,
        hint: `Allowed: ${Object.keys(ALLOWED_TYPES).join(' ')}`,
      });
    }
    const id = randomUUID();
    const upload = this.bucket.openUploadStream(id, { metadata: { contentType: type.mime } });
    const hash = createHash('sha256');
    let size = 0;
    let head = Buffer.alloc(0);
    const checkHead = () => {
      if (type.magic && !type.magic.every((b, i) => head[i] === b))
        throw userError('FILE_CONTENT_MISMATCH', `文件内容与扩展名 ${ext} 不符`, `The file's content does not match its extension ${ext}`, { status: 415 });
    };
    // A refusal on the way stops the writing; the rest of the upload is still read (leaving the
    // loop early would abort the request's stream, and the client would get that instead).
    let refused: unknown = null;
    try {
      for await (const chunk of stream) {
        if (refused) continue;
        try {
          if (head.length < 8) {
            head = Buffer.concat([head, chunk]).subarray(0, 8);
            if (head.length >= (type.magic?.length ?? 0)) checkHead();
          }
          size += chunk.length;
          if (size > this.maxBytes) {
            const mb = Math.round(this.maxBytes / 1048576);
            throw userError('FILE_TOO_LARGE', `文件超过 ${mb} MB`, `The file is larger than ${mb} MB`, { status: 413 });
          }
        } catch (err) {
          refused = err;
          continue;
        }
        hash.update(chunk);
        if (!upload.write(chunk)) await once(upload, 'drain');
      }
      if (refused) throw refused;
      checkHead();
      await new Promise<void>((resolve, reject) => upload.end((err?: Error | null) => (err ? reject(err) : resolve())));
    } catch (err) {
      await upload.abort().catch(() => undefined);
      throw err;
    }
    return { filename, contentType: type.mime, size, sha256: hash.digest('hex'), fileId: String(upload.id) };
  }

  /**
   * A text document the system writes (a 告知书…), kept as an attachment of the instance; its id
   * comes from `key`, so writing it again (a job run twice) finds the first.
   */
  async storeDocument(d: { key: string; filename: string; text: string; category: string; instanceId: string }): Promise<AttachmentDoc> {
    // An id of the same form as uploads' (a UUID), derived from the key (name-based, version 5 layout).
    const h = createHash('sha256').update(d.key).digest('hex');
    const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    const existing = await this.model.findById(id).lean();
    if (existing) return existing;
    const received = await this.receive(
      // receive() takes names as multer gives them (UTF-8 bytes read as latin1)
      Buffer.from(d.filename, 'utf8').toString('latin1'),
      (async function* () {
        yield Buffer.from(d.text, 'utf8');
      })(),
    );
    const doc: AttachmentDoc = {
      _id: id,
      ...received,
      category: d.category,
      uploadedBy: 'system',
      uploadedAt: new Date(),
      instanceId: d.instanceId,
      taskId: null,
    };
    try {
      await this.listUnder(d.instanceId, [id]);
      await this.model.create(doc);
    } catch (err) {
      await this.discard(received.fileId);
      if ((err as { code?: number }).code !== 11000) throw err;
      return (await this.model.findById(id).lean())!;
    }
    return doc;
  }

  /** The metadata of a file received. */
  async record(f: Received, meta: { uploadedBy: string; category?: string; instanceId?: string; taskId?: string }): Promise<AttachmentDoc> {
    const doc: AttachmentDoc = {
      _id: randomUUID(),
      ...f,
      category: meta.category ?? null,
      uploadedBy: meta.uploadedBy,
      uploadedAt: new Date(),
      instanceId: meta.instanceId ?? null,
      taskId: meta.taskId ?? null,
    };
    if (doc.instanceId) await this.listUnder(doc.instanceId, [doc._id]);
    await this.model.create(doc);
    // not on a flow yet (uploaded before one starts): removed if no flow takes it within a day
    if (!doc.instanceId) await this.orphans.insertOne({ _id: doc._id, at: doc.uploadedAt });
    return doc;
  }

  /**
   * Remove uploads no flow took within `maxAgeMs` (their bytes and their record). The list of such
   * uploads holds only the last day's, so looking through it stays cheap however many files exist.
   */
  async sweepOrphans(maxAgeMs = 86_400_000): Promise<number> {
    const before = Date.now() - maxAgeMs;
    let removed = 0;
    for (const o of await this.orphans.find({}).toArray()) {
      if (o.at.getTime() > before) continue;
      const doc = await this.model.findById(o._id).lean();
      if (doc && !doc.instanceId) {
        await this.discard(doc.fileId);
        await this.model.deleteOne({ _id: doc._id });
        removed++;
      }
      await this.orphans.deleteOne({ _id: o._id });
    }
    return removed;
  }

  startSweeping(everyMs = 3_600_000): void {
    this.sweeper = setInterval(() => void this.sweepOrphans().catch(() => undefined), everyMs);
    this.sweeper.unref();
  }

  stopSweeping(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  /** Bytes received whose upload did not complete (the request failed after them). */
  async discard(fileId: string): Promise<void> {
    await this.bucket.delete(new mongo.ObjectId(fileId)).catch(() => undefined);
  }

  open(doc: AttachmentDoc): NodeJS.ReadableStream {
    return this.bucket.openDownloadStream(new mongo.ObjectId(doc.fileId));
  }

  /** An instance's attachments, oldest first (read by id, listed under the instance). */
  async forInstance(instanceId: string): Promise<AttachmentDoc[]> {
    return (await this.index.docsOf(instanceId, 'attachments', this.model)).sort((a, b) => a.uploadedAt.getTime() - b.uploadedAt.getTime());
  }

  /** Listed under the instance before they are its (see InstanceIndex). */
  private listUnder(instanceId: string, ids: string[]): Promise<void> {
    return this.index.add(ids.map((id) => ({ instanceId, kind: 'attachments', id })));
  }

  /**
   * Link uploads made before a flow started to the new instance; only the uploader's own, unlinked
   * ones. The upload is read and written by id; which start takes it is settled on the short list
   * of uploads on no flow yet (one claim wins, also when two starts name it at once; the same start
   * carried again after a stop finds its own claim).
   */
  async link(ids: string[], uploader: string, instanceId: string): Promise<number> {
    await this.listUnder(instanceId, ids);
    let n = 0;
    for (const id of ids) {
      const doc = await this.model.findById(id).select('uploadedBy instanceId').lean();
      if (!doc || doc.uploadedBy !== uploader || doc.instanceId) continue;
      const claim = await this.orphans.updateOne({ _id: id, claimedBy: { $in: [null, instanceId] } }, { $set: { claimedBy: instanceId } });
      if (!claim.matchedCount) continue;
      await this.model.updateOne({ _id: id }, { $set: { instanceId } });
      await this.orphans.deleteOne({ _id: id });
      n++;
    }
    return n;
  }
}
