import { MongoClient, type Db } from 'mongodb';
import { ensureIndexes } from '../../bot/src/store/collections';
import { FakeBotConnector } from '../support/bot-connector.fake';
import { openTestDatabase, type TestDatabase } from '../support/mongo';
import { OutboxReplicas, addressOn, cardFor, settled } from '../support/outbox';
import { startReplica } from '../support/replica';

/** Replicas killed (SIGKILL, in a process of their own) while they deliver. */
describe('the outbox when a replica dies', () => {
  let t: TestDatabase;
  let otherClient: MongoClient;
  let otherDb: Db;
  let connector: FakeBotConnector;
  const replicas = new OutboxReplicas();
  const leaseMs = 2_000;
  // One conversation at 2 cards a second: slots about a second apart.
  const rate = { perTenantPerSecond: 40, perConversationPerSecond: 2 };

  const arrived = (key: string) => connector.messages().filter((m) => m.body.text === key);
  const worker = () =>
    startReplica({ mode: 'outbox', uri: t.uri, dbName: t.dbName, leaseMs, pollIntervalMs: 100, rate });

  beforeAll(async () => {
    t = await openTestDatabase('failover');
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

  it('loses nothing when it dies waiting for a send slot: another replica takes the cards over once', async () => {
    const survivor = replicas.create(otherDb, { rate, leaseMs });
    const keys = ['d:1', 'd:2', 'd:3'];
    for (const key of keys)
      await survivor.enqueue({
        key,
        kind: 'test',
        address: addressOn(connector, 'a:dying'),
        activity: cardFor(key),
      });
    const dying = await worker();
    await connector.waitFor(() => connector.messages('a:dying').length >= 1, 15_000);
    await dying.kill();
    const killedAt = Date.now();
    // The third card's slot is a second or more after the first card's: it was surely waiting.
    const arrivedBefore = new Set(connector.messages('a:dying').map((m) => m.body.text));
    expect(arrivedBefore.has('d:3')).toBe(false);

    survivor.start();
    const states = await Promise.all(keys.map((key) => settled(survivor, key)));
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const state of states) {
      expect(arrived(state.key).length).toBeLessThanOrEqual(1);
      // A card whose request was under way when the worker died may be recorded uncertain; no other.
      if (arrivedBefore.has(state.key)) expect(['sent', 'uncertain']).toContain(state.status);
      else expect([state.key, state.status, arrived(state.key).length]).toEqual([state.key, 'sent', 1]);
    }
    expect(connector.requests.find((r) => r.text === 'd:3')!.at).toBeGreaterThan(killedAt);
  });

  it('never sends twice when it dies while its request is under way: the card is recorded uncertain', async () => {
    connector.delayMs = 5_000;
    const survivor = replicas.create(otherDb, { rate, leaseMs });
    await survivor.enqueue({
      key: 'd:4',
      kind: 'test',
      address: addressOn(connector, 'a:dying-2'),
      activity: cardFor('d:4'),
    });
    const dying = await worker();
    // The connector has the card and holds its answer: the worker dies before it hears back.
    await connector.waitFor(() => arrived('d:4').length === 1, 15_000);
    await dying.kill();
    connector.delayMs = 0;

    survivor.start();
    expect(await settled(survivor, 'd:4')).toMatchObject({ status: 'uncertain', lastError: 'SENDER_DIED' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(arrived('d:4')).toHaveLength(1);
  });
});
