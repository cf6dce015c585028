/**
 * Attachments in GridFS, with a metadata document each (SHA-256, category, who, which instance).
 * Only office documents, PDFs, images and text are accepted, checked by extension and content.
 */
import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import { modelOn } from '../db/model-on';
import { Schema, mongo, type Connection, type Model } from 'mongoose';
import { userError } from '@ggzy/shared';

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

export const CATEGORIES = ['evidence', 'work-id', 'letter', 'complaint', 'unit-proof', 'officer-id', 'other'] as const;

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
  private readonly bucket: mongo.GridFSBucket;

  constructor(
    private readonly db: Connection,
    readonly maxBytes: number,
  ) {
    this.model = attachmentModel(db);
    this.bucket = new mongo.GridFSBucket(db.db!, { bucketName: 'attachments' });
  }

  /** Check type and size, store the bytes, return the metadata. */
  async save(
    file: { originalname: string; buffer: Buffer },
    meta: { uploadedBy: string; category?: string; instanceId?: string; taskId?: string },
  ): Promise<AttachmentDoc> {
    const filename = path.basename(Buffer.from(file.originalname, 'latin1').toString('utf8')).slice(0, 200);
    const ext = path.extname(filename).toLowerCase();
    const type = ALLOWED_TYPES[ext];
    if (!type) {
      throw userError('FILE_TYPE_NOT_ALLOWED', `不支持的文件类型：${ext || '(无扩展名)'}`, `File type not allowed: ${ext || '(none)'}`, {
        status: 415,
        hint: `Allowed: ${Object.keys(ALLOWED_TYPES).join(' ')}`,
      });
    }
    if (type.magic && !type.magic.every((b, i) => file.buffer[i] === b)) {
      throw userError('FILE_CONTENT_MISMATCH', `文件内容与扩展名 ${ext} 不符`, `The file's content does not match its extension ${ext}`, { status: 415 });
    }
    if (file.buffer.length > this.maxBytes) {
      throw userError(
        'FILE_TOO_LARGE',
        `文件超过 ${Math.round(this.maxBytes / 1048576)} MB`,
        `The file is larger than ${Math.round(this.maxBytes / 1048576)} MB`,
        { status: 413 },
      );
    }
    const id = randomUUID();
    const upload = this.bucket.openUploadStream(id, { metadata: { contentType: type.mime } });
    await new Promise<void>((resolve, reject) => {
      Readable.from(file.buffer)
        .pipe(upload)
        .on('finish', () => resolve())
        .on('error', reject);
    });
    const doc: AttachmentDoc = {
      _id: id,
      filename,
      contentType: type.mime,
      size: file.buffer.length,
      sha256: createHash('sha256').update(file.buffer).digest('hex'),
      category: meta.category ?? null,
      uploadedBy: meta.uploadedBy,
      uploadedAt: new Date(),
      instanceId: meta.instanceId ?? null,
      taskId: meta.taskId ?? null,
      fileId: String(upload.id),
    };
    await this.model.create(doc);
    return doc;
  }

  open(doc: AttachmentDoc): NodeJS.ReadableStream {
    return this.bucket.openDownloadStream(new mongo.ObjectId(doc.fileId));
  }

  forInstance(instanceId: string): Promise<AttachmentDoc[]> {
    return this.model.find({ instanceId }).sort({ uploadedAt: 1 }).lean();
  }

  /** Link uploads made before a flow started to the new instance; only the uploader's own, unlinked ones. */
  async link(ids: string[], uploader: string, instanceId: string): Promise<number> {
    let n = 0;
    for (const id of ids) {
      const r = await this.model.updateOne({ _id: id, uploadedBy: uploader, instanceId: null }, { $set: { instanceId } });
      n += r.modifiedCount;
    }
    return n;
  }
}
