/**
 * Notices beyond the app: each person chooses per category where notices reach them; a 催办
 * reaches the app list, a local SMTP server, an SMS gateway and two group robots (WeCom, DingTalk
 * with its signature) on loopback, per those choices. A failed delivery is retried, shown to
 * admins, and sent again by them. A classified matter goes out only as "there is a notice". The
 * notification centre's list filters by category and marks read.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { startServer, taskAt, claimAndComplete, eventually, type Body, type Client, type TestServer, verifiedToClassified } from './harness';

interface Hit {
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Body;
}

let s: TestServer;
let smtp: SMTPServer;
let hooks: Server;
const mails: ParsedMail[] = [];
const hits: Hit[] = [];
/** Whether the SMS gateway and the DingTalk robot refuse every message. */
const faults = { smsDown: false, dingDown: false };

const port = (srv: { address(): unknown }) => (srv.address() as AddressInfo).port;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, done) {
      simpleParser(stream).then((m) => {
        mails.push(m);
        done();
      }, done);
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  hooks = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://hooks');
      if (url.pathname === '/sms' && faults.smsDown) {
        res.writeHead(500).end('gateway busy');
        return;
      }
      if (url.pathname === '/ding' && faults.dingDown) {
        res.end(JSON.stringify({ errcode: 310000, errmsg: 'sign not match' }));
        return;
      }
      hits.push({ path: url.pathname, query: url.searchParams, headers: req.headers, body: JSON.parse(raw) });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ errcode: 0, errmsg: 'ok' }));
    });
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
  const h = `http://127.0.0.1:${port(hooks)}`;
  s = await startServer('notify-channels', {
    URGE_INTERVAL_MS: 60_000,
    PUBLIC_URL: 'https://ggzy.xxz.test',
    SMTP_URL: `smtp://127.0.0.1:${port(smtp.server)}`,
    MAIL_FROM: 'ggzy@xxz.test',
    SMS_GATEWAY_URL: `${h}/sms`,
    SMS_GATEWAY_TOKEN: 'sms-token',
    ROBOT_WEBHOOKS: [
      { section: 'supervision', type: 'wecom', url: `${h}/wecom?key=k1` },
      { section: '*', type: 'dingtalk', url: `${h}/ding?access_token=t1`, secret: 'SEC-ding' },
    ],
    DELIVERY_TICK_MS: 50,
    DELIVERY_RETRY_MS: 40,
  });
});
afterAll(async () => {
  await s?.close();
  await new Promise<void>((r) => smtp?.close(() => r()));
  await new Promise((r) => hooks?.close(r));
});

/** An anomaly report waiting at supervision's verification (offered to sup1, sup2, sup_head). */
async function atVerify(title: string): Promise<{ instanceId: string; taskId: string }> {
  const witness = await s.login('witness1');
  const r = await witness.post('/api/process-instances', {
    processId: 'anomaly-escalation',
    variables: { projectId: 'XXGC-2026-001', category: 'trade', assignedBy: 'none', title, description: '现场情况说明', pauseNow: false },
  });
  expect(r.status).toBe(201);
  const head = await s.login('eng_head');
  await claimAndComplete(head, (await taskAt(head, r.body.id, 'ack')).id, {});
  return { instanceId: r.body.id, taskId: (await taskAt(await s.login('sup1'), r.body.id, 'verify')).id };
}

/** A message of a 催办 about the matter called `title` (the flows' own notices about it go out too, per their categories). */
const about = (title: string) => (h: Hit) => JSON.stringify(h.body).includes(title) && JSON.stringify(h.body).includes('【催办】');
/** sup1 takes 催办 everywhere and nothing else beyond the app. */
const SUP1 = { email: 'sup1@xxz.test', mobile: '13800000001', routes: { urge: ['email', 'sms', 'robot'], alert: [], task: [] } };
/** An admin sends every failed delivery again until the queue is empty. */
const sendAgainUntilEmpty = (admin: Client) =>
  eventually(
    async () => {
      const items = (await admin.get('/api/admin/deliveries')).body.items as Body[];
      for (const d of items.filter((x) => x.status === 'failed')) await admin.post(`/api/admin/deliveries/${encodeURIComponent(d.id)}/retry`);
      return items.length === 0;
    },
    15_000,
    'every delivery sent',
  );
const queueEmpty = async (admin: Client) =>
  eventually(async () => (await admin.get('/api/admin/deliveries')).body.items.length === 0, 15_000, 'the delivery queue emptied');

test('a 催办 reaches each person where they chose: the app, e-mail, SMS, the group robots', async () => {
  const sup1 = await s.login('sup1');
  const sup2 = await s.login('sup2');
  const admin = await s.login('admin');
  const defaults = await sup1.get('/api/me/notification-settings');
  expect(defaults.status).toBe(200);
  expect(defaults.body.available).toEqual({ email: true, sms: true, robot: true });
  expect(defaults.body.categories.find((c: Body) => c.code === 'urge').defaults).toEqual(['email', 'sms', 'robot']);
  const saved = await sup1.put('/api/me/notification-settings', SUP1);
  expect(saved.status).toBe(200);
  expect(saved.body).toMatchObject(SUP1);
  // sup2 keeps 催办 in the app only (要情 go by SMS, the default)
  expect((await sup2.put('/api/me/notification-settings', { email: 'sup2@xxz.test', mobile: '13800000002', routes: { urge: [] } })).status).toBe(200);

  const { taskId } = await atVerify('渠道测试：开标现场异常');
  const witness = await s.login('witness1');
  expect((await witness.post(`/api/tasks/${taskId}/urge`, { note: '请尽快核实' })).status).toBe(200);

  // the app: every candidate, sup2 included
  const listed = await eventually(
    async () => (await sup2.get('/api/notifications?category=urge')).body.items.find((n: Body) => n.taskId === taskId),
    5000,
    'in sup2 list',
  );
  expect(listed).toMatchObject({ kind: 'task.urged', category: 'urge', readAt: null });
  await queueEmpty(admin);
  // e-mail: sup1 only, with the link to the step
  const toSup = mails.filter((m) => m.text?.includes('渠道测试'));
  expect(toSup.map((m) => (Array.isArray(m.to) ? m.to[0].text : m.to?.text))).toEqual(['sup1@xxz.test']);
  expect(toSup[0].subject).toContain('【催办】');
  expect(toSup[0].text).toContain(`https://ggzy.xxz.test/tasks/${encodeURIComponent(taskId)}`);
  expect(toSup[0].from?.text).toBe('ggzy@xxz.test');
  // SMS: sup1's number, with the gateway's token
  const sms = hits.filter((h) => h.path === '/sms' && about('渠道测试')(h));
  expect(sms.map((h) => h.body.mobile)).toEqual(['13800000001']);
  expect(sms[0].headers.authorization).toBe('Bearer sms-token');
  expect(sms[0].body.content).toMatch(/^【湘西州公共资源交易中心】【催办】/);
  // the robots: one message per group, mentioning those who chose it and gave a number (sup_head takes the default but has none)
  const wecom = hits.filter((h) => h.path === '/wecom' && about('渠道测试')(h));
  expect(wecom).toHaveLength(1);
  expect(wecom[0].query.get('key')).toBe('k1');
  expect(wecom[0].body).toMatchObject({ msgtype: 'text', text: { mentioned_mobile_list: ['13800000001'] } });
  const ding = hits.filter((h) => h.path === '/ding' && about('渠道测试')(h));
  expect(ding).toHaveLength(1);
  expect(ding[0].body.at).toEqual({ atMobiles: ['13800000001'] });
  const ts = ding[0].query.get('timestamp')!;
  expect(ding[0].query.get('sign')).toBe(createHmac('sha256', 'SEC-ding').update(`${ts}\nSEC-ding`).digest('base64'));
});

test('a failed delivery is retried and shown to admins; after its last try an admin sends it again', async () => {
  const admin = await s.login('admin');
  const sup1 = await s.login('sup1');
  const witness = await s.login('witness1');
  expect((await sup1.get('/api/admin/deliveries')).status).toBe(403);
  expect((await sup1.put('/api/me/notification-settings', SUP1)).status).toBe(200);

  // the SMS gateway refuses a while, then takes it
  faults.smsDown = true;
  const first = await atVerify('重试测试一');
  expect((await witness.post(`/api/tasks/${first.taskId}/urge`, {})).status).toBe(200);
  const retrying = await eventually(
    async () =>
      (await admin.get('/api/admin/deliveries')).body.items.find(
        (d: Body) => d.channel === 'sms' && d.id.startsWith(`urge:${first.taskId}`) && d.attempts >= 2,
      ),
    10_000,
    'a retried SMS in the admins list',
  );
  expect(retrying).toMatchObject({ status: 'pending', to: '13800000001', userIds: ['sup1'] });
  expect(retrying.lastError).toContain('HTTP 500');
  faults.smsDown = false;
  await queueEmpty(admin);
  expect(hits.filter((h) => h.path === '/sms' && about('重试测试一')(h))).toHaveLength(1);

  // the DingTalk robot refuses every try: after the last one the delivery stays, failed
  faults.dingDown = true;
  const second = await atVerify('重试测试二');
  expect((await witness.post(`/api/tasks/${second.taskId}/urge`, {})).status).toBe(200);
  const failed = await eventually(
    async () =>
      (await admin.get('/api/admin/deliveries')).body.items.find(
        (d: Body) => d.channel === 'robot' && d.id.startsWith(`urge:${second.taskId}`) && d.status === 'failed',
      ),
    15_000,
    'a failed robot message',
  );
  const listed = (await admin.get('/api/admin/deliveries')).body;
  expect(failed).toMatchObject({ attempts: listed.maxAttempts, to: '钉钉群机器人（*）' });
  expect(failed.lastError).toContain('310000');
  expect(failed.title).toBe('【催办】监督科核实');
  // it stays failed (no more tries by itself)
  await new Promise((r) => setTimeout(r, 300));
  expect((await admin.get('/api/admin/deliveries')).body.items.find((d: Body) => d.id === failed.id).attempts).toBe(listed.maxAttempts);

  faults.dingDown = false;
  expect((await sup1.post(`/api/admin/deliveries/${encodeURIComponent(failed.id)}/retry`)).status).toBe(403);
  const again = await admin.post(`/api/admin/deliveries/${encodeURIComponent(failed.id)}/retry`);
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ status: 'pending', attempts: 0 });
  // (the robot's other messages of the while — the flows' own notices — are sent again the same way)
  await sendAgainUntilEmpty(admin);
  expect(hits.filter((h) => h.path === '/ding' && about('重试测试二')(h))).toHaveLength(1);
  expect((await admin.post('/api/admin/deliveries/no-such/retry')).status).toBe(404);

  // one that cannot go (a robot removed meanwhile) is given up: it leaves the queue, on the record
  faults.dingDown = true;
  const third = await atVerify('放弃测试');
  expect((await witness.post(`/api/tasks/${third.taskId}/urge`, {})).status).toBe(200);
  const stuck = await eventually(
    async () =>
      (await admin.get('/api/admin/deliveries')).body.items.find(
        (d: Body) => d.channel === 'robot' && d.id.startsWith(`urge:${third.taskId}`) && d.status === 'failed',
      ),
    15_000,
    'the robot message failed',
  );
  expect((await sup1.post(`/api/admin/deliveries/${encodeURIComponent(stuck.id)}/dismiss`)).status).toBe(403);
  expect((await admin.post(`/api/admin/deliveries/${encodeURIComponent(stuck.id)}/dismiss`)).status).toBe(204);
  expect((await admin.get('/api/admin/deliveries')).body.items.map((d: Body) => d.id)).not.toContain(stuck.id);
  expect((await admin.post(`/api/admin/deliveries/${encodeURIComponent(stuck.id)}/dismiss`)).status).toBe(404);
  faults.dingDown = false;
  await sendAgainUntilEmpty(admin);
  const trail = (await admin.get('/api/audit?pageSize=50')).body.items.map((e: Body) => e.action);
  expect(trail).toContain('notification.delivery-retried');
  expect(trail).toContain('notification.delivery-dismissed');
});

test("the notification centre: by category, unread only, read one, read all; nobody reads another person's", async () => {
  const sup2 = await s.login('sup2');
  const sup1 = await s.login('sup1');
  const all = (await sup2.get('/api/notifications?limit=200')).body;
  expect(all.items.length).toBeGreaterThanOrEqual(3);
  expect(all.total).toBe(all.items.length);
  expect(all.unreadCount).toBe(all.items.filter((n: Body) => !n.readAt).length);
  const urges = (await sup2.get('/api/notifications?category=urge')).body;
  expect(urges.items.length).toBeGreaterThanOrEqual(3);
  expect(urges.items.every((n: Body) => n.category === 'urge')).toBe(true);
  expect(all.unreadBy.urge).toBe(urges.items.filter((n: Body) => !n.readAt).length);
  // newest first
  const times = all.items.map((n: Body) => Date.parse(n.createdAt));
  expect([...times].sort((a, b) => b - a)).toEqual(times);
  // paging
  const p2 = (await sup2.get('/api/notifications?category=urge&limit=1&page=2')).body;
  expect(p2.items.map((n: Body) => n.id)).toEqual([urges.items[1].id]);

  const one = urges.items[0];
  expect((await sup1.post(`/api/notifications/${encodeURIComponent(one.id)}/read`)).status).toBe(404);
  const read = await sup2.post(`/api/notifications/${encodeURIComponent(one.id)}/read`);
  expect(read.body.unreadCount).toBe(all.unreadCount - 1);
  const unread = (await sup2.get('/api/notifications?unread=true&limit=200')).body;
  expect(unread.items.map((n: Body) => n.id)).not.toContain(one.id);
  expect(unread.total).toBe(all.unreadCount - 1);
  expect((await sup2.get('/api/notifications?category=urge')).body.items.find((n: Body) => n.id === one.id).readAt).not.toBeNull();
  expect((await sup2.post('/api/notifications/read-all')).body.marked).toBe(all.unreadCount - 1);
  expect((await sup2.get('/api/notifications')).body).toMatchObject({ unreadCount: 0, unreadBy: {} });

  // bad input changes nothing
  const before = (await sup2.get('/api/me/notification-settings')).body;
  const bad = await sup2.put('/api/me/notification-settings', { mobile: '12345', routes: { urge: ['fax'] } });
  expect(bad.status).toBe(400);
  expect(bad.body.code).toBe('INVALID_BODY');
  expect(bad.body.message).toBeTruthy();
  expect((await sup2.get('/api/me/notification-settings')).body).toEqual(before);
  expect((await sup2.get('/api/notifications?category=nonsense')).status).toBe(400);
});

test('a classified matter leaves the app only as "there is a notice"', async () => {
  const admin = await s.login('admin');
  const sup1 = await s.login('sup1');
  expect((await sup1.put('/api/me/notification-settings', SUP1)).status).toBe(200);
  const { instanceId, taskId } = await atVerify('保密渠道测试');
  await sup1.post(`/api/tasks/${taskId}/claim`);
  await verifiedToClassified(s, instanceId, taskId, 'secret');
  await queueEmpty(admin);
  const mailsBefore = mails.length;
  const hitsBefore = hits.length;

  // a later notice of the matter (as a 催办 of one of its steps would be)
  await s.system.notifier.send({ key: 'classified-probe', users: ['sup1'], kind: 'task.urged', title: '【催办】涉密标题QX7', body: '涉密正文QX7', instanceId });
  await queueEmpty(admin);
  const out = [...mails.slice(mailsBefore).map((m) => `${m.subject} ${m.text}`), ...hits.slice(hitsBefore).map((h) => JSON.stringify(h.body))];
  expect(out.length).toBe(4);
  expect(out.join('\n')).not.toContain('QX7');
  expect(mails.at(-1)!.subject).toBe('【保密事项】您有一条新通知');
  // inside the app, its reader (in its circle) reads it whole
  const inApp = (await sup1.get('/api/notifications?category=urge')).body.items.find((n: Body) => n.id === 'classified-probe:sup1');
  expect(inApp.title).toBe('【催办】涉密标题QX7');
});
