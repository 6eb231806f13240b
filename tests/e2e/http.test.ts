import { MongoClient } from 'mongodb';
import type { Service } from '../../bot/src/main';
import {
  cardSubmit,
  personalInstallWithoutLocale,
  groupConversation,
  groupInstall,
  installationUpdate,
  message,
  person,
  personalInstall,
  TENANT_ID,
} from '../support/activities';
import { FakeBotConnector } from '../support/bot-connector.fake';
import { postActivity, startTestService } from '../support/service';

/**
 * The real service over HTTP: activities go in at /api/messages as Teams posts them, replies come out at a
 * Bot Connector on 127.0.0.1 through the bot's real connector client.
 */
describe('the bot over HTTP', () => {
  let connector: FakeBotConnector;
  let service: Service;
  let client: MongoClient;

  const professionals = () => client.db(service.config.mongo.dbName).collection('professionals');
  const cardOf = (r: {
    body: { attachments?: { contentType: string; content: Record<string, unknown> }[] };
  }) => r.body.attachments?.[0];

  beforeAll(async () => {
    connector = await new FakeBotConnector().start();
    service = await startTestService();
    client = await MongoClient.connect(service.config.mongo.uri!);
  });
  afterAll(async () => {
    await client?.close();
    await service?.stop();
    await connector?.stop();
  });

  it('answers /healthz and /readyz', async () => {
    const health = await fetch(`${service.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${service.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('records a first message, welcomes in Dutch, and replies at the serviceUrl', async () => {
    const sanne = person('Sanne de Vries', 'nl-NL');
    const activity = message(connector.serviceUrl, sanne, 'hoi');
    const response = await postActivity(service, activity);
    expect(response.status).toBe(200);

    const replies = connector.messages(activity.conversation.id);
    expect(replies).toHaveLength(2);
    const [welcome, unknown] = replies;
    expect(welcome!.path).toBe(
      `/v3/conversations/${encodeURIComponent(activity.conversation.id)}/activities/${encodeURIComponent(activity.id)}`,
    );
    expect(cardOf(welcome!)?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(cardOf(welcome!)?.content)).toContain('Welkom bij Werkplekleren+');
    expect(JSON.stringify(cardOf(welcome!)?.content)).toContain('Fijn dat je er bent, Sanne de Vries.');
    expect(unknown!.body.text).toMatch(/Dat begrijp ik niet/);

    const stored = await professionals().findOne({ aadObjectId: sanne.aadObjectId });
    expect(stored).toMatchObject({
      tenantId: TENANT_ID,
      name: 'Sanne de Vries',
      locale: 'nl',
      timeZone: 'Europe/Amsterdam',
      address: {
        channelId: 'msteams',
        serviceUrl: connector.serviceUrl,
        conversationId: activity.conversation.id,
        userId: activity.from.id,
        botId: activity.recipient.id,
      },
    });
  });

  it('answers help in English for an English Teams client, and does not welcome twice', async () => {
    const james = person('James Miller', 'en-US', 'Europe/London');
    const first = message(connector.serviceUrl, james, 'help');
    await postActivity(service, first);
    const firstReplies = connector.messages(first.conversation.id);
    expect(firstReplies.map((r) => JSON.stringify(cardOf(r)?.content))).toEqual([
      expect.stringContaining('Welcome to Werkplekleren+'),
      expect.stringContaining('What can I do?'),
    ]);

    const second = message(connector.serviceUrl, james, 'HELP');
    await postActivity(service, second);
    const all = connector.messages(first.conversation.id);
    expect(all).toHaveLength(3);
    expect(JSON.stringify(cardOf(all[2]!)?.content)).toContain('What can I do?');
    expect(await professionals().countDocuments({ aadObjectId: james.aadObjectId })).toBe(1);
  });

  it('records and welcomes once on a personal install, however often Teams delivers it', async () => {
    const fatima = person('Fatima El Amrani');
    const install = personalInstall(connector.serviceUrl, fatima);
    const results = await Promise.all([
      postActivity(service, install),
      postActivity(service, { ...install, id: 'f:resend' }),
      postActivity(service, installationUpdate(connector.serviceUrl, fatima)),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    const welcomes = connector
      .messages(install.conversation.id)
      .filter((r) => JSON.stringify(cardOf(r)?.content).includes('Welkom bij Werkplekleren+'));
    expect(welcomes).toHaveLength(1);
    expect(await professionals().countDocuments({ aadObjectId: fatima.aadObjectId })).toBe(1);
  });

  it('leaves the welcome to the install event that states a language, even when the other one comes first', async () => {
    const olivia = person('Olivia Brown', 'en-GB');
    const silent = personalInstallWithoutLocale(connector.serviceUrl, olivia);
    expect((await postActivity(service, silent)).status).toBe(200);
    expect(connector.messages(silent.conversation.id)).toHaveLength(0);
    expect(await professionals().countDocuments({ aadObjectId: olivia.aadObjectId })).toBe(1);

    await postActivity(service, installationUpdate(connector.serviceUrl, olivia));
    const cards = connector.messages(silent.conversation.id).map((r) => JSON.stringify(cardOf(r)?.content));
    expect(cards).toEqual([expect.stringContaining('Welcome to Werkplekleren+')]);
    expect(await professionals().findOne({ aadObjectId: olivia.aadObjectId })).toMatchObject({
      locale: 'en',
    });
  });

  it('answers the help button on the welcome card', async () => {
    const mila = person('Mila de Boer');
    const submit = cardSubmit(connector.serviceUrl, mila, { verb: 'help.show' });
    expect((await postActivity(service, submit)).status).toBe(200);
    const cards = connector.messages(submit.conversation.id).map((r) => JSON.stringify(cardOf(r)?.content));
    expect(cards).toEqual([expect.stringContaining('Welkom bij'), expect.stringContaining('Wat kan ik?')]);
  });

  it('introduces itself once in a group chat and keeps no personal address there', async () => {
    const noah = person('Noah Jansen');
    const conversation = groupConversation();
    await postActivity(service, groupInstall(connector.serviceUrl, noah, conversation));
    await postActivity(service, groupInstall(connector.serviceUrl, noah, conversation));
    const intros = connector.messages(conversation.id);
    expect(intros).toHaveLength(1);
    expect(JSON.stringify(cardOf(intros[0]!)?.content)).toContain('Hallo allemaal');

    await postActivity(
      service,
      message(connector.serviceUrl, noah, '<at>Werkplekleren+</at> hulp', conversation),
    );
    const afterHelp = connector.messages(conversation.id);
    expect(afterHelp).toHaveLength(2);
    expect(JSON.stringify(cardOf(afterHelp[1]!)?.content)).toContain('Wat kan ik?');
    const stored = await professionals().findOne({ aadObjectId: noah.aadObjectId });
    expect(stored).not.toBeNull();
    expect(stored?.address).toBeUndefined();
  });

  describe('refuses malformed requests with a JSON error and changes nothing', () => {
    const before = async () => ({
      sent: connector.received.length,
      people: await professionals().countDocuments({}),
    });

    it.each([
      ['not JSON', '{"type": "message", ', 400, 'INVALID_JSON'],
      ['a JSON array', '[1, 2, 3]', 400, 'INVALID_ACTIVITY'],
      ['a JSON string', '"message"', 400, 'INVALID_ACTIVITY'],
    ])('%s', async (_name, body, status, code) => {
      const b = await before();
      const response = await postActivity(service, body);
      expect(response.status).toBe(status);
      expect(response.body).toEqual({ error: { code, message: expect.any(String) } });
      expect(await before()).toEqual(b);
    });

    it.each([
      ['missing type', (a: Record<string, unknown>) => ({ ...a, type: undefined }), 'type'],
      [
        'missing conversation',
        (a: Record<string, unknown>) => ({ ...a, conversation: undefined }),
        'conversation',
      ],
      [
        'a conversation without id',
        (a: Record<string, unknown>) => ({ ...a, conversation: { conversationType: 'personal' } }),
        'conversation.id',
      ],
      [
        'a serviceUrl that is not http(s)',
        (a: Record<string, unknown>) => ({ ...a, serviceUrl: 'file:///etc/passwd' }),
        'serviceUrl',
      ],
    ])('%s', async (_name, change, field) => {
      const b = await before();
      const activity = change(message(connector.serviceUrl, person('Eve'), 'hulp'));
      const response = await postActivity(service, activity);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        error: { code: 'INVALID_ACTIVITY', message: expect.stringContaining(field) },
      });
      expect(await before()).toEqual(b);
    });

    it('a 2 MB body', async () => {
      const b = await before();
      const activity = message(connector.serviceUrl, person('Big'), 'x'.repeat(2 * 1024 * 1024));
      const response = await postActivity(service, activity);
      expect(response.status).toBe(413);
      expect(response.body).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) } });
      expect(await before()).toEqual(b);
    });

    it('a body that is not JSON at all', async () => {
      const b = await before();
      const response = await fetch(`${service.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'hello',
      });
      expect(response.status).toBe(415);
      expect(await response.json()).toEqual({
        error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.any(String) },
      });
      expect(await before()).toEqual(b);
    });

    it('and stays up afterwards', async () => {
      expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
      const ok = await postActivity(service, message(connector.serviceUrl, person('After'), 'hulp'));
      expect(ok.status).toBe(200);
    });
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await fetch(`${service.url}/api/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
  });
});

describe('the bot with MicrosoftAppId set', () => {
  let connector: FakeBotConnector;
  let service: Service;

  beforeAll(async () => {
    connector = await new FakeBotConnector().start();
    service = await startTestService({
      MicrosoftAppId: '3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b',
      MicrosoftAppPassword: 'not-a-real-secret',
      MicrosoftAppType: 'MultiTenant',
    });
  });
  afterAll(async () => {
    await service?.stop();
    await connector?.stop();
  });

  it.each([
    ['no Authorization header', {}],
    ['a token that is not a JWT', { authorization: 'Bearer not-a-token' }],
  ])('refuses an activity with %s: 401, no reply, nothing recorded', async (_name, headers) => {
    const eve = person('Eve');
    const response = await postActivity(service, message(connector.serviceUrl, eve, 'hulp'), headers);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
    expect(connector.received).toHaveLength(0);
    const client = await MongoClient.connect(service.config.mongo.uri!);
    try {
      expect(
        await client.db(service.config.mongo.dbName).collection('professionals').countDocuments({}),
      ).toBe(0);
    } finally {
      await client.close();
    }
  });
});
