/**
 * An instance row's state, moved by the row's id alone (on the embedded database a filter such as
 * `{ _id, state: 'active' }` reads every row ever stored). What the condition in the filter used
 * to settle is settled so:
 *
 * - **An end** (completed, canceled, failed, withdrawn) is final, and one end wins: the first to
 *   insert the instance's id into `instance_ends` (a unique id, so one insert wins in any number of
 *   processes), which then writes the row. An end carried again after a stop finds its own entry
 *   and writes the row again.
 * - **Active ⇄ incident** is written after the row was read in the state it leaves; if an end came
 *   meanwhile (its entry is there), the end is written back over it.
 */
import type { Connection, Model } from 'mongoose';
import { instanceMetaModel, type InstanceMetaDoc, type InstanceState } from './instance.model';
import { InstanceLists } from './instance-lists';

export type EndState = Extract<InstanceState, 'completed' | 'canceled' | 'failed' | 'withdrawn'>;

const ENDED: ReadonlySet<InstanceState> = new Set<InstanceState>(['completed', 'canceled', 'failed', 'withdrawn']);

interface EndDoc {
  _id: string;
  state: EndState;
  at: Date;
}

export class InstanceStates {
  private readonly Meta: Model<InstanceMetaDoc>;
  private readonly ends;
  /** The monitor's lists, told of every move written here. */
  readonly lists: InstanceLists;

  constructor(db: Connection) {
    this.Meta = instanceMetaModel(db);
    this.ends = db.collection<EndDoc>('instance_ends');
    this.lists = new InstanceLists(db);
  }

  /** End the row with `state` unless it ended already; true when this call ended it (or an end of the same state a stop cut short). */
  async end(id: string, state: EndState, at = new Date()): Promise<boolean> {
    const row = await this.Meta.findById(id).select('state').lean();
    if (!row) return false;
    if (ENDED.has(row.state)) {
      // (an end a stop cut short after its row was written is listed now)
      await this.lists.ended(id);
      return false;
    }
    let endedAt = at;
    try {
      await this.ends.insertOne({ _id: id, state, at });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      const first = await this.ends.findOne({ _id: id });
      if (first?.state !== state) return false;
      endedAt = first.at;
    }
    await this.Meta.updateOne({ _id: id }, { $set: { state, endedAt } });
    await this.lists.ended(id);
    return true;
  }

  /** Move a row from `from` to `to` (active ⇄ incident); false when it was not in `from`. */
  async move(id: string, from: 'active' | 'incident', to: 'active' | 'incident'): Promise<boolean> {
    const row = await this.Meta.findById(id).select('state').lean();
    if (row?.state !== from) return false;
    await this.Meta.updateOne({ _id: id }, { $set: { state: to } });
    await this.lists.moved(id, to);
    const ended = await this.ends.findOne({ _id: id });
    if (ended) {
      await this.Meta.updateOne({ _id: id }, { $set: { state: ended.state, endedAt: ended.at } });
      await this.lists.ended(id);
    }
    return !ended;
  }
}
