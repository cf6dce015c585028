/**
 * Messages. A published message is buffered (for its time to live) and offered to the open
 * subscriptions with its name and correlation key, found in the correlation index by
 * `<name>:<key>`, never by a scan. Taking a buffered message is deleting it (one document, by
 * `_id`: only one taker gets it); giving it to a subscription is inserting the subscription's
 * outcome (only one message per subscription). A subscription that opens takes what the buffer
 * holds for it, so none is lost between the two.
 */
import { Types } from 'mongoose';
import { conflict, userError } from '@ggzy/shared';
import type { PublishMessageRequest, PublishMessageResult } from '../port/engine-port';
import type { GroupCommit } from './group-commit';
import { instanceOf, type EngineModels, type MessageDoc } from './models';

const SEP = '\u0001';

export function subscriptionIndex(name: string, correlationKey: string): string {
  return `s${SEP}${name}${SEP}${correlationKey}`;
}

function bufferIndex(name: string, correlationKey: string): string {
  return `m${SEP}${name}${SEP}${correlationKey}`;
}

function messageIdIndex(name: string, messageId: string): string {
  return `id${SEP}${name}${SEP}${messageId}`;
}

async function addKey(models: EngineModels, id: string, key: string): Promise<void> {
  await models.correlations.updateOne({ _id: id }, { $addToSet: { keys: key } }, { upsert: true });
}

async function pullKey(models: EngineModels, id: string, key: string): Promise<void> {
  await models.correlations.updateOne({ _id: id }, { $pull: { keys: key } });
}

async function keysOf(models: EngineModels, id: string): Promise<string[]> {
  return (await models.correlations.findOne({ _id: id }))?.keys ?? [];
}

/** Give a message we hold to a subscription; false when the subscription has one already (the message is put back). */
async function give(models: EngineModels, commit: GroupCommit, msg: MessageDoc, subKey: string): Promise<boolean> {
  const took = await commit.insert(models.outcomes, { _id: `m:${subKey}`, instanceKey: instanceOf(subKey), at: new Date(), payload: msg.variables });
  if (!took) {
    // Put back for the next subscription; already there (a retried publish) is as good. Any other
    // failure is the publisher's to see (and retry), not a message dropped in silence.
    await models.messages.insertOne(msg).catch((err: unknown) => {
      if ((err as { code?: number }).code !== 11000) throw err;
    });
  }
  return took;
}

export async function publishMessage(
  models: EngineModels,
  commit: GroupCommit,
  touch: (key: string) => Promise<void>,
  req: PublishMessageRequest,
): Promise<PublishMessageResult> {
  if (!req.name || req.correlationKey === undefined || req.correlationKey === null) {
    throw userError('INVALID_MESSAGE', '消息需要名称和关联键', 'A message needs a name and a correlation key');
  }
  const correlationKey = String(req.correlationKey);
  const ttl = Math.max(0, req.timeToLive ?? 0);
  const key = new Types.ObjectId().toHexString();
  const msg: MessageDoc = {
    _id: key,
    name: req.name,
    correlationKey,
    ...(req.messageId && { messageId: req.messageId }),
    variables: JSON.stringify(req.variables ?? {}),
    expiresAt: new Date(Date.now() + ttl),
    createdAt: new Date(),
  };
  if (req.messageId) {
    // A message id is unique among buffered messages of a name.
    const idIndex = messageIdIndex(req.name, req.messageId);
    for (const other of await keysOf(models, idIndex)) {
      const m = await models.messages.findOne({ _id: other });
      if (m && m.expiresAt > new Date()) {
        throw conflict('MESSAGE_ALREADY_PUBLISHED', '相同 messageId 的消息已在缓冲中', `A message with id ${req.messageId} is already buffered`);
      }
      await pullKey(models, idIndex, other);
    }
    await addKey(models, idIndex, key);
  }
  const buffer = bufferIndex(req.name, correlationKey);
  await models.messages.insertOne(msg);
  if (ttl > 0) await addKey(models, buffer, key);
  for (const subKey of await keysOf(models, subscriptionIndex(req.name, correlationKey))) {
    const mine = await models.messages.findOneAndDelete({ _id: key });
    if (!mine) return { key, buffered: false }; // a subscription that opened meanwhile took it
    if (await give(models, commit, mine, subKey)) {
      if (ttl > 0) await pullKey(models, buffer, key);
      await touch(instanceOf(subKey));
      return { key, correlatedTo: instanceOf(subKey), buffered: false };
    }
  }
  if (ttl === 0) {
    // Taken meanwhile by a subscription that opened, or dropped now: nobody to give it to.
    await models.messages.deleteOne({ _id: key });
    return { key, buffered: false, correlatedTo: undefined };
  }
  return { key, buffered: true };
}

/** Enter a subscription in the index, then take a buffered message for it if there is one. */
export async function subscribe(models: EngineModels, commit: GroupCommit, index: string, subKey: string): Promise<void> {
  await addKey(models, index, subKey);
  const [, name, correlationKey] = index.split(SEP);
  const buffer = bufferIndex(name, correlationKey);
  for (const key of await keysOf(models, buffer)) {
    const msg = await models.messages.findOneAndDelete({ _id: key });
    if (!msg) {
      await pullKey(models, buffer, key); // taken, or expired
      continue;
    }
    if (msg.expiresAt <= new Date()) {
      await pullKey(models, buffer, key);
      continue;
    }
    if (await give(models, commit, msg, subKey)) await pullKey(models, buffer, key);
    return;
  }
}

export async function unsubscribe(models: EngineModels, index: string, subKey: string): Promise<void> {
  await pullKey(models, index, subKey);
}

/** Buffered messages whose time to live is over (the collection holds only buffered messages). */
export async function dropExpired(models: EngineModels): Promise<void> {
  const gone = await models.messages.find({ expiresAt: { $lte: new Date() } }, { projection: { name: 1, correlationKey: 1 } }).toArray();
  for (const m of gone) {
    if (await models.messages.findOneAndDelete({ _id: m._id })) await pullKey(models, bufferIndex(m.name, m.correlationKey), m._id);
  }
}
