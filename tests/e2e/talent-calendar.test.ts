import { MongoClient } from 'mongodb';
import { cardExecute, person, personalInstall, TENANT_ID, type Person } from '../support/activities';
import { FakeBotConnector } from '../support/bot-connector.fake';
import { actionFor, cardProblems } from '../support/cards';
import { callTabApi, composeTraject, TRAJECT_INPUTS } from '../support/flows';
import { FakeGraph, graphServiceEnv, TEST_GRAPH_APP, type StoredEvent } from '../support/graph.fake';
import { testMongoUri, uniqueDbName } from '../support/mongo';
import { postActivity } from '../support/service';
import { startServiceProcess, type ServiceProcess } from '../support/service-process';

const text = (value: unknown) => JSON.stringify(value);
const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

interface Conversation {
  id: string;
  version: number;
  dueDate: string;
  meeting?: { time: string; minutes: number; timeZone: string; revision: number };
}

/**
 * A talent-development conversation as a Teams meeting for both (issue 6, point 2): with Microsoft Graph
 * configured, either side plans it at a time on a card; the event is made once in the organiser's calendar with
 * both invited, moves with the conversation, and is cancelled when the professional's data is erased. The
 * service runs as `npm start` would (its own process, trusting the Graph fake's https certificate).
 */
describe('talent-development conversations as Teams meetings', () => {
  let graph: FakeGraph;
  let connector: FakeBotConnector;
  let service: ServiceProcess;
  let client: MongoClient;
  const dbName = uniqueDbName('talent_calendar');
  const sanne = person('Sanne Smit');
  const ruben = person('Ruben Manager', 'en-GB', 'America/New_York');
  const colleague = person('Collega Nieuwsgierig');
  const start = new Date().toISOString().slice(0, 10);
  let conversation: Conversation;

  const db = () => client.db(dbName);
  const stored = async () =>
    (await db()
      .collection('talentConversations')
      .findOne({ id: conversation.id })) as unknown as Conversation;
  const eventPosts = () =>
    graph.requests.filter((r) => r.method === 'POST' && /\/users\/[^/]+\/events$/.test(r.path));
  const liveEvents = (): StoredEvent[] => [...graph.events.values()].filter((e) => !e.cancelled);
  const personalChat = (who: Person) => `a:1${who.aadObjectId.replace(/-/g, '')}`;

  async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}\n${service.logs.slice(-20).join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const press = async (who: Person, verb: string, data: Record<string, unknown>) =>
    text((await postActivity(service, cardExecute(connector.serviceUrl, who, verb, data))).body);

  beforeAll(async () => {
    graph = await new FakeGraph({ ...TEST_GRAPH_APP, tenantId: TENANT_ID }).start();
    graph.addUser({
      id: '0a0a0a0a-0000-4000-8000-000000000002',
      displayName: 'Planner',
      userPrincipalName: 'planner@contoso.nl',
      mail: 'planner@contoso.nl',
    });
    for (const who of [sanne, ruben, colleague]) {
      const first = who.name.split(' ')[0]!.toLowerCase();
      graph.addUser({
        id: who.aadObjectId,
        displayName: who.name,
        userPrincipalName: `${first}@contoso.nl`,
        mail: `${first}@contoso.nl`,
      });
    }
    connector = await new FakeBotConnector().start();
    service = await startServiceProcess({
      ...graphServiceEnv(graph),
      GRAPH_ORGANIZER: 'planner@contoso.nl',
      MONGODB_URI: testMongoUri(),
      MONGODB_DB: dbName,
      TAB_DEV_MODE: 'true',
      SCHEDULER_POLL_INTERVAL_MS: '500',
      OUTBOX_POLL_INTERVAL_MS: '100',
    });
    client = await MongoClient.connect(testMongoUri());
    for (const who of [sanne, ruben, colleague])
      await postActivity(service, personalInstall(connector.serviceUrl, who));
    expect(
      await composeTraject(service, connector, sanne, { manager: ruben.aadObjectId, startDate: start }),
    ).toContain('Prof-traject');
    conversation = (await db()
      .collection('talentConversations')
      .findOne({ status: 'planned' })) as unknown as Conversation;
    expect(conversation).toBeTruthy();
  }, 90_000);
  afterAll(async () => {
    await Promise.all([client?.close(), service?.stop(), connector?.stop()]);
    await graph?.stop();
  });

  it('makes the conversation one Teams meeting for both, at the time given in the zone of who gave it', async () => {
    const plan = {
      conversationId: conversation.id,
      version: conversation.version,
      meetingDate: conversation.dueDate,
      meetingTime: '10:30',
      meetingMinutes: '60',
    };
    // Someone else's conversation, forged and malformed data: refused, nothing planned, nothing in a calendar.
    expect(await press(colleague, 'talent.meeting', plan)).toContain('niet van jou');
    expect(await press(sanne, 'talent.meeting', { ...plan, meetingTime: '25:00' })).toContain('kan lezen');
    expect(await press(sanne, 'talent.meeting', { ...plan, meetingMinutes: '50' })).toContain(
      '30, 45, 60 of 90',
    );
    expect(
      await press(sanne, 'talent.meeting', {
        ...plan,
        conversationId: conversation.id.replace(TENANT_ID, '11111111-2222-4333-8444-555555555555'),
      }),
    ).toContain('ken ik niet');
    expect(await press(sanne, 'talent.meeting', { ...plan, meetingDate: '2020-01-01' })).toContain(
      'vanaf vandaag',
    );
    expect(await stored()).toMatchObject({ version: conversation.version });
    expect((await stored()).meeting).toBeUndefined();

    const answer = await press(sanne, 'talent.meeting', plan);
    expect(answer).toContain('10:30–11:30');
    expect(answer).toContain('Teams-vergadering');
    // Teams resends the invoke: the same plan, nothing changes.
    expect(await press(sanne, 'talent.meeting', plan)).toContain('10:30–11:30');
    const saved = await stored();
    expect(saved.meeting).toEqual({
      time: '10:30',
      minutes: 60,
      timeZone: 'Europe/Amsterdam',
      revision: 1,
      plannedAt: expect.any(String),
    });
    expect(saved.version).toBe(conversation.version + 1);

    await until(() => liveEvents().length === 1, 'the calendar event');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(eventPosts()).toHaveLength(1);
    const event = liveEvents()[0]!;
    expect(event.mailbox).toBe('0a0a0a0a-0000-4000-8000-000000000002');
    expect(event.attendees.map((a) => a.emailAddress.address).sort()).toEqual([
      'ruben@contoso.nl',
      'sanne@contoso.nl',
    ]);
    // Europe/Amsterdam is written as Europe/Berlin (the zone Graph documents with the same offsets).
    expect(event.start).toEqual({ dateTime: `${conversation.dueDate}T10:30:00`, timeZone: 'Europe/Berlin' });
    expect(event.end).toEqual({ dateTime: `${conversation.dueDate}T11:30:00`, timeZone: 'Europe/Berlin' });
    expect(event.isOnlineMeeting).toBe(true);
    expect(event.onlineMeetingProvider).toBe('teamsForBusiness');
    expect(event.allowNewTimeProposals).toBe(false);
    // The invitation in the manager's language, with both names.
    expect(event.subject).toBe('Talent-development conversation Sanne Smit and Ruben Manager');

    // The professional's tab: the time and the join link.
    const me = (await callTabApi(service, 'GET', '/api/tab/me', `Dev ${TENANT_ID}:${sanne.aadObjectId}`))
      .body as { talentConversation: { meeting?: { start: string; end: string; joinUrl?: string } } };
    expect(me.talentConversation.meeting).toEqual({
      start: event.startsAt.toISOString(),
      end: event.endsAt.toISOString(),
      joinUrl: event.joinUrl,
    });
  });

  it('moves the event when either side moves the conversation or its time, also through a failing Graph', async () => {
    const before = await stored();
    const newDate = addDays(before.dueDate, 7);
    // Graph fails the first try with 503 and asks for a short wait: the product's client tries again.
    graph.answerNext({
      status: 503,
      headers: { 'Retry-After': '1' },
      body: { error: { code: 'ServiceUnavailable', message: 'try later' } },
    });
    expect(
      await press(ruben, 'talent.move', {
        conversationId: before.id,
        version: before.version,
        date: newDate,
      }),
    ).toContain('The conversation is now on');
    await until(
      () => liveEvents()[0]?.start.dateTime === `${newDate}T10:30:00`,
      'the event on the new date, at the same time',
    );
    expect(graph.requests.filter((r) => r.method === 'PATCH').map((r) => r.status)).toEqual([503, 200]);
    expect((await stored()).meeting).toMatchObject({ revision: 2, timeZone: 'Europe/Amsterdam' });

    // The manager sets a time in his own zone (New York): the event follows, written in that zone.
    const moved = await stored();
    expect(
      await press(ruben, 'talent.meeting', {
        conversationId: moved.id,
        version: moved.version,
        meetingDate: newDate,
        meetingTime: '09:00',
        meetingMinutes: 45,
      }),
    ).toContain('09:00–09:45');
    await until(
      () => liveEvents()[0]?.start.timeZone === 'America/New_York',
      'the event at the manager’s new time',
    );
    expect(liveEvents()).toHaveLength(1);
    expect(liveEvents()[0]!.start.dateTime).toBe(`${newDate}T09:00:00`);
    expect(eventPosts()).toHaveLength(1);

    // The professional's preparation card shows it in her own zone, with the join button.
    const now = await stored();
    await db()
      .collection('jobs')
      .updateOne(
        { key: `talent-preparation:${now.id}:${now.dueDate}` },
        { $set: { runAt: new Date(Date.now() - 1000) } },
      );
    const prepared = () =>
      connector
        .messages(personalChat(sanne))
        .filter((r) => text(r.body).includes('je talentontwikkelgesprek met'));
    await connector.waitFor(() => prepared().length > 0);
    const card = prepared()[0]!.body.attachments![0]!.content;
    expect(cardProblems(card)).toEqual([]);
    const inAmsterdam = new Intl.DateTimeFormat('nl-NL', {
      timeZone: 'Europe/Amsterdam',
      hour: '2-digit',
      minute: '2-digit',
    }).format(liveEvents()[0]!.startsAt);
    expect(text(card)).toContain(`${inAmsterdam}–`);
    expect(text(card)).toContain(liveEvents()[0]!.joinUrl!);
    expect(actionFor(card, 'talent.meeting')).toBeDefined();
  });

  it('says so when the calendar refuses a change for good, and tries again with the next one', async () => {
    const sannesMeeting = async () =>
      (
        (await callTabApi(service, 'GET', '/api/tab/me', `Dev ${TENANT_ID}:${sanne.aadObjectId}`)).body as {
          talentConversation: { meeting?: { joinUrl?: string; notInCalendar?: boolean } };
        }
      ).talentConversation.meeting;
    const plan = async (time: string) => {
      const now = await stored();
      return press(ruben, 'talent.meeting', {
        conversationId: now.id,
        version: now.version,
        meetingDate: now.dueDate,
        meetingTime: time,
        meetingMinutes: '60',
      });
    };
    // The organiser's mailbox has been taken out of the app's access policy: Graph answers 403.
    graph.answerNext({
      status: 403,
      body: {
        error: { code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' },
      },
    });
    expect(await plan('11:00')).toContain('11:00–12:00');
    await until(async () => (await sannesMeeting())?.notInCalendar === true, 'the refusal in the tab');
    // The event stays as it was (its join link still works); only the change did not reach it.
    expect(liveEvents()[0]!.start.dateTime).toMatch(/T09:00:00$/);

    // The next change goes through, and the refusal is gone.
    expect(await plan('12:00')).toContain('12:00–13:00');
    await until(() => liveEvents()[0]?.start.dateTime.endsWith('T12:00:00') === true, 'the event at 12:00');
    await until(async () => (await sannesMeeting())?.notInCalendar === undefined, 'the refusal cleared');
    expect((await sannesMeeting())?.joinUrl).toBe(liveEvents()[0]!.joinUrl);
    expect(eventPosts()).toHaveLength(1);
  });

  it('cancels the meeting when the professional names another manager, who can plan a new one', async () => {
    const first = liveEvents()[0]!;
    // "Bewerken" on her traject card, then save with another manager.
    const edit = (await postActivity(service, cardExecute(connector.serviceUrl, sanne, 'traject.edit', {})))
      .body as { value: unknown };
    const save = actionFor(edit.value, 'traject.save')!;
    expect(
      await press(sanne, 'traject.save', {
        ...save.data,
        ...TRAJECT_INPUTS,
        manager: colleague.aadObjectId,
        startDate: start,
      }),
    ).toContain('Prof-traject');
    await until(() => graph.events.get(first.id)?.cancelled === true, 'the old meeting cancelled');
    const changed = await stored();
    expect(changed.meeting).toBeUndefined();
    await until(
      async () => (await db().collection('talentCalendar').countDocuments({})) === 0,
      'the calendar entry forgotten',
    );

    expect(
      await press(colleague, 'talent.meeting', {
        conversationId: changed.id,
        version: changed.version,
        meetingDate: changed.dueDate,
        meetingTime: '14:00',
        meetingMinutes: '30',
      }),
    ).toContain('14:00–14:30');
    await until(() => liveEvents().length === 1, 'the new meeting');
    expect(liveEvents()[0]!.id).not.toBe(first.id);
    expect(
      liveEvents()[0]!
        .attendees.map((a) => a.emailAddress.address)
        .sort(),
    ).toEqual(['collega@contoso.nl', 'sanne@contoso.nl']);
  });

  it('cancels the event once the professional’s data is erased', async () => {
    const eventId = liveEvents()[0]!.id;
    const as = `Dev ${TENANT_ID}:${sanne.aadObjectId}`;
    const erased = await callTabApi(service, 'DELETE', '/api/tab/me', as, {
      confirm: `${TENANT_ID}:${sanne.aadObjectId}`,
    });
    expect(erased.status).toBe(200);
    // The job waits a minute, so the erasure is done before it looks; here it is brought forward.
    const key = `talent-calendar:${conversation.id}:gone`;
    await until(async () => (await db().collection('jobs').countDocuments({ key })) === 1, 'the cancel job');
    await db()
      .collection('jobs')
      .updateOne({ key }, { $set: { runAt: new Date(Date.now() - 1000) } });
    await until(() => graph.events.get(eventId)?.cancelled === true, 'the cancelled event');
    expect(graph.events.get(eventId)!.cancelComment).toBe('Dit talentontwikkelgesprek gaat niet door.');
    // The job forgets the event right after cancelling it.
    await until(
      async () => (await db().collection('talentCalendar').countDocuments({})) === 0,
      'the calendar entry forgotten',
    );
  });
});
