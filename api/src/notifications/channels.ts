/**
 * The channels beyond the app, each a configured adapter: e-mail over SMTP (nodemailer), SMS
 * through an HTTP gateway, and WeCom / DingTalk group robots (one webhook per section, or one for
 * the whole center). A channel not configured is not offered to anyone. A delivery that fails
 * throws; the delivery queue retries it.
 */
import { createHmac } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import { z } from 'zod';
import type { NotificationChannel } from '@ggzy/shared';

export const robotHook = z.strictObject({
  /** A section code, or * for every section. */
  section: z.string().min(1),
  type: z.enum(['wecom', 'dingtalk']),
  url: z.url(),
  /** DingTalk's signing secret (加签), when the robot has one. */
  secret: z.string().optional(),
});
export type RobotHook = z.infer<typeof robotHook>;

export interface ChannelSettings {
  SMTP_URL?: string;
  MAIL_FROM?: string;
  SMS_GATEWAY_URL?: string;
  SMS_GATEWAY_TOKEN?: string;
  ROBOT_WEBHOOKS?: RobotHook[];
}

/** What goes out on one channel: to whom, and the words. */
export interface Outgoing {
  channel: NotificationChannel;
  /** E-mail address, mobile number, or the robot's index in ROBOT_WEBHOOKS. */
  target: string;
  /** Mobile numbers a robot message mentions (@). */
  mentions?: string[];
  title: string;
  text: string;
}

const TIMEOUT_MS = 10_000;

export class Channels {
  private readonly mail: Transporter | null;

  constructor(private readonly s: ChannelSettings) {
    this.mail = s.SMTP_URL ? nodemailer.createTransport(s.SMTP_URL) : null;
  }

  configured(): Record<NotificationChannel, boolean> {
    return { email: !!this.mail, sms: !!this.s.SMS_GATEWAY_URL, robot: !!this.s.ROBOT_WEBHOOKS?.length };
  }

  /** The robots that speak in the groups of these sections (their indexes in ROBOT_WEBHOOKS). */
  robotsOf(sections: string[]): number[] {
    return (this.s.ROBOT_WEBHOOKS ?? []).flatMap((h, i) => (h.section === '*' || sections.includes(h.section) ? [i] : []));
  }

  /** A readable name of a target, for the admins' list. */
  describe(o: Pick<Outgoing, 'channel' | 'target'>): string {
    if (o.channel !== 'robot') return o.target;
    const h = this.s.ROBOT_WEBHOOKS?.[Number(o.target)];
    return h ? `${h.type === 'wecom' ? '企业微信' : '钉钉'}群机器人（${h.section}）` : `群机器人 #${o.target}（已移除）`;
  }

  async deliver(o: Outgoing): Promise<void> {
    if (o.channel === 'email') return this.email(o);
    if (o.channel === 'sms') return this.sms(o);
    return this.robot(o);
  }

  private async email(o: Outgoing): Promise<void> {
    if (!this.mail) throw new Error('e-mail is not configured (SMTP_URL)');
    await this.mail.sendMail({ from: this.s.MAIL_FROM ?? 'ggzy@localhost', to: o.target, subject: o.title, text: o.text });
  }

  private async sms(o: Outgoing): Promise<void> {
    if (!this.s.SMS_GATEWAY_URL) throw new Error('SMS is not configured (SMS_GATEWAY_URL)');
    const content = `【湘西州公共资源交易中心】${o.title}：${o.text}`.slice(0, 300);
    await postJson(
      this.s.SMS_GATEWAY_URL,
      { mobile: o.target, content },
      this.s.SMS_GATEWAY_TOKEN ? { authorization: `Bearer ${this.s.SMS_GATEWAY_TOKEN}` } : {},
    );
  }

  private async robot(o: Outgoing): Promise<void> {
    const h = this.s.ROBOT_WEBHOOKS?.[Number(o.target)];
    if (!h) throw new Error(`no group robot #${o.target} in ROBOT_WEBHOOKS`);
    const content = `${o.title}\n${o.text}`;
    const mobiles = o.mentions ?? [];
    if (h.type === 'wecom') {
      await postJson(h.url, { msgtype: 'text', text: { content, mentioned_mobile_list: mobiles } });
      return;
    }
    let url = h.url;
    if (h.secret) {
      // DingTalk's 加签: HMAC-SHA256 of "timestamp\nsecret", base64, on the URL.
      const ts = Date.now();
      const sign = createHmac('sha256', h.secret).update(`${ts}\n${h.secret}`).digest('base64');
      url += `${url.includes('?') ? '&' : '?'}timestamp=${ts}&sign=${encodeURIComponent(sign)}`;
    }
    await postJson(url, { msgtype: 'text', text: { content }, at: { atMobiles: mobiles } });
  }
}

/** POSTs JSON; a status other than 2xx, or an answer with a non-zero errcode / code, is a failure. */
async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  }).catch((err: Error & { cause?: { code?: string; message?: string } }) => {
    // (fetch says only "fetch failed"; the reason is in its cause)
    throw new Error(`${new URL(url).host} unreachable: ${err.cause?.code ?? err.cause?.message ?? err.message}`);
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`);
  let answer: { errcode?: number; code?: number | string; errmsg?: string; message?: string } = {};
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    return;
  }
  const code = answer.errcode ?? answer.code;
  if (code !== undefined && code !== 0 && code !== '0' && code !== 'OK') throw new Error(`refused: ${code} ${answer.errmsg ?? answer.message ?? ''}`.trim());
}
