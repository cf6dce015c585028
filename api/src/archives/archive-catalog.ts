/**
 * The list of archives — id, project, title, hash, when filed — in one document
 * (`archive_catalog`), read by its id: the archive request form's choices and the archives page
 * read it instead of every archive (each holds its whole table of contents). An archive is listed
 * after it is stored, by the job that files it (a stop in between: the job runs again and lists
 * it); archives stored before the list existed are listed once, at the first question.
 */
import type { Connection } from 'mongoose';
import { archiveModels } from './archive.model';

export interface CatalogItem {
  id: string;
  projectId: string;
  title: string;
  sha256: string;
  archivedAt: Date;
}

interface CatalogDoc {
  _id: string;
  items: CatalogItem[];
}

const ALL = 'all';

export class ArchiveCatalog {
  private readonly col;
  private built?: Promise<void>;

  constructor(private readonly db: Connection) {
    this.col = db.collection<CatalogDoc>('archive_catalog');
  }

  /** List a stored archive (once: listing it again adds nothing). */
  async add(item: CatalogItem): Promise<void> {
    await this.build();
    if ((await this.col.findOne({ _id: ALL }))?.items.some((x) => x.id === item.id)) return;
    await this.col.updateOne({ _id: ALL }, { $push: { items: item } });
  }

  /** Every archive listed, in the order of their ids (one listed twice by two filings at once, once). */
  async all(): Promise<CatalogItem[]> {
    await this.build();
    const items = (await this.col.findOne({ _id: ALL }))?.items ?? [];
    return [...new Map(items.map((x) => [x.id, x])).values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The document, with the archives stored before it (read once, whole). */
  private build(): Promise<void> {
    this.built ??= (async () => {
      if (await this.col.findOne({ _id: ALL })) return;
      const stored = await archiveModels(this.db).Archive.find({}).select('projectId title sha256 archivedAt').lean();
      const items = stored.map((a) => ({ id: a._id, projectId: a.projectId, title: a.title, sha256: a.sha256, archivedAt: a.archivedAt }));
      await this.col.insertOne({ _id: ALL, items }).catch((err: { code?: number }) => {
        if (err.code !== 11000) throw err; // (another process made it meanwhile)
      });
    })();
    this.built.catch(() => (this.built = undefined));
    return this.built;
  }
}
