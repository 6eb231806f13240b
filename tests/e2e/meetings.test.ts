import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import type { Service } from '../../bot/src/main';
import {
  BOT_ID,
  cardExecute,
  groupConversation,
  message,
  person,
  TENANT_ID,
  type Person,
  rosterMembers,
} from '../support/activities';
import { FakeBotConnector } from '../support/bot-connector.fake';
import { seedPlannedCycle } from '../support/read-models';
import { postActivity, startTestService } from '../support/service';

interface Card {
  body: Record<string, unknown>[];
  actions?: { verb?: string; data?: Record<string, unknown> }[];
}

/** A meeting's chat as Teams shows it to a bot: a group chat with the meeting's id in channelData. */
function meetingChat(meetingId: string) {
  return { ...groupConversation(`19:meeting_${randomUUID().replace(/-/g, '')}@thread.v2`), meetingId };
}

/**
 * The bot added to a Teams meeting: it links the meeting chat to a circle (by the join URL of a planned
 * session, or by a member's choice), once, with Teams' meeting details served on 127.0.0.1.
 */
describe('meetings', () => {
  let connector: FakeBotConnector;
  let service: Service;
  let client: MongoClient;
  const db = () => client.db(service.config.mongo.dbName);
  const members = [person('Femke'), person('Gijs'), person('Hatice')] as [Person, Person, Person];
  const circleChat = groupConversation();
  let circleId: string;

  beforeAll(async () => {
    connector = await new FakeBotConnector().start();
    service = await startTestService();
    client = await MongoClient.connect(service.config.mongo.uri!);
    connector.rosters.set(circleChat.id, rosterMembers(members));
    await postActivity(
      service,
      message(connector.serviceUrl, members[0], '<at>Werkplekleren+</at> cirkel', circleChat),
    );
    const form = connector.messages(circleChat.id).at(-1)!.body.attachments![0]!.content as unknown as Card;
    const response = await postActivity(
      service,
      cardExecute(
        connector.serviceUrl,
        members[0],
        'circle.form',
        {
          ...form.actions!.find((a) => a.verb === 'circle.form')!.data,
          name: 'Vergaderaars',
          members: members.map((p) => p.aadObjectId).join(','),
        },
        circleChat,
      ),
    );
    expect(JSON.stringify(response.body)).toContain('Prof-cirkel Vergaderaars');
    circleId = (await db().collection('circles').findOne({ name: 'Vergaderaars' }))!.id as string;
  });
  afterAll(async () => {
    await client?.close();
    await service?.stop();
    await connector?.stop();
  });

  /** What Teams sends when someone adds the app to a meeting (the bot is the member added). */
  function addedToMeeting(who: Person, chat: ReturnType<typeof meetingChat>) {
    const { meetingId, ...conversation } = chat;
    return {
      ...message(connector.serviceUrl, who, '', conversation),
      type: 'conversationUpdate',
      text: undefined,
      membersAdded: [{ id: BOT_ID }],
      channelData: { tenant: { id: TENANT_ID }, meeting: { id: meetingId } },
    };
  }

  const lastCard = (conversationId: string) =>
    connector.messages(conversationId).at(-1)?.body.attachments?.[0]?.content as unknown as Card | undefined;

  it('asks a member which circle a meeting belongs to, links it once, and says so', async () => {
    const chat = meetingChat('MCMeeting1');
    connector.meetings.set('MCMeeting1', {
      details: {
        id: 'MCMeeting1',
        joinUrl: 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_a%40thread.v2/0',
        title: 'Cirkel',
      },
    });
    await postActivity(service, addedToMeeting(members[1], chat));
    await postActivity(service, addedToMeeting(members[1], chat)); // Teams resends installs
    const cards = connector.messages(chat.id);
    expect(cards).toHaveLength(1);
    const choose = lastCard(chat.id)!;
    expect(JSON.stringify(choose)).toContain('Bij welke Prof-cirkel hoort deze vergadering?');

    const { meetingId, ...conversation } = chat;
    const linkActivity = {
      ...cardExecute(connector.serviceUrl, members[1], 'meeting.link', { circleId }, conversation),
      channelData: { tenant: { id: TENANT_ID }, meeting: { id: meetingId } },
    };
    const linked = await postActivity(service, linkActivity);
    expect(JSON.stringify(linked.body)).toContain('Deze vergadering hoort bij Prof-cirkel Vergaderaars');
    const stored = await db().collection('meetingLinks').find({ meetingId: 'MCMeeting1' }).toArray();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      circleId,
      joinUrl: expect.stringContaining('meetup-join'),
      chat: { conversationId: chat.id },
    });
  });

  it('links by itself when the meeting is a planned session (same join URL)', async () => {
    const joinUrl = 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_planned%40thread.v2/0';
    await seedPlannedCycle(db(), {
      tenantId: TENANT_ID,
      circleId,
      circleName: 'Vergaderaars',
      members: members.map((p) => p.aadObjectId),
      weekStart: '2027-06-07',
      joinUrl,
    });
    const chat = meetingChat('MCMeeting2');
    connector.meetings.set('MCMeeting2', {
      details: { id: 'MCMeeting2', joinUrl, title: 'Vitale Weekcyclus' },
    });
    // Added by someone who is not even in the circle: the join URL is what links it.
    await postActivity(service, addedToMeeting(person('Organisator'), chat));
    const card = JSON.stringify(lastCard(chat.id));
    expect(card).toContain('Deze vergadering hoort bij Prof-cirkel Vergaderaars');
    expect(card).toContain('week van 7 juni 2027');
    expect(await db().collection('meetingLinks').findOne({ meetingId: 'MCMeeting2' })).toMatchObject({
      circleId,
      cycleId: expect.any(String),
    });
  });

  it('refuses a link to a circle the person is not in, and forged data', async () => {
    const chat = meetingChat('MCMeeting3');
    const { meetingId, ...conversation } = chat;
    const withMeeting = (activity: Record<string, unknown>) => ({
      ...activity,
      channelData: { tenant: { id: TENANT_ID }, meeting: { id: meetingId } },
    });
    const outsider = person('Buitenstaander');
    const refused = await postActivity(
      service,
      withMeeting(cardExecute(connector.serviceUrl, outsider, 'meeting.link', { circleId }, conversation)),
    );
    expect(JSON.stringify(refused.body)).toContain('Alleen leden van die cirkel');
    const forged = await postActivity(
      service,
      withMeeting(
        cardExecute(connector.serviceUrl, members[0], 'meeting.link', { circleId: 'x' }, conversation),
      ),
    );
    expect(JSON.stringify(forged.body)).toContain('gegevens die ik niet kan lezen');
    expect(await db().collection('meetingLinks').countDocuments({ meetingId: 'MCMeeting3' })).toBe(0);
  });

  it('explains where linking works when asked outside a meeting, and points someone without a circle onward', async () => {
    const plain = groupConversation();
    await postActivity(
      service,
      message(connector.serviceUrl, members[0], '<at>Werkplekleren+</at> koppel', plain),
    );
    expect(JSON.stringify(lastCard(plain.id))).toContain('Dit werkt in de chat van een Teams-vergadering');

    const chat = meetingChat('MCMeeting4');
    connector.meetings.set('MCMeeting4', {
      details: {
        id: 'MCMeeting4',
        joinUrl: 'https://teams.microsoft.com/l/meetup-join/x/0',
        title: 'Iets anders',
      },
    });
    await postActivity(service, addedToMeeting(person('Nieuw'), chat));
    expect(JSON.stringify(lastCard(chat.id))).toContain('Je zit nog in geen Prof-cirkel');
  });
});
