/**
 * Forms (form-js JSON) by id. Files in processes/forms are loaded at start when the file changed
 * since it was last loaded (an admin's version stays the latest until an admin or a changed file
 * replaces it); an admin may store a newer version through the API. A task shows the latest
 * version of its form.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { modelOn } from '../db/model-on';
import { Schema, type Connection, type Model } from 'mongoose';
import { isNcName, notFound, userError } from '@ggzy/shared';
import type { FormSchema } from './form-validator';

interface FormDoc {
  _id: string;
  schema: string;
  checksum: string;
  version: number;
  updatedAt: Date;
  updatedBy: string;
  /** The checksum of the file's content when it was last loaded from `processes/forms`. */
  fileChecksum?: string;
}

function formModel(db: Connection): Model<FormDoc> {
  return modelOn<FormDoc>(
    db,
    'Form',
    new Schema<FormDoc>(
      { _id: String, schema: String, checksum: String, version: Number, updatedAt: Date, updatedBy: String, fileChecksum: String },
      { versionKey: false, _id: false, collection: 'forms' },
    ),
  );
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export class FormRegistry {
  private readonly model: Model<FormDoc>;
  private readonly cache = new Map<string, { form: FormSchema; version: number }>();
  /** Told the id of each form saved in this process. */
  readonly saved = new Set<(formId: string) => void>();

  constructor(db: Connection) {
    this.model = formModel(db);
  }

  /**
   * Store every `*.form` of a folder whose file changed since it was last loaded from there;
   * returns how many were stored.
   */
  async loadDirectory(dir: string): Promise<number> {
    if (!existsSync(dir)) return 0;
    // (the forms are few: read at once, then only the changed files are written, in one round trip)
    const stored = new Map((await this.model.find({}).lean()).map((d) => [d._id, d]));
    const writes: Parameters<Model<FormDoc>['bulkWrite']>[0] = [];
    const fresh: Array<{ form: FormSchema; version: number }> = [];
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.form'))) {
      const json = readFileSync(path.join(dir, f), 'utf8');
      const fileChecksum = sha256(json);
      const form = parseForm(json);
      const existing = stored.get(form.id);
      if (existing?.fileChecksum === fileChecksum) continue;
      // A database from before files were tracked: a form last saved by an admin stays theirs.
      if (existing && existing.fileChecksum === undefined && existing.updatedBy !== 'system') {
        writes.push({ updateOne: { filter: { _id: existing._id }, update: { $set: { fileChecksum } } } });
        continue;
      }
      if (existing?.checksum === fileChecksum) {
        writes.push({ updateOne: { filter: { _id: form.id }, update: { $set: { fileChecksum } } } });
        continue;
      }
      const version = (existing?.version ?? 0) + 1;
      writes.push({ updateOne: { filter: { _id: form.id }, update: versionUpdate(json, fileChecksum, version, 'system', fileChecksum), upsert: true } });
      fresh.push({ form, version });
    }
    if (writes.length) await this.model.bulkWrite(writes, { ordered: true });
    for (const { form, version } of fresh) this.stored(form, version);
    return fresh.length;
  }

  /** Store a form; returns its new version, or null when unchanged. */
  async save(json: string, by: string): Promise<number | null> {
    const form = parseForm(json);
    const checksum = sha256(json);
    const existing = await this.model.findById(form.id).lean();
    if (existing?.checksum === checksum) return null;
    const version = (existing?.version ?? 0) + 1;
    await this.model.updateOne({ _id: form.id }, versionUpdate(json, checksum, version, by), { upsert: true });
    this.stored(form, version);
    return version;
  }

  /** A version just written: kept for reading, and told to who listens. */
  private stored(form: FormSchema, version: number): void {
    this.cache.set(form.id, { form, version });
    for (const l of this.saved) l(form.id);
  }

  /** Read a form again next time (another replica saved it). */
  forget(formId: string): void {
    this.cache.delete(formId);
  }

  async get(formId: string): Promise<{ form: FormSchema; version: number }> {
    const hit = this.cache.get(formId);
    if (hit) return hit;
    const doc = await this.model.findById(formId).lean();
    if (!doc) throw notFound('Form', '表单', formId);
    const entry = { form: JSON.parse(doc.schema) as FormSchema, version: doc.version };
    this.cache.set(formId, entry);
    return entry;
  }

  async list(): Promise<{ id: string; name?: string; version: number; updatedAt: string; updatedBy: string }[]> {
    const docs = await this.model.find({}).lean();
    return docs.map((d) => ({
      id: d._id,
      name: (JSON.parse(d.schema) as FormSchema).name,
      version: d.version,
      updatedAt: d.updatedAt.toISOString(),
      updatedBy: d.updatedBy,
    }));
  }
}

/** The update that stores `json` as a form's `version` (with the file's checksum when it came from one). */
function versionUpdate(json: string, checksum: string, version: number, by: string, fileChecksum?: string) {
  return { $set: { schema: json, checksum, version, updatedAt: new Date(), updatedBy: by, ...(fileChecksum && { fileChecksum }) } };
}

/** A form definition as JSON, checked for what every form needs (an id, components). */
function parseForm(json: string): FormSchema {
  let form: FormSchema;
  try {
    form = JSON.parse(json) as FormSchema;
  } catch {
    throw userError('FORM_SCHEMA_INVALID', '表单定义不是有效的 JSON', 'The form definition is not valid JSON');
  }
  if (!form || typeof form.id !== 'string' || !isNcName(form.id) || !Array.isArray(form.components)) {
    throw userError(
      'FORM_SCHEMA_INVALID',
      '表单定义需要 id（字母或下划线开头，只含字母、数字、_ . -）和 components',
      'A form needs an id (a letter or _ first, then letters, digits, _ . -) and components',
    );
  }
  return form;
}
