import { subscriptionIndex } from '../messages';
import { harness, type Harness } from './harness';

describe('messages', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness('message', ['message.catch.bpmn', 'gateway.event-based.bpmn']);
  });
  afterAll(() => h.close());

  /** Subscriptions in the correlation index for a message name and key. */
  const openSubscriptions = async (name: string, key: string) =>
    (await h.engine.models.correlations.findOne({ _id: subscriptionIndex(name, key) }))?.keys ?? [];

  it('correlates by key to a receive task, then takes a buffered message at a catch event', async () => {
    // given two waiting instances with different keys
    const a = await h.engine.createInstance({ processId: 'message-wait', variables: { requestNo: 'R-1' } });
    const b = await h.engine.createInstance({ processId: 'message-wait', variables: { requestNo: 'R-2' } });
    // when a message for R-2 arrives
    const r1 = await h.engine.publishMessage({ name: 'materials-submitted', correlationKey: 'R-2', variables: { files: 2 } });
    expect(r1.correlatedTo).toBe(b.key);
    // and the second one arrives before its catch event is reached... it is buffered with a TTL
    const r2 = await h.engine.publishMessage({ name: 'materials-submitted', correlationKey: 'R-2', variables: { files: 3 }, timeToLive: 60_000 });
    // then instance b completes with the variables of both, a still waits
    const vb = await h.ended(b.key);
    expect(vb.variables).toEqual({ requestNo: 'R-2', files: 3 });
    expect(r2.buffered || r2.correlatedTo === b.key).toBe(true);
    expect((await h.engine.getInstance(a.key)).activeElements).toEqual(expect.arrayContaining(['receive']));
  });

  it('an interrupting message boundary event withdraws the request', async () => {
    const a = await h.engine.createInstance({ processId: 'message-wait', variables: { requestNo: 'R-9' } });
    await h.engine.publishMessage({ name: 'request-withdrawn', correlationKey: 'R-9', variables: { reason: '撤回' } });
    const v = await h.ended(a.key);
    expect(v.variables.reason).toBe('撤回');
    const { history } = await h.engine.inspect(a.key);
    expect(
      history!.trail
        .filter((t) => t.kind === 'message')
        .map((t) => t.status)
        .sort(),
    ).toEqual(['canceled', 'completed']);
    expect(await openSubscriptions('materials-submitted', 'R-9')).toEqual([]);
  });

  it('a message for no one with no TTL is dropped and says so', async () => {
    const r = await h.engine.publishMessage({ name: 'materials-submitted', correlationKey: 'nobody' });
    expect(r).toMatchObject({ buffered: false, correlatedTo: undefined });
    expect(await h.engine.models.messages.findOne({ _id: r.key })).toBeNull();
    // a subscriber that comes later does not get it
    const late = await h.engine.createInstance({ processId: 'message-wait', variables: { requestNo: 'nobody' } });
    await new Promise((res) => setTimeout(res, 200));
    expect((await h.engine.getInstance(late.key)).status).toBe('active');
    await h.engine.cancelInstance(late.key);
  });

  it('event-based gateway: the message wins and the timer is cancelled', async () => {
    const { key } = await h.engine.createInstance({ processId: 'event-gw', variables: { caseNo: 'C-1', wait: 'PT30S' } });
    await new Promise((r) => setTimeout(r, 100));
    await h.engine.publishMessage({ name: 'reply', correlationKey: 'C-1', variables: { answer: 'yes' } });
    const v = await h.ended(key);
    expect(v.variables.answer).toBe('yes');
    expect(await h.engine.inspect(key)).toMatchObject({ runtime: null, history: { status: 'completed' } });
    expect(await openSubscriptions('reply', 'C-1')).toEqual([]);
  });

  it('event-based gateway: the timer wins and the subscription is closed', async () => {
    const { key } = await h.engine.createInstance({ processId: 'event-gw', variables: { caseNo: 'C-2', wait: 'PT0.3S' } });
    await h.ended(key);
    const { history } = await h.engine.inspect(key);
    expect(history!.trail.filter((t) => t.kind === 'message').map((t) => t.status)).toEqual(['canceled']);
    expect(await openSubscriptions('reply', 'C-2')).toEqual([]);
    const late = await h.engine.publishMessage({ name: 'reply', correlationKey: 'C-2' });
    expect(late.correlatedTo).toBeUndefined();
  });
});
