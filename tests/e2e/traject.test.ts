import { MongoClient } from 'mongodb';
import type { Service } from '../../bot/src/main';
import { cardExecute, cardSubmit, message, person, type Person } from '../support/activities';
import { FakeBotConnector } from '../support/bot-connector.fake';
import { postActivity, startTestService } from '../support/service';

interface Card {
  body: Record<string, unknown>[];
  actions?: { type: string; verb?: string; data?: Record<string, unknown> }[];
}

/**
 * Composing a Prof-traject through HTTP activities as Teams sends them: the `traject` message, then
 * Action.Execute invokes whose answer (the next card) comes back in the HTTP response.
 */
describe('composing a Prof-traject', () => {
  let connector: FakeBotConnector;
  let service: Service;
  let client: MongoClient;
  const trajects = () => client.db(service.config.mongo.dbName).collection('trajects');

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

  /** Sends `traject` and returns the card that came back at the Bot Connector. */
  async function ask(who: Person): Promise<Card> {
    const activity = message(connector.serviceUrl, who, 'traject');
    await postActivity(service, activity);
    const cards = connector
      .messages(activity.conversation.id)
      .map((r) => r.body.attachments?.[0]?.content as Card | undefined)
      .filter((c): c is Card => c !== undefined && JSON.stringify(c).includes('traject'));
    return cards[cards.length - 1]!;
  }

  async function execute(
    who: Person,
    verb: string,
    data: Record<string, unknown>,
  ): Promise<{ status: number; card: Card; text: string }> {
    const response = await postActivity(service, cardExecute(connector.serviceUrl, who, verb, data));
    const body = response.body as { statusCode: number; type: string; value: Card };
    expect(body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    return { status: response.status, card: body.value, text: JSON.stringify(body.value) };
  }

  const saveData = (card: Card) => card.actions!.find((a) => a.verb === 'traject.save')!.data!;

  const validInputs = {
    startDate: '2026-12-07',
    durationMonths: '6',
    activeWeeksTarget: '20',
    hoursPerWeek: '4',
    questions: '1,9',
    talents: 'Ik kan goed luisteren en structuur aanbrengen.',
    learningNeeds: 'Beter leren omgaan met AI-tools in mijn werk.',
  };

  it('saves a valid plan once, however often the invoke is resent', async () => {
    const sanne = person('Sanne de Vries');
    const compose = await ask(sanne);
    expect(JSON.stringify(compose)).toContain('Stel je Prof-traject samen');
    const data = saveData(compose);
    expect(data).toMatchObject({ version: 0, submissionId: expect.any(String) });

    const first = await execute(sanne, 'traject.save', { ...data, ...validInputs });
    expect(first.text).toContain('Mijn Prof-traject');
    expect(first.text).toContain('Opgeslagen.');
    expect(first.text).toContain('0 van 80 uur');
    const stored = await trajects().findOne({ ownerAadObjectId: sanne.aadObjectId });
    expect(stored).toMatchObject({
      version: 1,
      startDate: '2026-12-07',
      durationMonths: 6,
      questions: [1, 9],
      hoursPerWeek: 4,
    });

    const again = await execute(sanne, 'traject.save', { ...data, ...validInputs, talents: 'iets anders' });
    expect(again.text).toContain('Opgeslagen.');
    const after = await trajects().findOne({ ownerAadObjectId: sanne.aadObjectId });
    expect(after).toMatchObject({ version: 1, talents: validInputs.talents, updatedAt: stored!.updatedAt });
    expect(await trajects().countDocuments({ ownerAadObjectId: sanne.aadObjectId })).toBe(1);

    const summary = await ask(sanne);
    expect(JSON.stringify(summary)).toContain('Mijn Prof-traject');
    expect(JSON.stringify(summary)).toContain('Hoe kan ik als individu mijn performance');
  });

  it.each<[string, Record<string, string>, string]>([
    ['a date that does not exist', { startDate: '2026-02-30' }, 'Dit klopt niet'],
    ['no months', { durationMonths: '0' }, 'Kies een getal van 1 tot en met 24'],
    ['text for a number', { hoursPerWeek: 'veel' }, 'Kies een getal van 1 tot en met 40'],
    [
      'more active weeks than the traject has',
      { durationMonths: '2', activeWeeksTarget: '20' },
      'Kies een getal van 1 tot en met 8: zoveel weken heeft een traject van 2 maanden.',
    ],
    ['a fraction of a month', { durationMonths: '2.5' }, '"value":2.5'],
    ['no question', { questions: '' }, 'Vul dit in.'],
    ['a question that does not exist', { questions: '1,11' }, 'Dit klopt niet'],
    ['too many words', { learningNeeds: 'x'.repeat(2001) }, 'Gebruik hooguit 2000 tekens.'],
  ])('refuses %s, shows why on the card, and saves nothing', async (_name, change, why) => {
    const eva = person('Eva Smit');
    const data = saveData(await ask(eva));
    const result = await execute(eva, 'traject.save', { ...data, ...validInputs, ...change });
    expect(result.text).toContain('Nog niet opgeslagen');
    expect(result.text).toContain(why);
    // What the person typed stays on the card, so nothing has to be typed again.
    expect(result.text).toContain(validInputs.talents);
    expect(await trajects().countDocuments({ ownerAadObjectId: eva.aadObjectId })).toBe(0);
  });

  it.each<[string, Record<string, unknown>]>([
    ['no submission id', { version: 0 }],
    [
      'a version that is not a number',
      { version: 'latest', submissionId: '9b2c7a4e-1f0d-4c3b-8a6e-5d4f3e2a1b0c' },
    ],
    ['a negative version', { version: -1, submissionId: '9b2c7a4e-1f0d-4c3b-8a6e-5d4f3e2a1b0c' }],
    [
      'an object where text belongs',
      { version: 0, submissionId: '9b2c7a4e-1f0d-4c3b-8a6e-5d4f3e2a1b0c', talents: { $set: 1 } },
    ],
  ])('refuses forged card data with %s and saves nothing', async (_name, data) => {
    const mallory = person('Mallory');
    const result = await execute(mallory, 'traject.save', { ...validInputs, ...data });
    expect(result.text).toContain('Deze kaart stuurde gegevens die ik niet kan lezen');
    expect(await trajects().countDocuments({ ownerAadObjectId: mallory.aadObjectId })).toBe(0);
  });

  it('changes a traject, and refuses a change made on an older card', async () => {
    const noor = person('Noor Bakker', 'en-GB');
    const created = await execute(noor, 'traject.save', { ...saveData(await ask(noor)), ...validInputs });
    expect(created.text).toContain('Saved.');

    const editCard = (await execute(noor, 'traject.edit', {})).card;
    const editData = saveData(editCard);
    expect(editData).toMatchObject({ version: 1 });
    expect(JSON.stringify(editCard)).toContain(validInputs.learningNeeds);

    const staleData = { ...editData, submissionId: '0f6c8a52-3d1e-4b7a-9c2d-6e5f4a3b2c1d' };
    const changed = await execute(noor, 'traject.save', {
      ...editData,
      ...validInputs,
      durationMonths: '12',
      activeWeeksTarget: '40',
    });
    expect(changed.text).toContain('Saved.');
    expect(await trajects().findOne({ ownerAadObjectId: noor.aadObjectId })).toMatchObject({
      version: 2,
      durationMonths: 12,
    });

    const stale = await execute(noor, 'traject.save', {
      ...staleData,
      ...validInputs,
      durationMonths: '3',
      activeWeeksTarget: '10',
    });
    expect(stale.text).toContain('was changed elsewhere');
    expect(await trajects().findOne({ ownerAadObjectId: noor.aadObjectId })).toMatchObject({
      version: 2,
      durationMonths: 12,
    });
  });

  it('answers the Action.Submit fallback of older clients with a new message', async () => {
    const bram = person('Bram Visser');
    const data = saveData(await ask(bram));
    const submit = cardSubmit(connector.serviceUrl, bram, { ...data, ...validInputs, verb: 'traject.save' });
    expect((await postActivity(service, submit)).status).toBe(200);
    const last = connector.messages(submit.conversation.id).at(-1);
    expect(JSON.stringify(last?.body.attachments?.[0]?.content)).toContain('Opgeslagen.');
    expect(await trajects().countDocuments({ ownerAadObjectId: bram.aadObjectId })).toBe(1);
  });

  it('only ever touches the traject of the person who pressed the button', async () => {
    const owner = person('Owner');
    await execute(owner, 'traject.save', { ...saveData(await ask(owner)), ...validInputs });
    const intruder = person('Intruder');
    // The intruder replays the owner's card data: it can only ever create or change the intruder's own.
    const ownerCardData = saveData((await execute(owner, 'traject.edit', {})).card);
    await execute(intruder, 'traject.save', { ...ownerCardData, ...validInputs, talents: 'overgenomen' });
    expect(await trajects().findOne({ ownerAadObjectId: owner.aadObjectId })).toMatchObject({
      talents: validInputs.talents,
    });
  });
});
