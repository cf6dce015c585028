/**
 * Each person's notification box: one document per person (`notification_boxes`, `_id` the user
 * id) listing their latest notices (id, kind, when) with what they have read. The list, its
 * filters and the unread count are read from it by id; the notices themselves are then read by
 * theirs, so the growing `notifications` collection is never filtered.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { notificationCategory } from '@ggzy/shared';
import { modelOn } from '../db/model-on';
import type { NotificationDoc } from './notifier';

interface BoxEntry {
  id: string;
  kind: string;
  at: Date;
}

interface BoxDoc {
  _id: string;
  entries: BoxEntry[];
  /** Everything up to this moment is read ("全部标为已读"). */
  readAllAt: Date | null;
  /** Notices read one by one since. */
  readIds: string[];
  /** Entries pushed since the box was last trimmed. */
  pushed: number;
}

/** The box keeps this many notices; older ones stay stored but leave the list. */
export const BOX_KEEPS = 1000;
const TRIM_AFTER = 200;

export interface BoxPage {
  ids: Array<{ id: string; read: boolean }>;
  total: number;
  unread: number;
  /** Unread notices per category. */
  unreadBy: Record<string, number>;
}

export class NotificationBoxes {
  private readonly Box: Model<BoxDoc>;

  constructor(db: Connection) {
    const entry = new Schema<BoxEntry>({ id: String, kind: String, at: Date }, { _id: false });
    this.Box = modelOn<BoxDoc>(
      db,
      'NotificationBox',
      new Schema<BoxDoc>(
        { _id: String, entries: [entry], readAllAt: Date, readIds: [String], pushed: Number },
        { versionKey: false, _id: false, collection: 'notification_boxes' },
      ),
    );
  }

  /**
   * Adds a notice to a box once (a job that runs again adds nothing): `isNew` when the notice was
   * stored just now, so no box can hold it yet; otherwise the box is read first. The box is read
   * and written by its id (a filter on its entries would read every box).
   */
  async add(userId: string, e: BoxEntry, isNew = false): Promise<void> {
    if (!isNew && (await this.Box.findById(userId).select('entries').lean())?.entries.some((x) => x.id === e.id)) return;
    const push = (upsert: boolean) =>
      this.Box.updateOne({ _id: userId }, { $push: { entries: e }, $inc: { pushed: 1 }, $setOnInsert: { readAllAt: null, readIds: [] } }, { upsert });
    await push(true).catch((err: { code?: number }) => {
      // (the box was made meanwhile, by a notice for the same person)
      if (err.code !== 11000) throw err;
      return push(false);
    });
    const box = await this.Box.findById(userId).select('pushed').lean();
    if (box && box.pushed > TRIM_AFTER) await this.trim(userId, box.pushed);
  }

  private async trim(userId: string, pushed: number): Promise<void> {
    const box = await this.Box.findById(userId).lean();
    if (!box || box.entries.length <= BOX_KEEPS) {
      await this.Box.updateOne({ _id: userId, pushed }, { $set: { pushed: 0 } });
      return;
    }
    const kept = box.entries.slice(-BOX_KEEPS);
    const keptIds = new Set(kept.map((x) => x.id));
    // (only if nothing was added meanwhile; the next push tries again)
    await this.Box.updateOne({ _id: userId, pushed }, { $set: { entries: kept, pushed: 0, readIds: box.readIds.filter((id) => keptIds.has(id)) } });
  }

  /** Boxes for the notices stored before there were boxes (once: on the first start that has none). */
  async fillFrom(notices: Model<NotificationDoc>): Promise<number> {
    if (await this.Box.exists({})) return 0;
    let n = 0;
    for await (const d of notices.find().sort({ createdAt: 1 }).lean().cursor()) {
      await this.add(d.userId, { id: d._id, kind: d.kind, at: d.createdAt });
      if (d.readAt) await this.markRead(d.userId, d._id);
      n++;
    }
    return n;
  }

  /** Newest first, filtered by category and read state, one page of ids. */
  async page(userId: string, q: { category?: string; unread?: boolean; offset: number; limit: number }): Promise<BoxPage> {
    const box = await this.Box.findById(userId).lean();
    if (!box) return { ids: [], total: 0, unread: 0, unreadBy: {} };
    const readIds = new Set(box.readIds);
    const readAll = box.readAllAt ? new Date(box.readAllAt).getTime() : 0;
    const rows = box.entries
      .map((e) => ({ id: e.id, category: notificationCategory(e.kind).code, read: new Date(e.at).getTime() <= readAll || readIds.has(e.id) }))
      .reverse();
    const unreadBy: Record<string, number> = {};
    for (const r of rows) if (!r.read) unreadBy[r.category] = (unreadBy[r.category] ?? 0) + 1;
    const shown = rows.filter((r) => (!q.category || r.category === q.category) && (!q.unread || !r.read));
    return {
      ids: shown.slice(q.offset, q.offset + q.limit).map(({ id, read }) => ({ id, read })),
      total: shown.length,
      unread: rows.filter((r) => !r.read).length,
      unreadBy,
    };
  }

  async markRead(userId: string, id: string): Promise<void> {
    await this.Box.updateOne({ _id: userId }, { $addToSet: { readIds: id } });
  }

  /** Marks all read; returns how many were unread. */
  async markAllRead(userId: string): Promise<number> {
    const { unread } = await this.page(userId, { offset: 0, limit: 0 });
    await this.Box.updateOne({ _id: userId }, { $set: { readAllAt: new Date(), readIds: [] } });
    return unread;
  }
}
