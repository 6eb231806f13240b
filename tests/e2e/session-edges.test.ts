import { createServer } from 'node:net';
import { MongoClient } from 'mongodb';
import type { Service } from '../../bot/src/main';
import { cardSubmit, person, TENANT_ID, type Person } from '../support/activities';
import { FakeBotConnector } from '../support/bot-connector.fake';
import { actionFor } from '../support/cards';
import { FakeOpenAi } from '../support/openai.fake';
import { postActivity, startTestService } from '../support/service';
import { cardProblems, formCircle, SessionDriver, type Json } from '../support/sessions';

const text = (card: unknown) => JSON.stringify(card);

const BEGIN = {
  frameId: 'standaard',
  situation: 'new',
  newSituation: 'Wachttijden aan de balie',
  question: 'none',
  anonymous: 'true',
  timebox0: '10',
  timebox1: '10',
  timebox2: '15',
  timebox3: '5',
  timebox4: '15',
};

/** `start` in the circle's own chat: the card the bot posts, and a driver for it. */
async function startInCircleChat(
  service: Service,
  connector: FakeBotConnector,
  client: MongoClient,
  chat: { id: string },
  who: Person,
): Promise<{ session: SessionDriver; card: Json }> {
  const before = connector.messages(chat.id).length;
  const driver = new SessionDriver(service, connector, chat, undefined, '');
  await driver.say(who, 'start');
  const sent = connector
    .messages(chat.id)
    .slice(before)
    .find((r) => text(r.body).includes('session.begin'));
  if (!sent) throw new Error(`no session card in ${chat.id}`);
  // The message the card went out as, as the session recorded it (the Bot Connector's id).
  const stored = await client
    .db(service.config.mongo.dbName)
    .collection('sessions')
    .findOne({ 'state.header.chat.conversationId': chat.id });
  driver.cardActivityId = stored!.state.cardActivityId as string;
  return { session: driver, card: sent.body.attachments![0]!.content };
}

/** Goes from the kick-off to the AI stage with one contribution per stage. */
async function toAiStage(session: SessionDriver, who: Person, kickoff: Json): Promise<Json> {
  let card = await session.press(who, kickoff, 'session.begin', BEGIN);
  card = await session.press(who, card, 'session.contribute', {
    contribution: 'Mensen wachten een half uur',
  });
  card = await session.press(who, card, 'session.move', {}, (d) => d.to === 1);
  card = await session.press(who, card, 'session.contribute', {
    contribution: 'Hoe korten we het wachten in?',
  });
  card = await session.press(who, card, 'session.move', {}, (d) => d.to === 2);
  card = await session.press(who, card, 'session.contribute', { contribution: 'Een afsprakensysteem' });
  return session.press(who, card, 'session.move', {}, (d) => d.to === 3);
}

describe('a session without an AI model, in English', () => {
  let connector: FakeBotConnector;
  let service: Service;
  let client: MongoClient;
  const members = [person('Ann', 'en-GB'), person('Bob', 'en-GB'), person('Cas', 'en-GB')] as [
    Person,
    Person,
    Person,
  ];

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

  it('drafts from the circle’s own words, labelled as not written by AI, and records a rejection with its reason', async () => {
    const { chat } = await formCircle(service, connector, client, members, 'Front desk', 'en');
    const { session, card: kickoff } = await startInCircleChat(service, connector, client, chat, members[0]);
    expect(text(kickoff)).toContain('Session of Front desk');
    // `start` again: the same session, its card posted again at the bottom of the chat.
    const again = await startInCircleChat(service, connector, client, chat, members[1]);
    expect(text(again.card)).toContain('Session of Front desk');
    const db = client.db(service.config.mongo.dbName);
    expect(await db.collection('sessions').countDocuments({})).toBe(1);

    let card = await toAiStage(session, members[0], kickoff);
    // No model: the step is named and labelled as the circle's own draft, and "AI" is nowhere on it.
    expect(text(card)).toContain('Step 4 of 5 · Draft improvement proposal');
    expect(text(card)).toContain('Put together from your own contributions, in your own words.');
    expect(text(card)).not.toMatch(/\bAI\b/);
    expect(text(card)).toContain('Een afsprakensysteem');
    // The brainstorm was anonymous: no names on the ideas.
    card = await session.press(members[1], card, 'session.move', {}, (d) => d.to === 4);
    expect(text(card)).toContain('Step 5 of 5');
    // Rejecting needs a reason.
    const noReason = await session.press(
      members[1],
      card,
      'session.decide',
      { reason: ' ' },
      (d) => d.decision === 'reject',
    );
    expect(text(noReason)).toContain('Give a reason to reject the proposal.');
    card = await session.press(
      members[1],
      card,
      'session.decide',
      { reason: 'Too expensive for now' },
      (d) => d.decision === 'reject',
    );
    expect(text(card)).toContain('Proposal rejected');
    expect(text(card)).toContain('Reason: Too expensive for now');
    const proposal = await db.collection('proposals').findOne({});
    expect(proposal).toMatchObject({
      status: 'rejected',
      rejectionReason: 'Too expensive for now',
      draftSource: 'contributions',
    });

    // `stop` closes it; the members who took part get the hour, once.
    await session.say(members[0], 'stop');
    expect(text(connector.messages(chat.id).at(-1)!.body)).toContain('The session is closed');
    await session.say(members[0], 'stop');
    expect(await db.collection('ledgerEntries').countDocuments({ source: 'session' })).toBe(2);
    for (const c of session.cards) expect(cardProblems(c)).toEqual([]);
  });

  it('answers the Action.Submit fallback of older clients with a new card', async () => {
    const { chat } = await formCircle(service, connector, client, members, 'Old clients', 'en');
    const { card: kickoff } = await startInCircleChat(service, connector, client, chat, members[0]);
    const checkin = (kickoff.body as Json[]).flatMap((e) =>
      e.type === 'ActionSet' ? (e.actions as Json[]) : [],
    )[2]!;
    const before = connector.messages(chat.id).length;
    await postActivity(
      service,
      cardSubmit(connector.serviceUrl, members[2], (checkin.fallback as { data: Json }).data, chat),
    );
    const reply = connector.messages(chat.id).slice(before);
    expect(reply).toHaveLength(1);
    expect(text(reply[0]!.body)).toContain("The circle's energy: too few to show yet (1 of 3 checked in).");
  });
});

describe('a session when the AI model fails', () => {
  let connector: FakeBotConnector;
  let ai: FakeOpenAi;
  let client: MongoClient;
  const services: Service[] = [];
  const members = [person('Dirk'), person('Eva'), person('Fleur')] as [Person, Person, Person];

  beforeAll(async () => {
    connector = await new FakeBotConnector().start();
    ai = await new FakeOpenAi().start();
  });
  afterAll(async () => {
    await client?.close();
    for (const s of services) await s.stop();
    await ai?.stop();
    await connector?.stop();
  });

  async function serviceWith(env: Record<string, string>): Promise<Service> {
    const service = await startTestService({ OPENAI_API_KEY: 'sk-test', OPENAI_MODEL: 'test-model', ...env });
    services.push(service);
    client ??= await MongoClient.connect(service.config.mongo.uri!);
    return service;
  }

  async function freePort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
  }

  it.each([
    ['failing (500, retried once)', 'gaf een fout', () => ai.baseUrl, [{ status: 500 }, { status: 500 }], {}],
    [
      'slow (beyond the time limit)',
      'niet op tijd',
      () => ai.baseUrl,
      [
        { content: '{}', delayMs: 3000 },
        { content: '{}', delayMs: 3000 },
      ],
      { AI_TIMEOUT_MS: '1000' },
    ],
  ] as const)(
    'tells the circle when the model is %s, and lets it try again or go on without AI',
    async (_label, message, baseUrl, answers, env) => {
      const service = await serviceWith({ OPENAI_BASE_URL: baseUrl(), ...env });
      const { chat } = await formCircle(service, connector, client, members, `Kring ${_label.slice(0, 4)}`);
      const { session, card: kickoff } = await startInCircleChat(
        service,
        connector,
        client,
        chat,
        members[0],
      );
      for (const answer of answers) ai.answer(answer);
      const drafting = await toAiStage(session, members[0], kickoff);
      expect(text(drafting)).toContain('schrijft nu een concept-verbetervoorstel');
      const failed = await session.waitForUpdate((c) => c.includes(message));
      expect(text(failed)).toContain('Probeer opnieuw');
      // Try again: this time the model answers.
      ai.answer({
        content: JSON.stringify({
          title: 'Afspraken aan de balie',
          summary: 'Werk op afspraak.',
          steps: ['Afsprakensysteem invoeren'],
          expectedEffect: 'Korter wachten',
          risks: [],
          question: null,
          criticalQuestions: ['Wie valt buiten de boot?', 'Wat kost het?'],
        }),
      });
      const retrying = await session.press(
        members[1],
        failed,
        'session.redraft',
        {},
        (d) => d.withModel === true,
      );
      expect(text(retrying)).toContain('schrijft nu een concept-verbetervoorstel');
      await session.waitForUpdate((c) => c.includes('Afspraken aan de balie'));
    },
    30_000,
  );

  it('tells the circle when the model cannot be reached, and goes on without AI', async () => {
    const service = await serviceWith({ OPENAI_BASE_URL: `http://127.0.0.1:${await freePort()}/v1` });
    const { chat } = await formCircle(service, connector, client, members, 'Kring onbereikbaar');
    const { session, card: kickoff } = await startInCircleChat(service, connector, client, chat, members[0]);
    await toAiStage(session, members[0], kickoff);
    const failed = await session.waitForUpdate((c) => c.includes('niet bereikbaar'));
    const own = await session.press(members[2], failed, 'session.redraft', {}, (d) => d.withModel === false);
    expect(text(own)).toContain('Samengesteld uit jullie eigen bijdragen, in jullie eigen woorden.');
    expect(text(own)).toContain('Stap 4 van 5 · Concept-verbetervoorstel');
    expect(text(own)).toContain('Volgende stap');
  }, 30_000);
});

describe('refusals: a session changes only by its members, through its own cards', () => {
  let connector: FakeBotConnector;
  let service: Service;
  let client: MongoClient;
  const members = [person('Gert'), person('Hanna'), person('Ilse')] as [Person, Person, Person];
  const outsider = person('Buitenstaander');
  let session: SessionDriver;
  let card: Json;
  let sessionId: string;
  const eventCount = () =>
    client.db(service.config.mongo.dbName).collection('sessionEvents').countDocuments({ sessionId });

  beforeAll(async () => {
    connector = await new FakeBotConnector().start();
    service = await startTestService();
    client = await MongoClient.connect(service.config.mongo.uri!);
    const { chat } = await formCircle(service, connector, client, members, 'Weigeraars');
    const started = await startInCircleChat(service, connector, client, chat, members[0]);
    session = started.session;
    card = await session.press(members[0], started.card, 'session.begin', BEGIN);
    sessionId = actionFor(card, 'session.move')!.data!.sessionId as string;
  });
  afterAll(async () => {
    await client?.close();
    await service?.stop();
    await connector?.stop();
  });

  it('refuses someone outside the circle, and shows them the card read-only', async () => {
    const before = await eventCount();
    const answer = await session.press(outsider, card, 'session.contribute', {
      contribution: 'Ik doe ook mee',
    });
    expect(text(answer)).toContain('Alleen leden van deze Prof-cirkel');
    expect(text(answer)).not.toContain('Action.Execute');
    expect(await eventCount()).toBe(before);
    const refreshed = await session.invoke(outsider, 'session.refresh', { sessionId });
    expect(text(refreshed)).not.toContain('session.contribute');
  });

  it('refuses forged data, another tenant’s session and an unknown verb, and changes nothing', async () => {
    const before = await eventCount();
    const forged = await session.invoke(members[0], 'session.move', {
      sessionId,
      rev: 'abc',
      from: 0,
      to: 1,
    });
    expect(text(forged)).toContain('gegevens die ik niet kan lezen');
    const foreign = await session.invoke(members[0], 'session.move', {
      sessionId: sessionId.replace(TENANT_ID, '00000000-0000-0000-0000-000000000000'),
      rev: 1,
      from: 0,
      to: 1,
    });
    expect(text(foreign)).toContain('Die sessie ken ik niet');
    const jump = await session.invoke(members[0], 'session.move', { sessionId, rev: 1, from: 0, to: 3 });
    expect(text(jump)).toContain('De cirkel was al verder');
    const unknown = await session.send(members[0], 'session.explode', { sessionId });
    expect(unknown.status).toBe(200);
    expect(text(unknown.body)).toContain('gegevens die ik niet kan lezen');
    expect(await eventCount()).toBe(before);
  });

  it('refuses an oversized contribution with a message, and adds nothing', async () => {
    const before = await eventCount();
    const answer = await session.press(members[1], card, 'session.contribute', {
      contribution: 'x'.repeat(501),
    });
    expect(text(answer)).toContain('Dat is te lang: houd het bij 500 tekens');
    const huge = await session.press(members[1], card, 'session.contribute', {
      contribution: 'x'.repeat(30_000),
    });
    expect(text(huge)).toContain('gegevens die ik niet kan lezen');
    expect(await eventCount()).toBe(before);
  });

  it('shows a stale card’s sender the card as it is now, and changes nothing', async () => {
    const moved = await session.press(members[0], card, 'session.move', {}, (d) => d.to === 1);
    expect(text(moved)).toContain('Stap 2 van 5');
    const before = await eventCount();
    const stale = await session.press(members[2], card, 'session.move', {}, (d) => d.to === 1);
    expect(text(stale)).toContain('De cirkel was al verder');
    expect(text(stale)).toContain('Stap 2 van 5');
    const late = await session.press(members[2], card, 'session.contribute', {
      contribution: 'Nog een analysepunt',
    });
    expect(text(late)).toContain('De cirkel was al verder');
    expect(await eventCount()).toBe(before);
  });
});
