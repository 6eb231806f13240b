import { MongoClient } from 'mongodb';
import type { Service } from '../../bot/src/main';
import { person, TENANT_ID, type Person } from '../support/activities';
import { FakeBotConnector } from '../support/bot-connector.fake';
import { actionFor } from '../support/cards';
import { callTabApi } from '../support/flows';
import { FakeOpenAi, type ChatCompletionRequest } from '../support/openai.fake';
import { postActivity, startTestService } from '../support/service';
import {
  cardProblems,
  formCircle,
  linkMeeting,
  meetingEvent,
  SessionDriver,
  TEAMS_CARD_LIMIT_BYTES,
  type Json,
} from '../support/sessions';

/** A good answer of the model: a draft that names a colleague only by the placeholder it was given. */
function modelDraft(request: ChatCompletionRequest) {
  const material = request.messages.map((m) => m.content).join('\n');
  const placeholder = /\[Persoon \d\]/.exec(material)?.[0] ?? '[Persoon 1]';
  return {
    content: JSON.stringify({
      title: 'Warme overdracht om 15:00',
      summary: `Een vaste overdracht van tien minuten, voorbereid door ${placeholder}.`,
      steps: ['Vast moment om 15:00', 'Korte checklist op papier', 'Na twee weken samen evalueren'],
      expectedEffect: 'Minder fouten en minder stress bij de avonddienst.',
      risks: ['Tijdsdruk in de middag'],
      question: 1,
      criticalQuestions: [
        'Lost een checklist het echte probleem op, of alleen een symptoom?',
        'Wie van de avonddienst is bij dit voorstel betrokken?',
      ],
    }),
  };
}

const text = (card: unknown) => JSON.stringify(card);

/**
 * A whole session in a Teams meeting, through HTTP activities as Teams sends them, against the real server,
 * MongoDB, a Bot Connector on 127.0.0.1 and an OpenAI-compatible server on 127.0.0.1.
 */
describe('a session in the meeting', () => {
  let connector: FakeBotConnector;
  let ai: FakeOpenAi;
  let service: Service;
  let client: MongoClient;
  const db = () => client.db(service.config.mongo.dbName);
  const members = [person('Femke de Vries'), person('Gijs Bakker'), person('Hatice Yilmaz')] as [
    Person,
    Person,
    Person,
  ];
  const [femke, gijs, hatice] = members;
  let circleId: string;

  beforeAll(async () => {
    connector = await new FakeBotConnector().start();
    ai = await new FakeOpenAi().start();
    ai.defaultAnswer = modelDraft;
    service = await startTestService({
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: ai.baseUrl,
      OPENAI_MODEL: 'test-model',
      AI_TIMEOUT_MS: '3000',
      TAB_DEV_MODE: 'true',
    });
    client = await MongoClient.connect(service.config.mongo.uri!);
    ({ circleId } = await formCircle(service, connector, client, members, 'Overdrachters'));
  });
  afterAll(async () => {
    await client?.close();
    await service?.stop();
    await ai?.stop();
    await connector?.stop();
  });

  const events = (sessionId: string) => db().collection('sessionEvents').find({ sessionId }).toArray();

  it('runs from the meeting start to a validated AI proposal in every member’s Prof-traject', async () => {
    const chat = await linkMeeting(service, connector, femke, circleId);
    const before = connector.messages(chat.conversation.id).length;

    // The meeting starts; Teams may send the event twice. One session, one card.
    await postActivity(service, meetingEvent(connector.serviceUrl, femke, chat, 'Start'));
    await postActivity(service, meetingEvent(connector.serviceUrl, gijs, chat, 'Start'));
    const posted = connector.messages(chat.conversation.id).slice(before);
    expect(posted).toHaveLength(1);
    const kickoff = posted[0]!.body.attachments![0]!.content as Json;
    expect(text(kickoff)).toContain('Sessie van Overdrachters');
    expect(text(kickoff)).toContain('Start de sessie');
    // Each member's client refreshes the card into their own view (their Teams user ids, at most 60).
    expect((kickoff.refresh as { userIds: string[] }).userIds.sort()).toEqual(
      members.map((m) => `29:${m.aadObjectId}`).sort(),
    );
    const cardId = (await db().collection('sessions').findOne({ circleId }))!.state.cardActivityId as string;
    expect(cardId).toMatch(/^activity-/);
    const session = new SessionDriver(service, connector, chat.conversation, chat.meetingId, cardId);
    session.cards.push(kickoff);

    // One-tap check-ins: each sees their own choice; the circle's average only from three check-ins on, once
    // the session has begun (two would tell each other's score).
    let card = await session.press(femke, kickoff, 'session.checkin', {}, (d) => d.energy === 4);
    card = await session.press(gijs, kickoff, 'session.checkin', {}, (d) => d.energy === 2);
    expect(text(card)).toContain('Energie van de cirkel: nog te weinig om te tonen (2 van 3 ingecheckt)');
    expect(text(card)).not.toContain('Energie van de cirkel: 3');
    expect(text(card)).toContain('Jij koos 2.');
    expect(text(card)).not.toContain('Jij koos 4.');
    // The answer is that person's own view, without a refresh: teams-ai would otherwise PUT it over the shared
    // message. A member's client refreshing sees their own view and changes nothing for anyone else.
    expect(card.refresh).toBeUndefined();
    await connector.waitFor(() => session.updates().some((c) => text(c).includes('(2 van 3 ingecheckt)')));
    const putsBefore = session.updates().length;
    const own = await session.invoke(femke, 'session.refresh', {
      sessionId: actionFor(kickoff, 'session.begin')!.data!.sessionId,
    });
    expect(text(own)).toContain('Jij koos 4.');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(session.updates()).toHaveLength(putsBefore);
    expect(text(session.updates().at(-1))).not.toContain('Jij koos');

    // Start: the default videoframe, a new work situation, didactic question 1.
    card = await session.press(femke, card, 'session.begin', {
      frameId: 'standaard',
      situation: 'new',
      newSituation: 'De overdracht tussen dag- en avonddienst loopt bij Gijs vaak uit',
      question: '1',
      anonymous: 'false',
      timebox0: '10',
      timebox1: '10',
      timebox2: '15',
      timebox3: '5',
      timebox4: '15',
    });
    expect(text(card)).toContain('Stap 1 van 5 · Analyse van de werksituatie');
    expect(text(card)).toMatch(/10 minuten, tot \d\d:\d\d/);

    // Contributions, with their authors; a double click adds one.
    const analysis = card;
    card = await session.press(femke, analysis, 'session.contribute', {
      contribution: 'Gijs Bakker krijgt de overdracht vaak pas om 15:20',
    });
    card = await session.press(femke, analysis, 'session.contribute', {
      contribution: 'Gijs Bakker krijgt de overdracht vaak pas om 15:20',
    });
    card = await session.press(hatice, analysis, 'session.contribute', {
      contribution: 'Er is geen vast moment en geen lijstje',
    });
    expect(text(card)).toContain('Bijdragen (2)');
    expect(text(card)).toContain('Hatice Yilmaz (jij): ');
    expect(text(card)).toContain('Femke de Vries: ');

    // Two members press "next" at the same moment: the circle moves one stage, once.
    const [a, b] = await Promise.all([
      session.press(femke, card, 'session.move', {}, (d) => d.to === 1),
      session.press(gijs, card, 'session.move', {}, (d) => d.to === 1),
    ]);
    expect(text(a)).toContain('Stap 2 van 5');
    expect(text(b)).toContain('Stap 2 van 5');
    const sessionId = actionFor(a, 'session.move')!.data!.sessionId as string;
    const moves = (await events(sessionId)).filter((e) => e.event.type === 'moved');
    expect(moves).toHaveLength(1);
    // The one who lost the race is told nothing changed because of them.
    expect([text(a), text(b)].filter((c) => c.includes('De cirkel was al verder'))).toHaveLength(1);

    card = await session.press(gijs, a, 'session.contribute', {
      contribution: 'Hoe maken we de overdracht voorspelbaar voor de avonddienst?',
    });
    card = await session.press(gijs, card, 'session.move', {}, (d) => d.to === 2);
    expect(text(card)).toContain('Stap 3 van 5 · Brainstorm');
    expect(text(card)).toContain('Hoe maken we de overdracht voorspelbaar');
    card = await session.press(hatice, card, 'session.contribute', {
      contribution: 'Een vast overdrachtsmoment om 15:00',
    });
    card = await session.press(femke, card, 'session.contribute', {
      contribution: 'Een checklist die Femke opstelt',
    });

    // On to the AI stage: answered at once with "drafting"; the model is called after the answer.
    const requestsBefore = ai.requests.length;
    card = await session.press(hatice, card, 'session.move', {}, (d) => d.to === 3);
    expect(text(card)).toContain('Stap 4 van 5 · AI-verbetervoorstel');
    expect(text(card)).toContain('schrijft nu een concept-verbetervoorstel');
    const drafted = await session.waitForUpdate((c) => c.includes('Warme overdracht om 15:00'));
    expect(ai.requests.length).toBe(requestsBefore + 1);
    // Nothing of anyone's name left the service: placeholders went out, names came back on the card.
    const prompt = JSON.stringify(ai.requests.at(-1)!.body.messages);
    for (const name of ['Femke', 'Gijs', 'Hatice', 'Bakker', 'Yilmaz', 'de Vries'])
      expect(prompt).not.toContain(name);
    expect(prompt).toContain('[Persoon ');
    expect(prompt).toContain('De overdracht tussen dag- en avonddienst');
    expect(text(drafted)).toContain('Geschreven door AI-model test-model');
    expect(text(drafted)).toMatch(/voorbereid door (Femke de Vries|Gijs Bakker|Hatice Yilmaz)/);
    expect(text(drafted)).toContain('Kritische vragen bij dit concept');
    const stored = await db()
      .collection('sessions')
      .findOne({ _id: sessionId as never });
    expect(stored!.state.draft.result.provenance).toMatchObject({
      source: 'ai',
      model: 'test-model',
      promptVersion: expect.stringMatching(/^improvement-proposal@[0-9a-f]{8}$/),
      latencyMs: expect.any(Number),
    });

    // Evaluation: ratings (two: too few for an average), then the circle adapts and validates.
    card = await session.press(gijs, drafted, 'session.move', {}, (d) => d.to === 4);
    expect(text(card)).toContain('Stap 5 van 5 · Evaluatie en validatie');
    card = await session.press(gijs, card, 'session.rate', { usefulness: '4', feasibility: '3' });
    card = await session.press(femke, card, 'session.rate', { usefulness: '5', feasibility: '4' });
    expect(text(card)).toContain('Oordeel van de cirkel: nog te weinig om te tonen (2 van 3 gegeven)');
    expect(text(card)).not.toContain('4.5');
    expect(text(card)).toContain('Jouw oordeel: bruikbaarheid 5, haalbaarheid 4.');
    const evaluation = card;
    const decide = {
      title: 'Warme overdracht om 15:00, met checklist',
      summary: 'Vaste overdracht van tien minuten om 15:00.',
      steps: '1. Vast moment om 15:00\n2. Checklist\n- Evalueren na twee weken',
      expectedEffect: 'Minder fouten bij de avonddienst.',
    };
    // An adaptation without a title is refused on the card, and nothing is decided.
    const untitled = await session.press(
      femke,
      evaluation,
      'session.decide',
      { ...decide, title: '  ' },
      (d) => d.decision === 'adapt',
    );
    expect(text(untitled)).toContain('Een aangepast voorstel heeft een titel en een samenvatting nodig.');
    expect(text(untitled)).toContain('Stap 5 van 5');
    card = await session.press(femke, evaluation, 'session.decide', decide, (d) => d.decision === 'adapt');
    expect(text(card)).toContain('Samenvatting van de sessie');
    expect(text(card)).toContain('Voorstel aangepast overgenomen: Warme overdracht om 15:00, met checklist');
    expect(text(card)).toContain('Aanwezig: 3 van 3');

    // Teams resends the invoke: the same card, nothing recorded twice.
    const again = await session.press(
      femke,
      evaluation,
      'session.decide',
      decide,
      (d) => d.decision === 'adapt',
    );
    expect(text(again)).toContain('Samenvatting van de sessie');
    const proposals = await db().collection('proposals').find({ circleId }).toArray();
    expect(proposals).toHaveLength(1);
    expect(proposals[0]).toMatchObject({
      status: 'validated',
      decision: 'adapt',
      title: 'Warme overdracht om 15:00, met checklist',
      steps: ['Vast moment om 15:00', 'Checklist', 'Evalueren na twee weken'],
      question: 1,
      workSituation: 'De overdracht tussen dag- en avonddienst loopt bij Gijs vaak uit',
      draftSource: 'ai',
      model: 'test-model',
      promptVersion: expect.stringMatching(/^improvement-proposal@[0-9a-f]{8}$/),
    });
    expect((proposals[0]!.contributorAadObjectIds as string[]).sort()).toEqual(
      members.map((m) => m.aadObjectId).sort(),
    );

    // The proposal and the hour are in each member's Prof-traject (the tab's own API).
    for (const member of members) {
      const me = await callTabApi(service, 'GET', '/api/tab/me', `Dev ${TENANT_ID}:${member.aadObjectId}`);
      expect(me.status).toBe(200);
      expect(text(me.body.proposals)).toContain('Warme overdracht om 15:00, met checklist');
      const sessionTime = (me.body.ledger as { source?: string; minutes?: number }[]).filter(
        (e) => e.source === 'session',
      );
      expect(sessionTime).toEqual([expect.objectContaining({ minutes: 60 })]);
    }

    // The right of access: what Femke did in the session is in her export, and only hers.
    const exported = await callTabApi(
      service,
      'GET',
      '/api/tab/me/export',
      `Dev ${TENANT_ID}:${femke.aadObjectId}`,
    );
    const activity = (
      exported.body.sessionActivity as { contributions: { text: string }[]; energy?: number }[]
    )[0]!;
    expect(activity.energy).toBe(4);
    expect(activity.contributions.map((c) => c.text).sort()).toEqual([
      'Een checklist die Femke opstelt',
      'Gijs Bakker krijgt de overdracht vaak pas om 15:20',
    ]);

    // The meeting ends: the session closes, the card says so, and nothing is credited twice.
    await postActivity(service, meetingEvent(connector.serviceUrl, femke, chat, 'End'));
    const closed = await session.waitForUpdate((c) => c.includes('De sessie is afgesloten'));
    expect(text(closed)).not.toContain('"Action.Execute"');
    expect(await db().collection('ledgerEntries').countDocuments({ source: 'session' })).toBe(3);

    // Every card of the session is valid Adaptive Card JSON and within Teams' size limit.
    for (const c of session.cards) {
      expect(cardProblems(c)).toEqual([]);
      expect(Buffer.byteLength(JSON.stringify(c))).toBeLessThan(TEAMS_CARD_LIMIT_BYTES);
    }
  });
});
