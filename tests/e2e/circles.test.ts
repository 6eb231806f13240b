import { MongoClient } from 'mongodb';
import type { Service } from '../../bot/src/main';
import {
  cardExecute,
  groupConversation,
  message,
  person,
  TENANT_ID,
  type Person,
} from '../support/activities';
import { FakeBotConnector, type RosterMember } from '../support/bot-connector.fake';
import { callTabApi } from '../support/flows';
import { postActivity, startTestService } from '../support/service';

interface Action {
  type: string;
  verb?: string;
  title?: string;
  data?: Record<string, unknown>;
}
interface Card {
  body: Record<string, unknown>[];
  actions?: Action[];
}

const rosterEntry = (p: Person): RosterMember => ({
  id: `29:${p.aadObjectId}`,
  name: p.name,
  aadObjectId: p.aadObjectId,
  tenantId: TENANT_ID,
  userRole: 'user',
});

/**
 * Forming a Prof-cirkel in a group chat, through HTTP activities as Teams sends them, with the chat's roster
 * served by the Bot Connector on 127.0.0.1 (`pagedmembers`, paged) and the real MongoDB behind.
 */
describe('Prof-cirkels', () => {
  let connector: FakeBotConnector;
  let service: Service;
  let client: MongoClient;
  const circles = () => client.db(service.config.mongo.dbName).collection('circles');
  const places = () => client.db(service.config.mongo.dbName).collection('circlePlaces');

  beforeAll(async () => {
    connector = await new FakeBotConnector().start();
    service = await startTestService({ MAX_CIRCLES_PER_MEMBER: '2', TAB_DEV_MODE: 'true' });
    client = await MongoClient.connect(service.config.mongo.uri!);
  });
  afterAll(async () => {
    await client?.close();
    await service?.stop();
    await connector?.stop();
  });

  /** A group chat with these people in its roster (plus a bot, which must never be offered). */
  function groupChat(people: Person[]) {
    const conversation = groupConversation();
    connector.rosters.set(conversation.id, [
      ...people.map(rosterEntry),
      { id: '28:other-bot', name: 'Some bot' },
    ]);
    return conversation;
  }

  async function say(
    who: Person,
    text: string,
    conversation: ReturnType<typeof groupConversation>,
  ): Promise<Card> {
    const activity = message(connector.serviceUrl, who, `<at>Werkplekleren+</at> ${text}`, conversation);
    const before = connector.messages(conversation.id).length;
    await postActivity(service, activity);
    const sent = connector.messages(conversation.id);
    expect(sent.length).toBeGreaterThan(before);
    return sent[sent.length - 1]!.body.attachments![0]!.content as unknown as Card;
  }

  async function execute(
    who: Person,
    verb: string,
    data: Record<string, unknown>,
    conversation: ReturnType<typeof groupConversation>,
  ): Promise<{ card: Card; text: string }> {
    const response = await postActivity(
      service,
      cardExecute(connector.serviceUrl, who, verb, data, conversation),
    );
    const body = response.body as { statusCode: number; value: Card };
    expect(body.statusCode).toBe(200);
    return { card: body.value, text: JSON.stringify(body.value) };
  }

  const actionOf = (card: Card, verb: string) => card.actions?.find((a) => a.verb === verb);
  const choicesOf = (card: Card, id: string) =>
    (
      (card.body.find((e) => e.id === id) as { choices?: { value: string }[] } | undefined)?.choices ?? []
    ).map((c) => c.value);

  function people(...names: string[]) {
    return names.map((n) => person(n));
  }

  it('offers the chat members on a card and forms the circle once, however often the invoke is resent', async () => {
    const [anna, bas, cem, dewi] = people('Anna de Wit', 'Bas Kok', 'Cem Yilmaz', 'Dewi Santoso');
    const chat = groupChat([anna!, bas!, cem!, dewi!]);
    const card = await say(anna!, 'cirkel', chat);
    expect(JSON.stringify(card)).toContain('Vorm een Prof-cirkel');
    // Everyone in the chat with an Entra id, and nobody else.
    expect(choicesOf(card, 'members').sort()).toEqual(
      [anna, bas, cem, dewi].map((p) => p!.aadObjectId).sort(),
    );
    const data = {
      ...actionOf(card, 'circle.form')!.data,
      name: 'Zorgteam Noord',
      members: [anna, bas, cem].map((p) => p!.aadObjectId).join(','),
      locale: 'nl',
    };
    const answers = await Promise.all([1, 2, 3].map(() => execute(anna!, 'circle.form', data, chat)));
    for (const answer of answers) {
      expect(answer.text).toContain('Prof-cirkel Zorgteam Noord');
      expect(answer.text).toContain('Plan jullie eerste Vitale Weekcyclus');
    }
    const stored = await circles().find({ tenantId: TENANT_ID, 'chat.conversationId': chat.id }).toArray();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      name: 'Zorgteam Noord',
      locale: 'nl',
      timeZone: 'Europe/Amsterdam',
      version: 1,
    });
    expect((stored[0]!.members as { name: string }[]).map((m) => m.name)).toEqual([
      'Anna de Wit',
      'Bas Kok',
      'Cem Yilmaz',
    ]);
    // One place each, not three.
    expect(await places().countDocuments({ circleId: stored[0]!.id })).toBe(3);

    // `cirkel` now shows the circle, not a new form.
    const shown = await say(bas!, 'cirkel', chat);
    expect(JSON.stringify(shown)).toContain('Leden (3)');
  });

  it.each([
    [
      'too few people',
      (p: Person[]) => ({ name: 'Klein', members: [p[0], p[1]] }),
      'Kies minstens 3 mensen.',
    ],
    [
      'too many people',
      (p: Person[]) => ({ name: 'Groot', members: p.slice(0, 7) }),
      'Een cirkel heeft hoogstens 6 leden.',
    ],
    ['no name', (p: Person[]) => ({ name: '  ', members: p.slice(0, 3) }), 'Geef de cirkel een naam.'],
    [
      'an over-long name',
      (p: Person[]) => ({ name: 'x'.repeat(61), members: p.slice(0, 3) }),
      'Gebruik hoogstens 60 tekens.',
    ],
    [
      'someone not in the chat',
      (p: Person[]) => ({ name: 'Vreemd', members: [...p.slice(0, 2), person('Outsider')] }),
      'Kies alleen mensen die in deze chat zitten.',
    ],
  ])('refuses %s with the reason on the card, and forms nothing', async (_what, pick, reason) => {
    const everyone = people('P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7');
    const chat = groupChat(everyone);
    const card = await say(everyone[0]!, 'cirkel', chat);
    const chosen = pick(everyone);
    const answer = await execute(
      everyone[0]!,
      'circle.form',
      {
        ...actionOf(card, 'circle.form')!.data,
        name: chosen.name,
        members: chosen.members.map((p) => p!.aadObjectId).join(','),
      },
      chat,
    );
    expect(answer.text).toContain(reason);
    expect(answer.text).toContain('Vorm een Prof-cirkel');
    expect(await circles().countDocuments({ 'chat.conversationId': chat.id })).toBe(0);
  });

  it('refuses a member who is already in the maximum number of circles, naming them, and keeps nothing half', async () => {
    const [eva, fons, gert, hanna, ivo] = people('Eva', 'Fons', 'Gert', 'Hanna', 'Ivo');
    for (const [i, name] of ['Cirkel een', 'Cirkel twee'].entries()) {
      const chat = groupChat([eva!, fons!, gert!, hanna!, ivo!]);
      const card = await say(eva!, 'cirkel', chat);
      const members = i === 0 ? [eva, fons, gert] : [eva, hanna, ivo];
      const answer = await execute(
        eva!,
        'circle.form',
        {
          ...actionOf(card, 'circle.form')!.data,
          name,
          members: members.map((p) => p!.aadObjectId).join(','),
        },
        chat,
      );
      expect(answer.text).toContain(`Prof-cirkel ${name}`);
    }
    const third = groupChat([eva!, fons!, gert!, hanna!, ivo!]);
    const card = await say(fons!, 'cirkel', third);
    const answer = await execute(
      fons!,
      'circle.form',
      {
        ...actionOf(card, 'circle.form')!.data,
        name: 'Cirkel drie',
        members: [eva, fons, hanna].map((p) => p!.aadObjectId).join(','),
      },
      third,
    );
    expect(answer.text).toContain("Deze collega's zitten al in 2 cirkels, het maximum: Eva.");
    expect(await circles().countDocuments({ 'chat.conversationId': third.id })).toBe(0);
    // Fons and Hanna got their place back: each is in exactly one circle.
    for (const who of [fons, hanna]) {
      expect(
        await places().countDocuments({ _id: { $regex: `^${TENANT_ID}:${who!.aadObjectId}:` } as never }),
      ).toBe(1);
    }
  });

  it('refuses a name another circle of the organisation has, whatever its case', async () => {
    const group = people('J1', 'J2', 'J3');
    const first = groupChat(group);
    const card1 = await say(group[0]!, 'cirkel', first);
    await execute(
      group[0]!,
      'circle.form',
      {
        ...actionOf(card1, 'circle.form')!.data,
        name: 'Team Zon',
        members: group.map((p) => p.aadObjectId).join(','),
      },
      first,
    );
    const others = people('K1', 'K2', 'K3');
    const second = groupChat(others);
    const card2 = await say(others[0]!, 'cirkel', second);
    const answer = await execute(
      others[0]!,
      'circle.form',
      {
        ...actionOf(card2, 'circle.form')!.data,
        name: 'team zon',
        members: others.map((p) => p.aadObjectId).join(','),
      },
      second,
    );
    expect(answer.text).toContain('Er is al een cirkel met deze naam');
    expect(await circles().countDocuments({ 'chat.conversationId': second.id })).toBe(0);
    expect(
      await places().countDocuments({ _id: { $regex: `^${TENANT_ID}:${others[0]!.aadObjectId}:` } as never }),
    ).toBe(0);
  });

  it('lets a member leave and the circle add someone from the chat, within the limits', async () => {
    const [lot, mo, nina, otto] = people('Lot', 'Mo', 'Nina', 'Otto');
    const chat = groupChat([lot!, mo!, nina!, otto!]);
    const card = await say(lot!, 'cirkel', chat);
    const formed = await execute(
      lot!,
      'circle.form',
      {
        ...actionOf(card, 'circle.form')!.data,
        name: 'Leerclub',
        members: [lot, mo, nina].map((p) => p!.aadObjectId).join(','),
      },
      chat,
    );

    // Leaving: by command; the circle drops below three and says so.
    const left = await say(nina!, 'cirkel verlaten', chat);
    expect(JSON.stringify(left)).toContain('Nina heeft de cirkel verlaten.');
    expect(JSON.stringify(left)).toContain('minder dan 3 leden');
    // Leaving again is refused without harm.
    const again = await say(nina!, 'cirkel verlaten', chat);
    expect(JSON.stringify(again)).toContain('Je zit niet in de cirkel van deze chat.');

    // Adding: the form offers only chat members outside the circle.
    const addForm = await execute(
      mo!,
      'circle.addForm',
      actionOf(formed.card, 'circle.addForm')!.data!,
      chat,
    );
    expect(choicesOf(addForm.card, 'members').sort()).toEqual([nina, otto].map((p) => p!.aadObjectId).sort());
    const addData = actionOf(addForm.card, 'circle.add')!.data!;
    // Someone already in it, or not in the chat: refused.
    const refused = await execute(mo!, 'circle.add', { ...addData, members: lot!.aadObjectId }, chat);
    expect(refused.text).toContain('Zit al in de cirkel: Lot.');
    const added = await execute(mo!, 'circle.add', { ...addData, members: otto!.aadObjectId }, chat);
    expect(added.text).toContain('Toegevoegd aan de cirkel.');
    // The same add resent: nothing twice.
    await execute(mo!, 'circle.add', { ...addData, members: otto!.aadObjectId }, chat);
    const stored = await circles().findOne({ 'chat.conversationId': chat.id });
    expect((stored!.members as { name: string }[]).map((m) => m.name)).toEqual(['Lot', 'Mo', 'Otto']);
    expect(stored!.version).toBe(3);
    // An old add card (an earlier version) cannot overwrite a newer circle.
    const stale = await execute(
      mo!,
      'circle.add',
      { ...addData, submissionId: '5a1c7e9e-0d2b-4a57-9d43-2f3b8f9e6c10', members: nina!.aadObjectId },
      chat,
    );
    expect(stale.text).toContain('De cirkel is intussen veranderd');
  });

  it.each([
    ['a member id that is not an Entra id', { members: 'not-a-guid' }],
    ['no submission id', { submissionId: undefined }],
    ['a language we do not speak', { locale: 'fr' }],
    ['members as an object', { members: { $gt: '' } }],
  ])('refuses forged card data with %s and forms nothing', async (_what, forged) => {
    const group = people('F1', 'F2', 'F3');
    const chat = groupChat(group);
    const card = await say(group[0]!, 'cirkel', chat);
    const answer = await execute(
      group[0]!,
      'circle.form',
      {
        ...actionOf(card, 'circle.form')!.data,
        name: 'Vals',
        members: group.map((p) => p.aadObjectId).join(','),
        ...forged,
      },
      chat,
    );
    expect(answer.text).toContain('gegevens die ik niet kan lezen');
    expect(await circles().countDocuments({ 'chat.conversationId': chat.id })).toBe(0);
  });

  it('reads a roster of several pages, and says so when Teams will not give the roster', async () => {
    const crowd = Array.from({ length: 230 }, (_, i) => person(`Collega ${String(i).padStart(3, '0')}`));
    const chat = groupChat(crowd);
    const card = await say(crowd[0]!, 'cirkel', chat);
    expect(choicesOf(card, 'members')).toHaveLength(230);

    const closed = groupChat(people('X', 'Y', 'Z'));
    connector.rosterFailures.set(closed.id, 403);
    const refused = await say(crowd[0]!, 'cirkel', closed);
    expect(JSON.stringify(refused)).toContain('Ik kan de leden van deze chat nu niet opvragen');
  });

  it('points to a group chat when asked in a personal chat, listing the circles one is in', async () => {
    const [pia, quinn, rik] = people('Pia', 'Quinn', 'Rik');
    const chat = groupChat([pia!, quinn!, rik!]);
    const card = await say(pia!, 'cirkel', chat);
    await execute(
      pia!,
      'circle.form',
      {
        ...actionOf(card, 'circle.form')!.data,
        name: 'Pia en co',
        members: [pia, quinn, rik].map((p) => p!.aadObjectId).join(','),
      },
      chat,
    );
    const activity = message(connector.serviceUrl, quinn!, 'circle');
    await postActivity(service, activity);
    const reply = JSON.stringify(connector.messages(activity.conversation.id).at(-1)!.body);
    expect(reply).toContain('groepschat');
    expect(reply).toContain('Jouw cirkels: Pia en co.');
  });

  it('lists the circles in a data export, and erasure takes the person out of them (the circle stays)', async () => {
    const [sara, tom, uma] = people('Sara', 'Tom', 'Uma');
    const chat = groupChat([sara!, tom!, uma!]);
    const card = await say(sara!, 'cirkel', chat);
    await execute(
      sara!,
      'circle.form',
      {
        ...actionOf(card, 'circle.form')!.data,
        name: 'Blijvers',
        members: [sara, tom, uma].map((p) => p!.aadObjectId).join(','),
      },
      chat,
    );
    const dev = `Dev ${TENANT_ID}:${tom!.aadObjectId}`;
    const exported = await callTabApi(service, 'GET', '/api/tab/me/export', dev);
    expect(exported.body).toMatchObject({ circles: [{ name: 'Blijvers', memberCount: 3 }] });

    const erased = await callTabApi(service, 'DELETE', '/api/tab/me', dev, {
      confirm: `${TENANT_ID}:${tom!.aadObjectId}`,
    });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ erased: { circlesLeft: 1 } });
    const stored = await circles().findOne({ 'chat.conversationId': chat.id });
    expect((stored!.members as { name: string }[]).map((m) => m.name)).toEqual(['Sara', 'Uma']);
    expect(JSON.stringify(stored)).not.toContain(tom!.aadObjectId);
    expect(
      await places().countDocuments({ _id: { $regex: `^${TENANT_ID}:${tom!.aadObjectId}:` } as never }),
    ).toBe(0);
  });

  it("accepts the Agents Playground's user ids (one hex digit longer than a GUID)", async () => {
    const playground = ['Alex Wilber', 'Megan Bowen', 'Adele Vance'].map((name, i) => ({
      aadObjectId: `00000000-0000-0000-0000-00000000002${i}0`,
      name,
    }));
    const chat = groupChat(playground);
    const card = await say(playground[0]!, 'cirkel', chat);
    const answer = await execute(
      playground[0]!,
      'circle.form',
      {
        ...actionOf(card, 'circle.form')!.data,
        name: 'Speeltuin',
        members: playground.map((p) => p.aadObjectId).join(','),
      },
      chat,
    );
    expect(answer.text).toContain('Prof-cirkel Speeltuin');
  });
});
