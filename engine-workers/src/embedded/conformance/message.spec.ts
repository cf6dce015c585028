import { harness, type Harness } from './harness';

describe('messages', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness('message', ['message.catch.bpmn', 'gateway.event-based.bpmn']);
  });
  afterAll(() => h.close());

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
    const subs = await h.engine.models.Subscription.find({ instanceKey: a.key }).lean();
    expect(subs.map((s) => s.status).sort()).toEqual(['closed', 'correlated']);
  });

  it('a message for no one with no TTL is dropped and says so', async () => {
    const r = await h.engine.publishMessage({ name: 'materials-submitted', correlationKey: 'nobody' });
    expect(r).toMatchObject({ buffered: false, correlatedTo: undefined });
    const m = await h.engine.models.Message.findById(r.key).lean();
    expect(m?.status).toBe('expired');
  });

  it('event-based gateway: the message wins and the timer is cancelled', async () => {
    const { key } = await h.engine.createInstance({ processId: 'event-gw', variables: { caseNo: 'C-1', wait: 'PT30S' } });
    await new Promise((r) => setTimeout(r, 100));
    await h.engine.publishMessage({ name: 'reply', correlationKey: 'C-1', variables: { answer: 'yes' } });
    const v = await h.ended(key);
    expect(v.variables.answer).toBe('yes');
    const doc = await h.engine.models.Instance.findById(key).lean();
    expect(doc?.wakeAt ?? null).toBeNull();
  });

  it('event-based gateway: the timer wins and the subscription is closed', async () => {
    const { key } = await h.engine.createInstance({ processId: 'event-gw', variables: { caseNo: 'C-2', wait: 'PT0.3S' } });
    await h.ended(key);
    const subs = await h.engine.models.Subscription.find({ instanceKey: key }).lean();
    expect(subs.map((s) => s.status)).toEqual(['closed']);
    const late = await h.engine.publishMessage({ name: 'reply', correlationKey: 'C-2' });
    expect(late.correlatedTo).toBeUndefined();
  });
});
