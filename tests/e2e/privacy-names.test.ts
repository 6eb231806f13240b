import { randomUUID } from 'node:crypto';
import { MongoClient, type Document } from 'mongodb';
import type { Service } from '../../bot/src/main';
import { foldForNames } from '../../bot/src/domain/person-names';
import { person, personalConversation, rosterMembers, TENANT_ID, type Person } from '../support/activities';
import { FakeBotConnector } from '../support/bot-connector.fake';
import { callTabApi, composeTraject } from '../support/flows';
import { FakeOpenAi, type ChatCompletionRequest } from '../support/openai.fake';
import { postActivity, startTestService } from '../support/service';
import { actionFor } from '../support/cards';
import { formCircle, linkMeeting, meetingEvent, SessionDriver, type Json } from '../support/sessions';

/**
 * Issue 13 as it was seen, with real-looking Dutch names: what the model is sent holds no name in any form,
 * what the service stores of the model's answer names nobody, and an erasure leaves no trace of the person
 * in any field of any collection, while the circle keeps its proposal.
 */
describe('names by reference, the pseudonymiser and erasure that leaves nothing', () => {
  let connector: FakeBotConnector;
  let ai: FakeOpenAi;
  let service: Service;
  let client: MongoClient;
  const db = () => client.db(service.config.mongo.dbName);
  const zoe = person('Zoë van den Bërg-Ouwerkerk');
  const femke = person('Femke de Vries');
  const daan = person('Daan Kartosen');
  const omer = person('Ömer Yılmaz'); // in the meeting, not in the circle
  const manager = person('Marieke Hylkema');
  const dev = (who: Person) => `Dev ${TENANT_ID}:${who.aadObjectId}`;
  let session: SessionDriver;
  let sessionId: string;
  const text = (v: unknown) => JSON.stringify(v);

  /** The model answers with the placeholders it was given, as the prompt asks, and a possessive. */
  function modelDraft(request: ChatCompletionRequest) {
    const material = request.messages.map((m) => m.content).join('\n');
    expect(material).toContain('[Persoon 1]');
    return {
      content: JSON.stringify({
        title: 'Overdracht met [Persoon 1]',
        summary: 'Een vaste overdracht om 17:00, voorbereid door [Persoon 1] met [Persoon 2]s lijstje.',
        steps: ['[Persoon 2] maakt het lijstje', 'Vast moment om 17:00'],
        expectedEffect: 'Minder overwerk.',
        risks: [],
        question: 6,
        criticalQuestions: ['Wat als [Persoon 1] ziek is?', 'Wie bewaakt het moment?'],
      }),
    };
  }

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
  });
  afterAll(async () => {
    await client?.close();
    await service?.stop();
    await ai?.stop();
    await connector?.stop();
  });

  it('sends the model no name in any form, keeps the rest word for word, and stores the answer by reference', async () => {
    for (const who of [zoe, femke, daan, manager])
      await composeTraject(service, connector, who, { manager: manager.aadObjectId });
    const { circleId } = await formCircle(service, connector, client, [zoe, femke, daan], 'Avonddienst');
    const chat = await linkMeeting(service, connector, femke, circleId);
    connector.rosters.set(chat.conversation.id, rosterMembers([zoe, femke, daan, omer]));
    await postActivity(service, meetingEvent(connector.serviceUrl, femke, chat, 'Start'));
    const cardId = (await db().collection('sessions').findOne({ circleId }))!.state.cardActivityId as string;
    session = new SessionDriver(service, connector, chat.conversation, chat.meetingId, cardId);
    const kickoff = connector.messages(chat.conversation.id).at(-1)!.body.attachments![0]!.content as Json;

    let card = await session.press(femke, kickoff, 'session.begin', {
      frameId: 'standaard',
      situation: 'new',
      newSituation: 'De kwaliteit van de zorg in de avonddienst',
      question: '6',
      anonymous: 'false',
    });
    // Zoë takes part: the proposal counts her among its contributors.
    card = await session.press(zoe, card, 'session.contribute', {
      contribution: 'Het lijstje ligt nooit klaar',
    });
    const typed = {
      analysis: ['Bërg-Ouwerkerk en Ömer hebben geen lijstje', 'zoe en Ouwerkerk blijven vaak tot 17:20'],
      problem: ['Hoe houden Femke’s collega’s het werk van de zorg bij?'],
      brainstorm: ['Femkes idee werkt', 'ZOË belt Daan om 17:00', 'Een roos op tafel van Van den Berg'],
    };
    for (const texts of Object.values(typed)) {
      for (const t of texts)
        card = await session.press(daan, card, 'session.contribute', { contribution: t });
      card = await session.press(femke, card, 'session.move', {}, (d) => Number(d.to) > Number(d.from));
    }
    const drafted = await session.waitForUpdate((c) => c.includes('Overdracht met'));
    const prompt = ai.requests
      .at(-1)!
      .body.messages.map((m) => m.content)
      .join('\n');

    // No name part in any spelling: with or without diacritics, any case, possessive or not.
    const folded = foldForNames(prompt);
    for (const part of [
      'zoe',
      'berg',
      'ouwerkerk',
      'femke',
      'femkes',
      'omer',
      'yilmaz',
      'daan',
      'kartosen',
      'vries',
    ])
      expect(folded).not.toMatch(new RegExp(`(?<![a-z])${part}(?![a-z])`));
    // The rest is unchanged word for word: particles and ordinary words stay, names become placeholders.
    expect(prompt).toContain('De kwaliteit van de zorg in de avonddienst');
    expect(prompt).toContain('[Persoon 1] en [Persoon 4] hebben geen lijstje');
    expect(prompt).toContain('[Persoon 1] en [Persoon 1] blijven vaak tot 17:20');
    expect(prompt).toContain('Hoe houden [Persoon 2]’s collega’s het werk van de zorg bij?');
    expect(prompt).toContain('[Persoon 2]s idee werkt');
    expect(prompt).toContain('[Persoon 1] belt [Persoon 3] om 17:00');
    expect(prompt).toContain('Een roos op tafel van [Persoon 1]');

    // The card shows names; what is stored names nobody, and says names were replaced.
    expect(text(drafted)).toContain('Overdracht met Zoë van den Bërg-Ouwerkerk');
    expect(text(drafted)).toContain('Femke de Vries’ lijstje');
    sessionId = actionFor(drafted, 'session.move')!.data!.sessionId as string;
    const ready = (await db().collection('sessionEvents').find({ sessionId }).toArray()).find(
      (e) => e.event.type === 'draftReady',
    )!;
    expect(text(ready.event.result.draft)).not.toMatch(/Zo[eë]|Femke|B[eë]rg|Ouwerkerk/);
    expect(ready.event.result.provenance).toMatchObject({
      source: 'ai',
      model: 'test-model',
      promptVersion: expect.stringMatching(/^improvement-proposal@/),
      namesReplaced: true,
    });

    // Adopted: the proposal refers to people, and the tab shows it with today's names.
    card = await session.press(femke, drafted, 'session.move', {}, (d) => d.to === 4);
    card = await session.press(femke, card, 'session.decide', {}, (d) => d.decision === 'adopt');
    const proposal = (await db().collection('proposals').findOne({ circleId }))!;
    expect(text(proposal)).not.toMatch(/Zo[eë] |Femke de|B[eë]rg-/);
    const tab = await callTabApi(service, 'GET', '/api/tab/me', dev(femke));
    expect(text(tab.body.proposals)).toContain('Overdracht met Zoë van den Bërg-Ouwerkerk');
  });

  it('erases the person from every field of every collection, and the circle keeps its proposal', async () => {
    // Colleagues wrote about her, and her manager's note names her too.
    await callTabApi(service, 'POST', '/api/tab/me/notes', dev(femke), {
      id: randomUUID(),
      text: 'Zoë en ik maken het lijstje samen; Zoës aanpak werkt.',
      sharedWithManager: true,
    });
    await callTabApi(service, 'POST', '/api/tab/me/notes', dev(zoe), {
      id: randomUUID(),
      text: 'Mijn eigen notitie',
      sharedWithManager: false,
    });
    const ids = [zoe.aadObjectId, `29:${zoe.aadObjectId}`, personalConversation(zoe).id].map((s) =>
      s.toLowerCase(),
    );
    const before = await strings();
    expect(before.some((s) => s.toLowerCase().includes(zoe.aadObjectId))).toBe(true);
    expect(before.some((s) => /Zoë/.test(s))).toBe(true);

    const erased = await callTabApi(service, 'DELETE', '/api/tab/me', dev(zoe), {
      confirm: `${TENANT_ID}:${zoe.aadObjectId}`,
    });
    expect(erased.status).toBe(200);

    // Every string field of every document of every collection.
    const hits: string[] = [];
    for (const s of await strings()) {
      const lower = s.toLowerCase();
      for (const id of ids) if (lower.includes(id)) hits.push(`id ${id} in ${s.slice(0, 120)}`);
      const f = foldForNames(s);
      for (const part of ['zoe', 'zoes', 'berg', 'ouwerkerk'])
        if (new RegExp(`(?<![a-z])${part}(?![a-z])`).test(f)) hits.push(`"${part}" in ${s.slice(0, 160)}`);
    }
    expect(hits).toEqual([]);

    // The circle's proposal stays, with an anonymous contributor; shown, she is "een oud-lid".
    const proposals = await db()
      .collection('proposals')
      .find({ title: /Overdracht met/ })
      .toArray();
    expect(proposals).toHaveLength(1);
    expect(proposals[0]).toMatchObject({ anonymousContributors: 1 });
    const tab = await callTabApi(service, 'GET', '/api/tab/me', dev(femke));
    expect(text(tab.body.proposals)).toContain('Overdracht met een oud-lid');
    // The session's card, shown again, and the meeting stage say so too.
    const summary = await session.invoke(femke, 'session.refresh', { sessionId });
    expect(text(summary)).toContain('Overdracht met een oud-lid');
    const stage = await callTabApi(
      service,
      'GET',
      `/api/tab/meeting/session?chatId=${encodeURIComponent(session.conversation.id)}`,
      dev(femke),
    );
    expect(stage.text).toContain('Overdracht met een oud-lid');
    expect(stage.text).toContain('voorbereid door een oud-lid met Femke de Vries’ lijstje');
    // Femke's own note keeps her words, without Zoë's name.
    expect(text(tab.body)).toContain('Een oud-lid en ik maken het lijstje samen');
    // Living colleagues keep their names.
    expect((await strings()).some((s) => s.includes('Femke de Vries'))).toBe(true);
  });

  /** Every string value (and object key) in every document of every collection. */
  async function strings(): Promise<string[]> {
    const out: string[] = [];
    const walk = (v: unknown) => {
      if (typeof v === 'string') out.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object' && !(v instanceof Date) && v.constructor === Object)
        for (const [k, inner] of Object.entries(v)) {
          out.push(k);
          walk(inner);
        }
    };
    for (const { name } of await db().listCollections({}, { nameOnly: true }).toArray())
      for (const doc of await db().collection<Document>(name).find({}).toArray()) walk(doc);
    return out;
  }
});
