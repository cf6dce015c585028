/** A notifier with the channels beyond the app, as the settings configure them (the API process and the worker processes alike). */
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Config } from '../config/config';
import { Channels } from './channels';
import { Deliveries } from './deliveries';
import { Notifier } from './notifier';

export type ChannelConfig = Partial<
  Pick<Config, 'PUBLIC_URL' | 'SMTP_URL' | 'MAIL_FROM' | 'SMS_GATEWAY_URL' | 'SMS_GATEWAY_TOKEN' | 'ROBOT_WEBHOOKS' | 'DELIVERY_TICK_MS' | 'DELIVERY_RETRY_MS'>
>;

export function notifierWithChannels(db: Connection, s: ChannelConfig, logger: Logger): Notifier {
  const notifier = new Notifier(db);
  notifier.publicUrl = s.PUBLIC_URL;
  notifier.deliveries = new Deliveries(db, new Channels(s), logger.child({ scope: 'deliveries' }), {
    tickMs: s.DELIVERY_TICK_MS ?? 15_000,
    retryMs: s.DELIVERY_RETRY_MS ?? 60_000,
  });
  return notifier;
}
