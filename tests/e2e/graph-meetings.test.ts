import { MongoClient } from 'mongodb';
import {
  cardExecute,
  groupConversation,
  message,
  TENANT_ID,
  type Person,
  rosterMembers,
} from '../support/activities';
import { FakeBotConnector } from '../support/bot-connector.fake';
import { callTabApi } from '../support/flows';
import { FakeGraph, type FakeUser } from '../support/graph.fake';
import { testMongoUri, uniqueDbName } from '../support/mongo';
import { postActivity } from '../support/service';
import { startServiceProcess, type ServiceProcess } from '../support/service-process';

const APP = {
  tenantId: 'c0ffee00-1111-4222-8333-444455556666',
  clientId: 'a11ce000-1111-4222-8333-444455556666',
  clientSecret: 'the-right-secret~value',
};

interface Card {
  body: Record<string, unknown>[];
  actions?: { type: string; verb?: string; data?: Record<string, unknown> }[];
}

/**
 * With Microsoft Graph configured, a confirmed plan becomes Teams meetings in the members' calendars, and
 * moving or cancelling a session updates its event. The service runs as `npm start` would (its own process,
 * trusting the Graph fake's https certificate); Entra ID and Graph answer from 127.0.0.1.
 */
describe('cycles as Teams meetings through Microsoft Graph', () => {
  let graph: FakeGraph;
  let connector: FakeBotConnector;
  let service: ServiceProcess;
  let client: MongoClient;
  const dbName = uniqueDbName('graph');
  const users: FakeUser[] = [];
  let people: Person[];
  const chat = groupConversation();

  beforeAll(async () => {
    graph = await new FakeGraph(APP).start();
    graph.addUser({
      id: '0a0a0a0a-0000-4000-8000-000000000001',
      displayName: 'Planner',
      userPrincipalName: 'planner@contoso.nl',
      mail: 'planner@contoso.nl',
    });
    for (const [i, name] of ['Ilse', 'Jeroen', 'Karin'].entries()) {
      users.push(
        graph.addUser({
          id: `0b0b0b0b-0000-4000-8000-00000000000${i}`,
          displayName: name,
          userPrincipalName: `${name.toLowerCase()}@contoso.nl`,
          mail: `${name.toLowerCase()}@contoso.nl`,
        }),
      );
    }
    people = users.map((u) => ({
      aadObjectId: u.id,
      name: u.displayName,
      locale: 'nl-NL',
      timezone: 'Europe/Amsterdam',
    }));
    connector = await new FakeBotConnector().start();
    connector.rosters.set(chat.id, rosterMembers(people));
    service = await startServiceProcess({
      NODE_EXTRA_CA_CERTS: graph.caCertPath,
      MONGODB_URI: testMongoUri(),
      MONGODB_DB: dbName,
      TAB_DEV_MODE: 'true',
      GRAPH_ORGANIZER: 'planner@contoso.nl',
      GRAPH_TENANT_ID: APP.tenantId,
      GRAPH_CLIENT_ID: APP.clientId,
      GRAPH_CLIENT_SECRET: APP.clientSecret,
      GRAPH_BASE_URL: graph.graphBaseUrl,
      GRAPH_AUTHORITY_HOST: graph.authorityHost,
      SCHEDULER_POLL_INTERVAL_MS: '500',
    });
    client = await MongoClient.connect(testMongoUri());
  }, 90_000);
  afterAll(async () => {
    await client?.close();
    await service?.stop();
    await connector?.stop();
    await graph?.stop();
  });

  const cycles = () => client.db(dbName).collection('cycles');
  const liveEvents = () => [...graph.events.values()].filter((e) => !e.cancelled);

  async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}\n${service.logs.slice(-20).join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function execute(verb: string, data: Record<string, unknown>) {
    const response = await postActivity(
      service,
      cardExecute(connector.serviceUrl, people[0]!, verb, data, chat),
    );
    const body = response.body as { statusCode: number; value: Card };
    expect(body.statusCode).toBe(200);
    return { card: body.value, text: JSON.stringify(body.value) };
  }

  it('creates one Teams meeting per session for the members, once, and follows moves and cancellations', async () => {
    await postActivity(
      service,
      message(connector.serviceUrl, people[0]!, '<at>Werkplekleren+</at> cirkel', chat),
    );
    const form = connector.messages(chat.id).at(-1)!.body.attachments![0]!.content as unknown as Card;
    await execute('circle.form', {
      ...form.actions!.find((a) => a.verb === 'circle.form')!.data,
      name: 'Agenda-cirkel',
      members: people.map((p) => p.aadObjectId).join(','),
    });
    // Jeroen is busy on Tuesday morning until 10:00: the first hour that suits everyone on all four days is 10:00.
    graph.setSchedule('jeroen@contoso.nl', [
      {
        status: 'busy',
        start: new Date('2027-03-02T07:00:00Z'),
        end: new Date('2027-03-02T09:00:00Z'),
        subject: 'Overleg',
      },
    ]);
    const slotActivity = {
      ...cardExecute(
        connector.serviceUrl,
        people[0]!,
        'plan.findSlot',
        {
          week: '2027-03-01',
          startDay: 'auto',
          time: '08:00',
          cycles: '1',
          everyWeeks: '1',
          pauseFrom: '',
          pauseTo: '',
        },
        chat,
      ),
      replyToId: 'plan-card-1',
    };
    const pending = await postActivity(service, slotActivity);
    expect(JSON.stringify(pending.body)).toContain("Ik kijk in de agenda's van de leden.");
    await connector.waitFor((received) =>
      received.some((r) => r.method === 'PUT' && r.replyToId === 'plan-card-1'),
    );
    const update = connector.received.find((r) => r.method === 'PUT' && r.replyToId === 'plan-card-1')!;
    const updated = JSON.stringify(update.body);
    const timeInput = (update.body.attachments![0]!.content as unknown as Card).body.find(
      (e) => e.id === 'time',
    );
    expect(updated).toContain('Om 10:00 is iedereen vrij op alle vier dagen van de week van 1 maart 2027');
    expect(timeInput).toMatchObject({ value: '10:00' });
    expect(updated).toContain('Om 10:00 is iedereen vrij op alle vier dagen van de week van 1 maart 2027');

    const preview = await execute('plan.preview', {
      week: '2027-03-01',
      startDay: 'auto',
      time: '10:00',
      cycles: '1',
      everyWeeks: '1',
      pauseFrom: '',
      pauseTo: '',
    });
    const confirmData = preview.card.actions!.find((a) => a.verb === 'plan.confirm')!.data!;
    const confirmed = await execute('plan.confirm', confirmData);
    expect(confirmed.text).toContain('als Teams-vergaderingen in ieders agenda');
    await until(() => liveEvents().length === 4, 'four events');

    for (const event of liveEvents()) {
      expect(event).toMatchObject({ isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' });
      expect(event.subject).toMatch(/^Vitale Weekcyclus Agenda-cirkel: sessie [1-4] van 4$/);
      expect(event.attendees.map((a) => a.emailAddress.address).sort()).toEqual(
        users.map((u) => u.mail).sort(),
      );
    }
    expect(
      liveEvents()
        .map((e) => e.startsAt.toISOString())
        .sort(),
    ).toEqual([
      '2027-03-01T09:00:00.000Z',
      '2027-03-02T09:00:00.000Z',
      '2027-03-03T09:00:00.000Z',
      '2027-03-04T09:00:00.000Z',
    ]);
    // The join links are on the sessions, and members see them in the tab.
    await until(async () => {
      const cycle = await cycles().findOne({ weekStart: '2027-03-01' });
      return (cycle?.sessions as { joinUrl?: string }[] | undefined)?.every((s) => s.joinUrl) ?? false;
    }, 'join URLs on the sessions');
    const me = await callTabApi(service, 'GET', '/api/tab/me', `Dev ${TENANT_ID}:${people[1]!.aadObjectId}`);
    const upcoming = (me.body as { upcomingSessions: { joinUrl?: string }[] }).upcomingSessions;
    expect(upcoming[0]!.joinUrl).toMatch(/^https:\/\//);

    // A resent confirmation makes no second set of meetings.
    await execute('plan.confirm', confirmData);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(liveEvents()).toHaveLength(4);

    // Moving session 2 moves its meeting; cancelling session 3 cancels its meeting.
    const cycle = (await cycles().findOne({ weekStart: '2027-03-01' }))!;
    const moved = await execute('plan.moveSession', {
      cycleId: cycle.id,
      version: cycle.version,
      dayIndex: '1',
      toDate: '2027-03-05',
      time: '13:00',
    });
    expect(moved.text).toContain('Aangepast.');
    await until(
      () => liveEvents().some((e) => e.startsAt.toISOString() === '2027-03-05T12:00:00.000Z'),
      'the moved meeting',
    );
    const after = (await cycles().findOne({ weekStart: '2027-03-01' }))!;
    await until(async () => {
      const latest = (await cycles().findOne({ weekStart: '2027-03-01' }))!;
      return (
        latest.version > after.version ||
        (latest.sessions as { calendarSequence?: number }[])[1]!.calendarSequence === 1
      );
    }, 'the move recorded');
    const latest = (await cycles().findOne({ weekStart: '2027-03-01' }))!;
    const cancelled = await execute('plan.cancelSession', {
      cycleId: latest.id,
      version: latest.version,
      dayIndex: 2,
    });
    expect(cancelled.text).toContain('(geannuleerd)');
    await until(
      () => [...graph.events.values()].filter((e) => e.cancelled).length === 1,
      'one cancelled meeting',
    );
    expect(liveEvents()).toHaveLength(3);

    // Each change left a safety-net job that syncs again later (in case the replica died after answering).
    // Made due now, they run and change nothing: the calendar already says what the plan says.
    const jobs = client.db(dbName).collection('jobs');
    const rechecks = await jobs.find({ key: { $regex: `^calendar-sync:${cycle.id as string}:` } }).toArray();
    expect(rechecks.length).toBeGreaterThanOrEqual(3);
    const graphCalls = graph.requests.length;
    await jobs.updateMany(
      { key: { $regex: '^calendar-sync:' } },
      { $set: { runAt: new Date(Date.now() - 1000) } },
    );
    await until(
      async () =>
        (await jobs.countDocuments({ key: { $regex: '^calendar-sync:' }, status: 'done' })) ===
        rechecks.length,
      'the rechecks done',
    );
    expect(liveEvents()).toHaveLength(3);
    expect([...graph.events.values()].filter((e) => e.cancelled)).toHaveLength(1);
    expect(graph.requests.length).toBe(graphCalls);
  }, 60_000);
});
