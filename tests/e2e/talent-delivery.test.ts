import { MongoClient } from 'mongodb';
import type { Service } from '../../bot/src/main';
import { person, personalInstall } from '../support/activities';
import { FakeBotConnector } from '../support/bot-connector.fake';
import { composeTraject } from '../support/flows';
import { uniqueDbName } from '../support/mongo';
import { postActivity, startTestService } from '../support/service';

/**
 * Nudges are delivered exactly once: two replicas (two schedulers, two outbox loops on one database) and a
 * Bot Connector that refuses the first sends with 429 and 503.
 */
describe('talent nudges across replicas', () => {
  let connector: FakeBotConnector;
  const replicas: Service[] = [];
  let client: MongoClient;
  const professional = person('Eline Professional');
  const manager = person('Mark Manager');
  const managerChat = `a:1${manager.aadObjectId.replace(/-/g, '')}`;

  beforeAll(async () => {
    connector = await new FakeBotConnector().start();
    const env = {
      MONGODB_DB: uniqueDbName('talentdelivery'),
      SCHEDULER_POLL_INTERVAL_MS: '500',
      OUTBOX_POLL_INTERVAL_MS: '100',
      OUTBOX_RETRY_MAX_MS: '1000',
    };
    replicas.push(await startTestService(env), await startTestService(env));
    client = await MongoClient.connect(replicas[0]!.config.mongo.uri!);
    for (const who of [professional, manager])
      await postActivity(replicas[0]!, personalInstall(connector.serviceUrl, who));
    await composeTraject(replicas[1]!, connector, professional, { manager: manager.aadObjectId });
  });
  afterAll(async () => {
    await client?.close();
    for (const r of replicas) await r.stop();
    await connector?.stop();
  });

  it('sends each nudge once although the Bot Connector refuses the first tries', async () => {
    const db = client.db(replicas[0]!.config.mongo.dbName);
    const jobs = await db.collection('jobs').find({ name: 'talent.nudge' }).toArray();
    expect(jobs).toHaveLength(2);
    connector.respondNext(
      managerChat,
      { status: 429, headers: { 'retry-after': '1' } },
      { status: 503 },
      { status: 429, headers: { 'retry-after': '1' } },
    );
    // Both nudges fall due at once, on two replicas.
    await db
      .collection('jobs')
      .updateMany({ name: 'talent.nudge' }, { $set: { runAt: new Date(Date.now() - 1000) } });
    const nudges = () =>
      connector
        .messages(managerChat)
        .filter((r) => r.method === 'POST' && JSON.stringify(r.body).includes('Talentontwikkelgesprek'));
    await connector.waitFor(() => nudges().length >= 2, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(nudges()).toHaveLength(2);
    const refused = connector.requests.filter(
      (r) => r.conversationId === managerChat && r.status !== 201 && r.status !== 200,
    );
    expect(refused.length).toBe(3);
    const deliveries = await db.collection('deliveries').find({ kind: 'talent-nudge' }).toArray();
    expect(deliveries.map((d) => d.status as string)).toEqual(['sent', 'sent']);
    expect(deliveries.reduce((sum, d) => sum + (d.attempts as number), 0)).toBe(5);
    // The jobs ran once each, whichever replica took them.
    expect(await db.collection('jobs').countDocuments({ name: 'talent.nudge', status: 'done' })).toBe(2);
  }, 40_000);
});
