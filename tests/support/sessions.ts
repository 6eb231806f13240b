import { randomUUID } from 'node:crypto';
import type { MongoClient } from 'mongodb';
import type { Service } from '../../bot/src/main';
import {
  BOT_ID,
  cardExecute,
  groupConversation,
  message,
  rosterMembers,
  TENANT_ID,
  type Person,
} from './activities';
import type { FakeBotConnector } from './bot-connector.fake';
import { actionFor, actionsOf } from './cards';
export { cardProblems } from './cards';
import { postActivity } from './service';

/** Teams refuses a message above about 28 KB. */
export const TEAMS_CARD_LIMIT_BYTES = 28 * 1024;

export type Json = Record<string, unknown>;

/** The card in an invoke answer (`{ statusCode, type, value: card }`). */
export function cardOfAnswer(body: unknown): Json {
  const value = (body as { value?: unknown } | undefined)?.value;
  if (!value || typeof value !== 'object') throw new Error(`not a card answer: ${JSON.stringify(body)}`);
  return value as Json;
}

/** Forms a circle of `members` in a new group chat through the real card flow; returns its id and chat. */
export async function formCircle(
  service: Service,
  connector: FakeBotConnector,
  client: MongoClient,
  members: readonly Person[],
  name: string,
  language: 'nl' | 'en' = 'nl',
): Promise<{ circleId: string; chat: ReturnType<typeof groupConversation> }> {
  const chat = groupConversation();
  connector.rosters.set(chat.id, rosterMembers(members));
  await postActivity(
    service,
    message(connector.serviceUrl, members[0]!, '<at>Werkplekleren+</at> cirkel', chat),
  );
  const form = connector.messages(chat.id).at(-1)!.body.attachments![0]!.content;
  const response = await postActivity(
    service,
    cardExecute(
      connector.serviceUrl,
      members[0]!,
      'circle.form',
      {
        ...actionFor(form, 'circle.form')!.data,
        name,
        locale: language,
        members: members.map((p) => p.aadObjectId).join(','),
      },
      chat,
    ),
  );
  if (!JSON.stringify(response.body).includes(name)) throw new Error(`circle not formed: ${response.text}`);
  const circle = await client.db(service.config.mongo.dbName).collection('circles').findOne({ name });
  return { circleId: circle!.id as string, chat };
}

/** A meeting's chat as Teams shows it to a bot: a group chat with the meeting's id in channelData. */
export function meetingChat() {
  const meetingId = `MC${randomUUID().replace(/-/g, '')}`;
  return {
    conversation: groupConversation(`19:meeting_${randomUUID().replace(/-/g, '')}@thread.v2`),
    meetingId,
  };
}

export function inMeeting<T extends Json>(activity: T, meetingId: string): T {
  return { ...activity, channelData: { tenant: { id: TENANT_ID }, meeting: { id: meetingId } } };
}

/** What Teams sends when a meeting starts or ends (keys of `value` in PascalCase, as Teams sends them). */
export function meetingEvent(
  serviceUrl: string,
  who: Person,
  chat: ReturnType<typeof meetingChat>,
  kind: 'Start' | 'End',
) {
  const base = message(serviceUrl, who, '', chat.conversation);
  return inMeeting(
    {
      ...base,
      type: 'event',
      text: undefined,
      name: `application/vnd.microsoft.meeting${kind}`,
      value: {
        Id: chat.meetingId,
        Title: 'Vitale Weekcyclus',
        JoinUrl: `https://teams.microsoft.com/l/meetup-join/${chat.meetingId}`,
        MeetingType: 'Scheduled',
        ...(kind === 'Start'
          ? { StartTime: new Date().toISOString() }
          : { EndTime: new Date().toISOString() }),
      },
    },
    chat.meetingId,
  );
}

/** Adds the app to a meeting and links it to a circle through the real card flow. */
export async function linkMeeting(
  service: Service,
  connector: FakeBotConnector,
  who: Person,
  circleId: string,
): Promise<ReturnType<typeof meetingChat>> {
  const chat = meetingChat();
  // Teams lists a meeting chat's people (invitees); a test may set the whole roster itself.
  connector.rosters.set(chat.conversation.id, rosterMembers([who]));
  connector.meetings.set(chat.meetingId, {
    details: {
      id: chat.meetingId,
      joinUrl: `https://teams.microsoft.com/l/meetup-join/${chat.meetingId}`,
      title: 'Cirkel',
    },
  });
  await postActivity(
    service,
    inMeeting(
      {
        ...message(connector.serviceUrl, who, '', chat.conversation),
        type: 'conversationUpdate',
        text: undefined,
        membersAdded: [{ id: BOT_ID }],
      },
      chat.meetingId,
    ),
  );
  const linked = await postActivity(
    service,
    inMeeting(
      cardExecute(connector.serviceUrl, who, 'meeting.link', { circleId }, chat.conversation),
      chat.meetingId,
    ),
  );
  if (!JSON.stringify(linked.body).includes('hoort bij Prof-cirkel'))
    throw new Error(`not linked: ${linked.text}`);
  return chat;
}

/**
 * Presses buttons on a session card as its members would: Action.Execute invokes with the card's own data
 * (the inputs merged in), from the message that holds the card.
 */
export class SessionDriver {
  /** Every card the bot answered or sent for this session, to check them all at the end. */
  readonly cards: Json[] = [];

  constructor(
    private readonly service: Service,
    private readonly connector: FakeBotConnector,
    readonly conversation: { id: string; conversationType?: string; isGroup?: boolean; tenantId?: string },
    readonly meetingId: string | undefined,
    public cardActivityId: string,
  ) {}

  private wrap<T extends Json>(activity: T): T {
    return this.meetingId ? inMeeting(activity, this.meetingId) : activity;
  }

  /** Presses the button with `verb` on `card` (its data plus `inputs`). */
  async press(
    who: Person,
    card: Json,
    verb: string,
    inputs: Json = {},
    pick?: (data: Json) => boolean,
  ): Promise<Json> {
    const action = actionsOf(card).find((a) => a.verb === verb && (!pick || pick(a.data ?? {})));
    if (!action)
      throw new Error(`no ${verb} on the card: ${JSON.stringify(actionsOf(card).map((a) => a.verb))}`);
    return this.invoke(who, verb, { ...(action.data ?? {}), ...inputs });
  }

  async invoke(who: Person, verb: string, data: Json): Promise<Json> {
    const answer = await this.send(who, verb, data);
    const card = cardOfAnswer(answer.body);
    this.cards.push(card);
    return card;
  }

  send(who: Person, verb: string, data: Json) {
    const activity = {
      ...cardExecute(this.connector.serviceUrl, who, verb, data, this.conversation as never),
      replyToId: this.cardActivityId,
    };
    return postActivity(this.service, this.wrap(activity));
  }

  say(who: Person, text: string) {
    return postActivity(
      this.service,
      this.wrap(
        message(
          this.connector.serviceUrl,
          who,
          `<at>Werkplekleren+</at> ${text}`,
          this.conversation as never,
        ),
      ),
    );
  }

  /** The card updates (PUT) the bot made to the session's message, oldest first. */
  updates(): Json[] {
    return this.connector.received
      .filter(
        (r) =>
          r.method === 'PUT' &&
          r.conversationId === this.conversation.id &&
          r.path.endsWith(`/activities/${encodeURIComponent(this.cardActivityId)}`),
      )
      .map((r) => r.body.attachments![0]!.content);
  }

  async waitForUpdate(predicate: (card: string) => boolean, timeoutMs = 10_000): Promise<Json> {
    await this.connector.waitFor(() => this.updates().some((c) => predicate(JSON.stringify(c))), timeoutMs);
    const card = [...this.updates()].reverse().find((c) => predicate(JSON.stringify(c)))!;
    this.cards.push(card);
    return card;
  }
}
