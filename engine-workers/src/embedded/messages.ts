/**
 * Publishing a message: buffered first (for its time to live), then correlated to the first
 * open subscription with its name and correlation key. A subscription that opens meanwhile
 * finds the message in the buffer, so none is lost between the two.
 */
import { Types } from 'mongoose';
import { conflict, userError } from '@ggzy/shared';
import type { PublishMessageRequest, PublishMessageResult } from '../port/engine-port';
import type { EngineModels } from './models';

export async function publishMessage(models: EngineModels, touch: (key: string) => Promise<void>, req: PublishMessageRequest): Promise<PublishMessageResult> {
  const { Message, Subscription } = models;
  if (!req.name || req.correlationKey === undefined || req.correlationKey === null) {
    throw userError('INVALID_MESSAGE', '消息需要名称和关联键', 'A message needs a name and a correlation key');
  }
  const correlationKey = String(req.correlationKey);
  const ttl = Math.max(0, req.timeToLive ?? 0);
  if (req.messageId && (await Message.exists({ name: req.name, messageId: req.messageId, status: 'buffered' }))) {
    throw conflict('MESSAGE_ALREADY_PUBLISHED', '相同 messageId 的消息已在缓冲中', `A message with id ${req.messageId} is already buffered`);
  }
  const key = new Types.ObjectId().toHexString();
  const variables = JSON.stringify(req.variables ?? {});
  await Message.create({
    _id: key,
    name: req.name,
    correlationKey,
    messageId: req.messageId,
    variables,
    status: 'buffered',
    expiresAt: new Date(Date.now() + ttl),
    createdAt: new Date(),
  });
  const subs = await Subscription.find({ messageName: req.name, correlationKey, status: 'open' }).sort({ createdAt: 1 }).limit(20).lean();
  for (const sub of subs) {
    const claimed = await Message.findOneAndUpdate(
      { _id: key, status: 'buffered' },
      { $set: { status: 'correlated', correlatedTo: sub.instanceKey } },
      { returnDocument: 'after' },
    ).lean();
    if (!claimed) return { key, correlatedTo: (await Message.findById(key).lean())?.correlatedTo, buffered: false };
    const took = await Subscription.findOneAndUpdate(
      { _id: sub._id, status: 'open' },
      { $set: { status: 'correlated', variables, messageKey: key, correlatedAt: new Date() } },
    ).lean();
    if (took) {
      await touch(sub.instanceKey);
      return { key, correlatedTo: sub.instanceKey, buffered: false };
    }
    await Message.updateOne({ _id: key, status: 'correlated' }, { $set: { status: 'buffered' }, $unset: { correlatedTo: 1 } });
  }
  if (ttl === 0) {
    await Message.updateOne({ _id: key, status: 'buffered' }, { $set: { status: 'expired' } });
    const m = await Message.findById(key).lean();
    return { key, correlatedTo: m?.correlatedTo, buffered: false };
  }
  return { key, buffered: true };
}
