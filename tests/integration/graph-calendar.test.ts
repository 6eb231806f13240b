import { DateTime } from 'luxon';
import {
  calendarTransactionId,
  candidateTimes,
  firstFreeSlot,
  type CreatedCalendarEvent,
  type MemberAvailability,
} from '../../bot/src/domain/calendar';
import { proposeCycle, type CycleProposal, type ProposedCycle } from '../../bot/src/domain/cycle-calendar';
import { graphTimeZoneFor } from '../../bot/src/integrations/graph-calendar';
import {
  FakeGraph,
  GRAPH_SCOPE,
  startCalendarProcess,
  type CalendarProcess,
  type CalendarProcessError,
  type FakeUser,
} from '../support/graph.fake';

/**
 * The product's Graph calendar client (the official Graph client with an @azure/identity credential) against
 * Entra ID and Graph on 127.0.0.1 (graph.fake.ts), which check the requests and answer as the services do.
 */

const APP = {
  tenantId: 'c0ffee00-1111-4222-8333-444455556666',
  clientId: 'a11ce000-1111-4222-8333-444455556666',
  clientSecret: 'the-right-secret~value',
};
const AMS = 'Europe/Amsterdam';
const LONG_AGO = new Date('2025-01-01T00:00:00Z');
const NO_HOLIDAYS = { holidayOn: () => undefined };

let fake: FakeGraph;
let calendars: CalendarProcess;
let organizer: FakeUser;
let anna: FakeUser;
let bram: FakeUser;
let carla: FakeUser;
const nobody = { aadObjectId: '0000dead-0000-4000-8000-000000000000', name: 'Dirk' };

beforeAll(async () => {
  fake = await new FakeGraph(APP).start();
  organizer = fake.addUser({
    id: '0a0a0a0a-0000-4000-8000-000000000001',
    displayName: 'Werkplekleren+ planner',
    userPrincipalName: 'planner@contoso.nl',
    mail: 'planner@contoso.nl',
  });
  anna = fake.addUser({
    id: '0a0a0a0a-0000-4000-8000-000000000002',
    displayName: 'Anna de Vries',
    userPrincipalName: 'anna@contoso.nl',
    mail: 'anna.devries@contoso.nl',
  });
  bram = fake.addUser({
    id: '0a0a0a0a-0000-4000-8000-000000000003',
    displayName: 'Bram Jansen',
    userPrincipalName: 'bram@contoso.onmicrosoft.com',
    mail: 'bram.jansen@contoso.nl',
  });
  carla = fake.addUser({
    id: '0a0a0a0a-0000-4000-8000-000000000004',
    displayName: 'Carla Bakker',
    userPrincipalName: 'carla@contoso.nl',
    mail: 'carla.bakker@contoso.nl',
  });
  calendars = await startCalendarProcess(fake);
}, 60_000);

afterAll(async () => {
  await calendars?.stop();
  await fake?.stop();
});

afterEach(() => fake.clearAnswers());

type Config = Record<string, unknown>;

const config = (overrides: Config = {}): Config => ({
  tenantId: APP.tenantId,
  clientId: APP.clientId,
  clientSecret: APP.clientSecret,
  graphBaseUrl: fake.graphBaseUrl,
  authorityHost: fake.authorityHost,
  timeoutMs: 10_000,
  retry: { maxRetries: 2, delaySeconds: 0, maxRetryAfterSeconds: 5 },
  ...overrides,
});

async function succeeds<T>(method: string, ...args: unknown[]): Promise<T> {
  return succeedsWith<T>(config(), method, ...args);
}

async function succeedsWith<T>(cfg: Config, method: string, ...args: unknown[]): Promise<T> {
  const reply = await calendars.call<T>(cfg, method, ...args);
  if (!reply.ok) throw new Error(`expected success, got ${JSON.stringify(reply.error)}`);
  return reply.value;
}

async function fails(cfg: Config, method: string, ...args: unknown[]): Promise<CalendarProcessError> {
  const reply = await calendars.call(cfg, method, ...args);
  if (reply.ok) throw new Error(`expected a failure, got ${JSON.stringify(reply.value)}`);
  return reply.error;
}

const hour = 3_600_000;
/** Monday 5 May 2025, 09:00 in Amsterdam (UTC+2), a week no free/busy test looks at. */
const MONDAY_0900 = new Date('2025-05-05T07:00:00Z');

function newEvent(key: string, overrides: Record<string, unknown> = {}) {
  return {
    organizer: organizer.id,
    subject: 'Vitale Weekcyclus: sessie 1',
    bodyHtml: '<p>Eerste sessie van de week.</p>',
    start: MONDAY_0900,
    end: new Date(MONDAY_0900.getTime() + hour),
    timeZone: AMS,
    attendees: [{ aadObjectId: anna.id, name: 'Anna', email: anna.mail }],
    transactionId: calendarTransactionId(key),
    ...overrides,
  };
}

const since = (mark: number) => fake.requests.slice(mark);

describe('creating a session event', () => {
  it('posts a Teams meeting in the circle zone with the members as attendees, with the app token', async () => {
    const mark = fake.requests.length;
    const tokenMark = fake.tokenRequests.length;
    const transactionId = calendarTransactionId('cycle-create:0');
    const created = await succeeds<CreatedCalendarEvent>(
      'createEvent',
      newEvent('cycle-create:0', {
        attendees: [
          { aadObjectId: anna.id, name: 'Anna', email: anna.mail },
          { aadObjectId: bram.id, name: 'Bram' },
          nobody,
          { aadObjectId: organizer.id, name: 'Planner' },
        ],
      }),
    );

    expect(created.eventId).toMatch(/^AAMkAG/);
    expect(created.joinUrl).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//);
    expect(created.notInvited).toEqual([nobody.aadObjectId]);

    const post = since(mark).find(
      (r) => r.method === 'POST' && r.path === `/v1.0/users/${organizer.id}/events`,
    );
    expect(post?.status).toBe(201);
    expect(post?.authorization).toMatch(/^Bearer fake-graph-token-/);
    expect(post?.contentType).toMatch(/^application\/json/);
    // Europe/Amsterdam is not among Graph's documented IANA names: written in Europe/Berlin, same offsets.
    expect(post?.body).toEqual({
      subject: 'Vitale Weekcyclus: sessie 1',
      body: { contentType: 'HTML', content: '<p>Eerste sessie van de week.</p>' },
      start: { dateTime: '2025-05-05T09:00:00', timeZone: 'Europe/Berlin' },
      end: { dateTime: '2025-05-05T10:00:00', timeZone: 'Europe/Berlin' },
      attendees: [
        { emailAddress: { address: 'anna.devries@contoso.nl', name: 'Anna' }, type: 'required' },
        { emailAddress: { address: 'bram.jansen@contoso.nl', name: 'Bram' }, type: 'required' },
      ],
      isOnlineMeeting: true,
      onlineMeetingProvider: 'teamsForBusiness',
      allowNewTimeProposals: false,
      transactionId,
    });
    expect(transactionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    // Bram had no address: looked up by Entra id; Anna had one: not looked up; Dirk is unknown.
    const lookups = since(mark).filter((r) => r.method === 'GET');
    expect(lookups.map((r) => [r.path, r.query.$select, r.status])).toEqual(
      expect.arrayContaining([
        [`/v1.0/users/${bram.id}`, 'mail,userPrincipalName,displayName', 200],
        [`/v1.0/users/${nobody.aadObjectId}`, 'mail,userPrincipalName,displayName', 404],
      ]),
    );
    expect(lookups.some((r) => r.path.includes(anna.id))).toBe(false);

    const stored = fake.events.get(created.eventId);
    expect(stored?.startsAt.toISOString()).toBe('2025-05-05T07:00:00.000Z');
    expect(stored?.endsAt.toISOString()).toBe('2025-05-05T08:00:00.000Z');

    const token = fake.tokenRequests.slice(tokenMark);
    expect(token).toHaveLength(1);
    expect(token[0]).toMatchObject({
      tenant: APP.tenantId,
      clientId: APP.clientId,
      secretMatched: true,
      scope: GRAPH_SCOPE,
      grantType: 'client_credentials',
      status: 200,
    });
  });

  it('gives back the same event when the create is sent again with the same transactionId', async () => {
    const first = await succeeds<CreatedCalendarEvent>('createEvent', newEvent('cycle-again:1'));
    const again = await succeeds<CreatedCalendarEvent>('createEvent', newEvent('cycle-again:1'));
    const other = await succeeds<CreatedCalendarEvent>('createEvent', newEvent('cycle-again:2'));

    expect(again.eventId).toBe(first.eventId);
    expect(again.joinUrl).toBe(first.joinUrl);
    expect(other.eventId).not.toBe(first.eventId);
    const withKey = (key: string) =>
      fake.liveEventsOf(organizer.id).filter((e) => e.transactionId === calendarTransactionId(key));
    expect(withKey('cycle-again:1')).toHaveLength(1);
    expect(withKey('cycle-again:2')).toHaveLength(1);
  });

  it('makes one event when the answer to the first create is lost and the client sends it again', async () => {
    const mark = fake.requests.length;
    // Graph makes the event, then the answer is lost (504); the Graph client's RetryHandler sends the POST again.
    fake.answerNext({ status: 504, afterHandling: true, headers: { 'Retry-After': '0' } });
    const created = await succeeds<CreatedCalendarEvent>('createEvent', newEvent('cycle-lost:0'));

    const posts = since(mark).filter((r) => r.method === 'POST' && r.path.endsWith('/events'));
    expect(posts.map((p) => p.status)).toEqual([504, 201]);
    const made = fake
      .liveEventsOf(organizer.id)
      .filter((e) => e.transactionId === calendarTransactionId('cycle-lost:0'));
    expect(made.map((e) => e.id)).toEqual([created.eventId]);
  });
});

describe('moving and cancelling', () => {
  it('moves an event to another day and time, addressed by the organiser UPN', async () => {
    const { eventId } = await succeeds<CreatedCalendarEvent>('createEvent', newEvent('cycle-move:0'));
    const mark = fake.requests.length;
    const start = new Date('2025-05-06T12:00:00Z'); // Tuesday 14:00 in Amsterdam
    await succeeds('updateEvent', organizer.userPrincipalName, eventId, {
      start,
      end: new Date(start.getTime() + hour),
      timeZone: AMS,
      subject: 'Vitale Weekcyclus: sessie 1 (verzet)',
    });

    const patch = since(mark).find((r) => r.method === 'PATCH');
    expect(patch?.path).toBe(`/v1.0/users/planner@contoso.nl/events/${eventId}`);
    expect(patch?.status).toBe(200);
    expect(patch?.body).toEqual({
      start: { dateTime: '2025-05-06T14:00:00', timeZone: 'Europe/Berlin' },
      end: { dateTime: '2025-05-06T15:00:00', timeZone: 'Europe/Berlin' },
      subject: 'Vitale Weekcyclus: sessie 1 (verzet)',
    });
    expect(fake.events.get(eventId)?.startsAt.toISOString()).toBe('2025-05-06T12:00:00.000Z');
    expect(fake.events.get(eventId)?.subject).toBe('Vitale Weekcyclus: sessie 1 (verzet)');
  });

  it('cancels with a comment to the attendees, and a second cancel finds the event gone', async () => {
    const { eventId } = await succeeds<CreatedCalendarEvent>('createEvent', newEvent('cycle-cancel:0'));
    const mark = fake.requests.length;

    await expect(
      succeeds('cancelEvent', organizer.id, eventId, 'De cirkel heeft deze sessie geschrapt.'),
    ).resolves.toBe('cancelled');
    const cancel = since(mark).find((r) => r.path.endsWith('/cancel'));
    expect(cancel).toMatchObject({
      method: 'POST',
      path: `/v1.0/users/${organizer.id}/events/${eventId}/cancel`,
      body: { comment: 'De cirkel heeft deze sessie geschrapt.' },
      status: 202,
    });
    expect(fake.events.get(eventId)?.cancelled).toBe(true);

    await expect(succeeds('cancelEvent', organizer.id, eventId, 'nog eens')).resolves.toBe('already_gone');
    // A missing organiser mailbox is not "already gone": that is configuration and must surface.
    const noMailbox = await fails(config(), 'cancelEvent', 'nobody@contoso.nl', eventId, 'weg');
    expect(noMailbox).toMatchObject({
      code: 'CALENDAR_NOT_FOUND',
      details: { status: 404, serviceCode: 'ErrorInvalidUser' },
    });
    const moved = await fails(config(), 'updateEvent', organizer.id, eventId, {
      start: MONDAY_0900,
      end: new Date(MONDAY_0900.getTime() + hour),
      timeZone: AMS,
    });
    expect(moved).toMatchObject({
      isCalendarError: true,
      code: 'CALENDAR_NOT_FOUND',
      details: { status: 404 },
    });
  });
});

describe('free/busy and a proposed time', () => {
  function ok(proposal: CycleProposal): ProposedCycle {
    if (!proposal.ok) throw new Error(`expected a cycle, got ${JSON.stringify(proposal)}`);
    return proposal;
  }
  const at = (iso: string) => new Date(iso);

  it('reads each member schedule, counts busy, out of office and tentative, and finds the first free time in a DST week', async () => {
    // Daylight saving began on Sunday 30 March 2025; the window starts on the Friday before (UTC+1) and
    // the cycle is Monday 31 March to Thursday 3 April (UTC+2): 09:00 local is 07:00Z.
    fake.setSchedule(anna.mail!, [
      { status: 'busy', start: at('2025-03-28T08:00:00Z'), end: at('2025-03-28T09:00:00Z') }, // Fri 09:00 CET
      { status: 'busy', start: at('2025-04-02T07:00:00Z'), end: at('2025-04-02T08:00:00Z') }, // Wed 09:00 CEST
    ]);
    fake.setSchedule(bram.mail!, [
      { status: 'tentative', start: at('2025-04-01T08:00:00Z'), end: at('2025-04-01T09:00:00Z') }, // Tue 10:00
      { status: 'free', start: at('2025-03-31T11:00:00Z'), end: at('2025-03-31T12:00:00Z') }, // Mon 13:00
    ]);
    fake.setSchedule(carla.mail!, [
      { status: 'oof', start: at('2025-04-03T09:00:00Z'), end: at('2025-04-03T10:00:00Z') }, // Thu 11:00
      { status: 'workingElsewhere', start: at('2025-03-31T10:00:00Z'), end: at('2025-03-31T11:00:00Z') }, // Mon 12:00
    ]);
    const mark = fake.requests.length;
    const from = at('2025-03-27T23:00:00Z'); // Friday 28 March 00:00 in Amsterdam
    const to = at('2025-04-03T22:00:00Z'); // Friday 4 April 00:00 in Amsterdam
    const members = [
      { aadObjectId: anna.id, name: 'Anna', email: anna.mail },
      { aadObjectId: bram.id, name: 'Bram' },
      { aadObjectId: carla.id, name: 'Carla', email: carla.mail },
      nobody,
    ];

    const availability = await succeeds<MemberAvailability[]>('freeBusy', {
      organizer: organizer.id,
      members,
      start: from,
      end: to,
      intervalMinutes: 30,
    });

    const request = since(mark).find((r) => r.path.endsWith('/calendar/getSchedule'));
    expect(request).toMatchObject({
      method: 'POST',
      path: `/v1.0/users/${organizer.id}/calendar/getSchedule`,
      prefer: 'outlook.timezone="UTC"',
      status: 200,
      body: {
        schedules: [anna.mail, bram.mail, carla.mail],
        startTime: { dateTime: '2025-03-27T23:00:00', timeZone: 'UTC' },
        endTime: { dateTime: '2025-04-03T22:00:00', timeZone: 'UTC' },
        availabilityViewInterval: 30,
      },
    });

    const byId = new Map(availability.map((a) => [a.aadObjectId, a]));
    const periods = (id: string) =>
      byId.get(id)?.busy.map((b) => [b.status, b.start.toISOString(), b.end.toISOString()]);
    expect(periods(anna.id)).toEqual([
      ['busy', '2025-03-28T08:00:00.000Z', '2025-03-28T09:00:00.000Z'],
      ['busy', '2025-04-02T07:00:00.000Z', '2025-04-02T08:00:00.000Z'],
    ]);
    expect(periods(bram.id)).toEqual([['tentative', '2025-04-01T08:00:00.000Z', '2025-04-01T09:00:00.000Z']]);
    expect(periods(carla.id)).toEqual([['oof', '2025-04-03T09:00:00.000Z', '2025-04-03T10:00:00.000Z']]);
    expect(byId.get(bram.id)?.email).toBe(bram.mail);
    expect(byId.get(nobody.aadObjectId)).toEqual({
      aadObjectId: nobody.aadObjectId,
      email: undefined,
      busy: [],
      unknown: true,
    });

    const candidates = candidateTimes('09:00', '16:00').map((timeOfDay) =>
      ok(proposeCycle({ week: '2025-03-31', startDay: 'monday', timeOfDay, timeZone: AMS, now: LONG_AGO })),
    );
    // 09:00 clashes with Anna on Wednesday, 10:00 with Bram's tentative Tuesday, 11:00 with Carla's
    // out-of-office Thursday; her working elsewhere and Bram's free item do not block 12:00 or 13:00.
    const chosen = firstFreeSlot(candidates, availability);
    expect(chosen?.timeOfDay).toBe('12:00');
    expect(chosen?.sessions.map((s) => s.start.toISOString())).toEqual([
      '2025-03-31T10:00:00.000Z',
      '2025-04-01T10:00:00.000Z',
      '2025-04-02T10:00:00.000Z',
      '2025-04-03T10:00:00.000Z',
    ]);
  });

  it('counts the sessions of events already made in the mailbox as busy', async () => {
    // Something else already sits in the planner's and Carla's calendars on Tuesday 8 April at 09:00.
    await succeeds('createEvent', {
      ...newEvent('other-meeting:0'),
      start: at('2025-04-08T07:00:00Z'),
      end: at('2025-04-08T08:00:00Z'),
      attendees: [{ aadObjectId: carla.id, name: 'Carla', email: carla.mail }],
    });
    const availability = await succeeds<MemberAvailability[]>('freeBusy', {
      organizer: organizer.id,
      members: [{ aadObjectId: carla.id, name: 'Carla', email: carla.mail }],
      start: at('2025-04-06T22:00:00Z'),
      end: at('2025-04-11T22:00:00Z'),
      intervalMinutes: 15,
    });
    const candidates = candidateTimes('09:00', '10:00').map((timeOfDay) =>
      ok(proposeCycle({ week: '2025-04-07', startDay: 'monday', timeOfDay, timeZone: AMS, now: LONG_AGO })),
    );
    expect(availability[0]?.busy.map((b) => b.start.toISOString())).toEqual(['2025-04-08T07:00:00.000Z']);
    expect(firstFreeSlot(candidates, availability)?.timeOfDay).toBe('10:00');
  });

  it('keeps local time across a daylight-saving change in the middle of a cycle (Jerusalem, Friday)', () => {
    // Israel's daylight saving began on Friday 28 March 2025 at 02:00, inside a Tuesday–Friday cycle.
    const zone = 'Asia/Jerusalem';
    const candidates = candidateTimes('09:00', '12:00').map((timeOfDay) =>
      ok(
        proposeCycle({
          week: '2025-03-24',
          startDay: 'tuesday',
          timeOfDay,
          timeZone: zone,
          now: LONG_AGO,
          holidays: NO_HOLIDAYS,
        }),
      ),
    );
    const nine = candidates[0]!;
    expect(nine.sessions.map((s) => s.start.toISOString())).toEqual([
      '2025-03-25T07:00:00.000Z',
      '2025-03-26T07:00:00.000Z',
      '2025-03-27T07:00:00.000Z',
      '2025-03-28T06:00:00.000Z',
    ]);
    // Busy on Friday 09:00 local (06:00Z). Read with the winter offset it would be 07:00Z, and 09:00 would
    // look free.
    const busyFriday = [{ busy: [{ start: at('2025-03-28T06:00:00Z'), end: at('2025-03-28T07:00:00Z') }] }];
    expect(firstFreeSlot(candidates, busyFriday)?.timeOfDay).toBe('10:00');
    // Back to back is no clash: a meeting 08:00–09:00 local on Friday leaves 09:00 free.
    const before = [{ busy: [{ start: at('2025-03-28T05:00:00Z'), end: at('2025-03-28T06:00:00Z') }] }];
    expect(firstFreeSlot(candidates, before)?.timeOfDay).toBe('09:00');
    // Busy at every candidate time on one day: no time works.
    const allDay = [{ busy: [{ start: at('2025-03-26T00:00:00Z'), end: at('2025-03-26T20:00:00Z') }] }];
    expect(firstFreeSlot(candidates, allDay)).toBeUndefined();
  });

  it('writes events in a zone Graph documents, with the same offsets as the circle zone', () => {
    const summer = [at('2025-07-01T07:00:00Z')];
    expect(graphTimeZoneFor('Europe/Amsterdam', summer)).toBe('Europe/Berlin');
    expect(graphTimeZoneFor('Asia/Jerusalem', summer)).toBe('Asia/Jerusalem');
    expect(graphTimeZoneFor('Europe/Kyiv', summer)).toBe('Europe/Bucharest');
    // Chatham (UTC+12:45/+13:45) has no documented twin: UTC, still the exact instant.
    expect(graphTimeZoneFor('Pacific/Chatham', summer)).toBe('UTC');
    const local = DateTime.fromJSDate(summer[0]!, { zone: 'Europe/Berlin' }).toFormat('HH:mm');
    expect(local).toBe(DateTime.fromJSDate(summer[0]!, { zone: AMS }).toFormat('HH:mm'));
  });
});

describe('when Graph or Entra ID says no', () => {
  it('waits out a 429 with Retry-After and then succeeds', async () => {
    const mark = fake.requests.length;
    fake.answerNext({
      status: 429,
      headers: { 'Retry-After': '1' },
      body: { error: { code: 'TooManyRequests', message: 'Too many requests, retry after 1 second.' } },
    });
    const created = await succeeds<CreatedCalendarEvent>('createEvent', newEvent('throttled:0'));

    const posts = since(mark).filter((r) => r.method === 'POST');
    expect(posts.map((p) => p.status)).toEqual([429, 201]);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(950);
    expect(fake.events.get(created.eventId)?.transactionId).toBe(calendarTransactionId('throttled:0'));
  });

  it('gives up on a persistent 503 after the configured retries with CALENDAR_UNAVAILABLE', async () => {
    const mark = fake.requests.length;
    const unavailable = {
      status: 503,
      body: { error: { code: 'serviceNotAvailable', message: 'Service Unavailable' } },
    };
    fake.answerNext(unavailable, unavailable, unavailable, unavailable, unavailable);
    const error = await fails(
      config({ retry: { maxRetries: 1, delaySeconds: 0, maxRetryAfterSeconds: 5 } }),
      'createEvent',
      newEvent('unavailable:0'),
    );

    expect(error).toMatchObject({
      isCalendarError: true,
      code: 'CALENDAR_UNAVAILABLE',
      details: { status: 503, serviceCode: 'serviceNotAvailable' },
    });
    expect(
      since(mark)
        .filter((r) => r.path.endsWith('/events'))
        .map((r) => r.status),
    ).toEqual([503, 503]);
  });

  it('does not sleep on a Retry-After longer than allowed: fails at once and says how long to wait', async () => {
    const mark = fake.requests.length;
    fake.answerNext({
      status: 429,
      headers: { 'Retry-After': '120' },
      body: { error: { code: 'TooManyRequests', message: 'Too many requests.' } },
    });
    const started = Date.now();
    const error = await fails(config(), 'createEvent', newEvent('throttled-long:0'));

    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toMatchObject({
      code: 'CALENDAR_UNAVAILABLE',
      details: { status: 429, retryAfterMs: 120_000 },
    });
    expect(since(mark).filter((r) => r.path.endsWith('/events'))).toHaveLength(1);
  });

  it('gives up when Graph does not answer within the timeout', async () => {
    fake.answerNext({ status: 201, body: {}, delayMs: 3_000 });
    const started = Date.now();
    const error = await fails(config({ timeoutMs: 700 }), 'updateEvent', organizer.id, 'AAMkAGslow=', {
      start: MONDAY_0900,
      end: new Date(MONDAY_0900.getTime() + hour),
      timeZone: AMS,
    });

    expect(Date.now() - started).toBeLessThan(2_500);
    expect(error).toMatchObject({ isCalendarError: true, code: 'CALENDAR_UNAVAILABLE' });
  });

  it('maps 403 to CALENDAR_FORBIDDEN without retrying', async () => {
    const mark = fake.requests.length;
    fake.answerNext({
      status: 403,
      body: {
        error: { code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' },
      },
    });
    const error = await fails(config(), 'createEvent', newEvent('forbidden:0'));

    expect(error).toMatchObject({
      isCalendarError: true,
      code: 'CALENDAR_FORBIDDEN',
      details: { status: 403, serviceCode: 'ErrorAccessDenied' },
    });
    expect(since(mark)).toHaveLength(1);
  });

  it('maps a refused client secret to CALENDAR_AUTH_FAILED before anything reaches Graph', async () => {
    const mark = fake.requests.length;
    const tokenMark = fake.tokenRequests.length;
    const error = await fails(
      config({ clientSecret: 'a-wrong-secret' }),
      'createEvent',
      newEvent('wrong-secret:0'),
    );

    expect(error).toMatchObject({ isCalendarError: true, code: 'CALENDAR_AUTH_FAILED' });
    expect(fake.tokenRequests.slice(tokenMark).map((t) => [t.secretMatched, t.status])).toEqual([
      [false, 401],
    ]);
    expect(since(mark)).toHaveLength(0);
  });

  it('says CALENDAR_UNAVAILABLE when Entra ID cannot be reached', async () => {
    const error = await fails(
      config({ authorityHost: 'https://127.0.0.1:1' }),
      'cancelEvent',
      organizer.id,
      'AAMkAGx=',
      'weg',
    );
    expect(error).toMatchObject({ isCalendarError: true, code: 'CALENDAR_UNAVAILABLE' });
  });

  it('asks Entra ID for a token once and uses it for the following calls', async () => {
    const fresh = config({ timeoutMs: 9_999 });
    const tokenMark = fake.tokenRequests.length;
    await succeedsWith(fresh, 'createEvent', newEvent('token-reuse:0'));
    await succeedsWith(fresh, 'createEvent', newEvent('token-reuse:1'));
    expect(fake.tokenRequests.slice(tokenMark)).toHaveLength(1);
  });
});
