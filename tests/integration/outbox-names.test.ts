import pino from 'pino';
import { createBotAdapter } from '../../bot/src/bot-adapter';
import { namesAtSend, peopleDirectory } from '../../bot/src/domain/people-names';
import { personToken } from '../../bot/src/domain/person-ref';
import { createBotConnectorSender } from '../../bot/src/integrations/bot-connector-delivery';
import { ensureIndexes } from '../../bot/src/store/collections';
import { MongoCircleRepository } from '../../bot/src/store/mongo-circle.repository';
import { MongoOutbox } from '../../bot/src/store/mongo-outbox';
import { MongoProfessionalRepository } from '../../bot/src/store/mongo-professional.repository';
import { FakeBotConnector } from '../support/bot-connector.fake';
import { openTestDatabase, type TestDatabase } from '../support/mongo';
import { addressOn, OUTBOX_TENANT } from '../support/outbox';

/**
 * Cards wait in the outbox naming nobody: the record holds person tokens, and the names go in as the card is
 * sent, from the people's own records at that moment (issue 13, point 1).
 */
describe('the outbox names people only when it sends', () => {
  let t: TestDatabase;
  let connector: FakeBotConnector;
  let outbox: MongoOutbox;

  beforeAll(async () => {
    t = await openTestDatabase('outbox-names');
    await ensureIndexes(t.db);
    connector = await new FakeBotConnector().start();
  });
  afterAll(async () => {
    await outbox?.stop(2_000);
    await connector?.stop();
    await t.cleanup();
  });

  it('stores tokens, sends names (quotes and all), and a stand-in in the card’s language for anyone unknown', async () => {
    const professionals = new MongoProfessionalRepository(t.db);
    const femke = await professionals.upsertContact(
      {
        tenantId: OUTBOX_TENANT,
        aadObjectId: '0f9c1f8e-1d2c-4b5a-9e8f-7a6b5c4d3e2f',
        name: 'Femke "Fem" de Vries',
        locale: 'nl',
        timeZone: undefined,
        address: undefined,
      },
      new Date(),
      'nl',
    );
    outbox = new MongoOutbox(
      t.db,
      namesAtSend(
        createBotConnectorSender(createBotAdapter(undefined), undefined),
        peopleDirectory(professionals, new MongoCircleRepository(t.db)),
        'nl',
      ),
      { pollIntervalMs: 200, logger: pino({ level: 'silent' }) },
    );
    // A circle member who never opened a chat with the bot: known by the name Teams gave the circle.
    const sjoukje = '2a3b4c5d-6e7f-4801-9a2b-3c4d5e6f7a8b';
    await t.db.collection('circles').insertOne({
      tenantId: OUTBOX_TENANT,
      id: 'circle-1',
      name: 'Kring',
      nameKey: 'kring',
      members: [{ aadObjectId: sjoukje, name: 'Sjoukje Hylkema' }],
      memberAadObjectIds: [sjoukje],
    });
    const card = (locale: string) => ({
      type: 'message',
      locale,
      text: `Gesprek met ${personToken(femke.aadObjectId)}, ${personToken(sjoukje)} en ${personToken('11111111-2222-3333-4444-555555555555')}`,
    });
    await outbox.enqueue({
      key: 'names:nl',
      kind: 'test',
      address: addressOn(connector, 'a:nl'),
      activity: card('nl'),
    });
    await outbox.enqueue({
      key: 'names:en',
      kind: 'test',
      address: addressOn(connector, 'a:en'),
      activity: card('en'),
    });

    const waiting = JSON.stringify(await t.db.collection('deliveries').find({}).toArray());
    expect(waiting).toContain('⟦person:');
    expect(waiting).not.toMatch(/Femke|Sjoukje/);

    outbox.start();
    await connector.waitFor(() => connector.messages().length === 2);
    const sent = (conversationId: string) => connector.messages(conversationId)[0]!.body.text;
    expect(sent('a:nl')).toBe('Gesprek met Femke "Fem" de Vries, Sjoukje Hylkema en een collega');
    expect(sent('a:en')).toBe('Gesprek met Femke "Fem" de Vries, Sjoukje Hylkema en a colleague');
  });
});
