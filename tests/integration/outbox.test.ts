import { MongoClient, type Db } from 'mongodb';
import { ensureIndexes } from '../../bot/src/store/collections';
import { MongoEffectLedger } from '../../bot/src/store/mongo-effect-ledger';
import { FakeBotConnector } from '../support/bot-connector.fake';
import { openTestDatabase, type TestDatabase } from '../support/mongo';
import { OUTBOX_TENANT, OutboxReplicas, addressOn, cardFor, settled } from '../support/outbox';
import { eventually } from '../support/replica';

describe('the outbox, delivering through the real Bot Connector client to a connector on 127.0.0.1', () => {
  let t: TestDatabase;
  /** A second connection, as another replica of the service has. */
  let otherClient: MongoClient;
  let otherDb: Db;
  let connector: FakeBotConnector;
  const replicas = new OutboxReplicas();

  const address = (conversationId: string) => addressOn(connector, conversationId);
  const arrived = (key: string) => connector.messages().filter((m) => m.body.text === key);
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(async () => {
    t = await openTestDatabase('outbox');
    otherClient = await MongoClient.connect(t.uri);
    otherDb = otherClient.db(t.dbName);
    await ensureIndexes(t.db);
  });
  beforeEach(async () => {
    connector = await new FakeBotConnector().start();
  });
  afterEach(async () => {
    await replicas.stopAll();
    await connector.stop();
  });
  afterAll(async () => {
    await otherClient.close();
    await t.cleanup();
  });

  it('two replicas deliver 100 cards to eight conversations exactly once, within the tenant and conversation limits', async () => {
    // The fake answers 429 above the same limits the outbox is given.
    const rate = { perTenantPerSecond: 30, perConversationPerSecond: 7 };
    connector.limits = { ...rate };
    const [a, b] = [replicas.create(t.db, { rate }), replicas.create(otherDb, { rate })];
    const keys = Array.from({ length: 100 }, (_, i) => `bulk:${i}`);
    const enqueued = await Promise.all(
      keys.flatMap((key, i) => {
        const request = { key, kind: 'test', address: address(`a:conv-${i % 8}`), activity: cardFor(key) };
        // Both replicas record every card (each reacting to the same event): one record per key.
        return [a.enqueue(request), b.enqueue(request)];
      }),
    );
    expect(enqueued.filter((e) => e.created)).toHaveLength(100);

    a.start();
    b.start();
    await eventually(
      async () => (await t.db.collection('deliveries').countDocuments({ status: 'sent' })) === 100,
      20_000,
      'all sent',
    );

    const texts = connector.messages().map((m) => m.body.text);
    expect(texts).toHaveLength(100);
    expect(new Set(texts).size).toBe(100);
    expect(connector.peakRate({ tenantId: OUTBOX_TENANT })).toBeLessThanOrEqual(30);
    for (let c = 0; c < 8; c += 1)
      expect(connector.peakRate({ conversationId: `a:conv-${c}` })).toBeLessThanOrEqual(7);
    expect(connector.requests.filter((r) => r.status === 429)).toEqual([]);

    // Each record holds the id the connector gave its card, and no longer the card itself.
    const record = await a.get('bulk:42');
    const index = connector.received.findIndex((r) => r.body.text === 'bulk:42');
    expect(record).toMatchObject({ status: 'sent', attempts: 1, activityId: `activity-${index + 1}` });
    const raw = await t.db.collection('deliveries').findOne({ _id: 'bulk:42' as never });
    expect(raw).not.toHaveProperty('activity');
  });

  it('honours 429 + Retry-After when Teams throttles harder than configured: every card arrives once', async () => {
    connector.limits = { perConversationPerSecond: 2, retryAfterSeconds: 1 };
    const o = replicas.create(t.db, { rate: { perTenantPerSecond: 40, perConversationPerSecond: 7 } });
    const keys = Array.from({ length: 8 }, (_, i) => `throttled:${i}`);
    for (const [i, key] of keys.entries())
      await o.enqueue({ key, kind: 'test', address: address(`a:hot-${i % 2}`), activity: cardFor(key) });
    o.start();
    await Promise.all(keys.map((key) => settled(o, key)));

    for (const key of keys) expect(arrived(key)).toHaveLength(1);
    const refused = connector.requests.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      // The same card is not sent again before the Retry-After second is over.
      const next = connector.requests.find((n) => n.text === r.text && n.at > r.at);
      expect(next!.at - r.at).toBeGreaterThanOrEqual(990);
    }
    const retried = await o.get(refused[0]!.text!);
    expect(retried).toMatchObject({ status: 'sent' });
    expect(retried!.attempts).toBeGreaterThan(1);
  });

  it('retries 503 and 502 with backoff and gives up after the bound; fails other 4xx at once', async () => {
    const o = replicas.create(t.db, { maxAttempts: 3 });
    connector.respondNext('a:flaky', { status: 503 }, { status: 502 });
    connector.respondNext('a:down', { status: 503 }, { status: 504 }, { status: 503 }, { status: 503 });
    connector.respondNext('a:bad', { status: 400 });
    for (const conversation of ['a:flaky', 'a:down', 'a:bad']) {
      const key = `x:${conversation}`;
      await o.enqueue({ key, kind: 'test', address: address(conversation), activity: cardFor(key) });
    }
    o.start();

    expect(await settled(o, 'x:a:flaky')).toMatchObject({
      status: 'sent',
      attempts: 3,
      lastError: 'HTTP_502',
    });
    expect(await settled(o, 'x:a:down')).toMatchObject({
      status: 'failed',
      attempts: 3,
      lastError: 'HTTP_503',
      lastStatusCode: 503,
    });
    expect(await settled(o, 'x:a:bad')).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'HTTP_400',
    });
    await pause(500);
    const times = connector.requests.filter((r) => r.conversationId === 'a:flaky').map((r) => r.at);
    expect(times).toHaveLength(3);
    // Backoff from 100 ms with jitter: at least half of it.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(45);
    expect(connector.requests.filter((r) => r.conversationId === 'a:down')).toHaveLength(3);
    expect(connector.requests.filter((r) => r.conversationId === 'a:bad')).toHaveLength(1);
    expect(arrived('x:a:flaky')).toHaveLength(1);
  });

  it('records 403/404 as unreachable without retrying, until a later card gets through', async () => {
    const o = replicas.create(t.db);
    connector.respondNext('a:blocked', { status: 403 });
    connector.respondNext('a:gone', { status: 404 });
    await o.enqueue({ key: 'u:1', kind: 'test', address: address('a:blocked'), activity: cardFor('u:1') });
    await o.enqueue({ key: 'u:2', kind: 'test', address: address('a:gone'), activity: cardFor('u:2') });
    o.start();

    expect(await settled(o, 'u:1')).toMatchObject({
      status: 'unreachable',
      attempts: 1,
      lastStatusCode: 403,
    });
    expect(await settled(o, 'u:2')).toMatchObject({
      status: 'unreachable',
      attempts: 1,
      lastStatusCode: 404,
    });
    // Over for good: the card (which may carry personal data) is not kept.
    const raw = await t.db.collection('deliveries').findOne({ _id: 'u:1' as never });
    expect(raw).not.toHaveProperty('activity');
    expect(raw).not.toHaveProperty('address');
    await pause(500);
    expect(connector.requests.filter((r) => r.text === 'u:1' || r.text === 'u:2')).toHaveLength(2);
    expect(await o.isUnreachable(OUTBOX_TENANT, 'a:blocked')).toBe(true);
    expect(await o.isUnreachable(OUTBOX_TENANT, 'a:gone')).toBe(true);
    expect(await o.isUnreachable(OUTBOX_TENANT, 'a:fine')).toBe(false);

    await o.enqueue({ key: 'u:3', kind: 'test', address: address('a:blocked'), activity: cardFor('u:3') });
    expect(await settled(o, 'u:3')).toMatchObject({ status: 'sent' });
    expect(await o.isUnreachable(OUTBOX_TENANT, 'a:blocked')).toBe(false);
    await o.markReachable(OUTBOX_TENANT, 'a:gone');
    expect(await o.isUnreachable(OUTBOX_TENANT, 'a:gone')).toBe(false);
  });

  it('shares its keys with the effect ledger: an effect already claimed in a turn is not sent again', async () => {
    const o = replicas.create(t.db);
    expect(await new MongoEffectLedger(t.db).claim('welcome:p1', 'welcome', new Date())).toBe(true);
    expect(
      await o.enqueue({
        key: 'welcome:p1',
        kind: 'welcome',
        address: address('a:p1'),
        activity: cardFor('w'),
      }),
    ).toEqual({ created: false, status: 'sent' });
    expect(await o.get('welcome:p1')).toBeUndefined();
  });
});
