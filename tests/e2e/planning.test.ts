import { MongoClient } from 'mongodb';
import type { Service } from '../../bot/src/main';
import {
  cardExecute,
  groupConversation,
  message,
  person,
  TENANT_ID,
  type Person,
  rosterMembers,
} from '../support/activities';
import { FakeBotConnector } from '../support/bot-connector.fake';
import { callTabApi, composeTraject } from '../support/flows';
import { postActivity, startTestService } from '../support/service';
import { actionsOf, type Card } from '../support/cards';

// ical.js's CommonJS build, to read the calendar file back as a calendar app would.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ICAL = require('ical.js') as {
  parse(text: string): unknown;
  Component: new (jcal: unknown) => {
    getAllSubcomponents(name: string): {
      getFirstPropertyValue(name: string): { toJSDate(): Date } | string;
    }[];
    getFirstSubcomponent(name: string): unknown;
  };
  TimezoneService: { register(component: unknown): void };
};

/**
 * Planning Vitale Weekcycli from a circle's chat: the form, the dates shown before confirming (with a
 * Koningsdag week skipped), the confirmation stored once, the calendar file, and the members' tab.
 */
describe('planning Vitale Weekcycli', () => {
  let connector: FakeBotConnector;
  let service: Service;
  let client: MongoClient;
  const cycles = () => client.db(service.config.mongo.dbName).collection('cycles');
  const members = [person('Anouk'), person('Bram'), person('Chantal')] as [Person, Person, Person];
  const chat = groupConversation();

  beforeAll(async () => {
    connector = await new FakeBotConnector().start();
    service = await startTestService({ TAB_DEV_MODE: 'true' });
    client = await MongoClient.connect(service.config.mongo.uri!);
    connector.rosters.set(chat.id, rosterMembers(members));
    const form = await say(members[0], 'cirkel');
    await execute(members[0], 'circle.form', {
      ...actionsOf(form).find((a) => a.verb === 'circle.form')!.data,
      name: 'Planners',
      members: members.map((p) => p.aadObjectId).join(','),
    });
  });
  afterAll(async () => {
    await client?.close();
    await service?.stop();
    await connector?.stop();
  });

  async function say(who: Person, text: string, conversation = chat): Promise<Card> {
    const activity = message(connector.serviceUrl, who, `<at>Werkplekleren+</at> ${text}`, conversation);
    await postActivity(service, activity);
    return connector.messages(conversation.id).at(-1)!.body.attachments![0]!.content as unknown as Card;
  }

  async function execute(who: Person, verb: string, data: Record<string, unknown>, conversation = chat) {
    const response = await postActivity(
      service,
      cardExecute(connector.serviceUrl, who, verb, data, conversation),
    );
    const body = response.body as { statusCode: number; value: Card };
    expect(body.statusCode).toBe(200);
    return { card: body.value, text: JSON.stringify(body.value) };
  }

  const inputs = {
    week: '2027-04-26', // Koningsdag is Tuesday 27 April 2027: no four working days that week
    startDay: 'auto',
    time: '09:30',
    cycles: '2',
    everyWeeks: '2',
    pauseFrom: '',
    pauseTo: '',
  };

  it('shows the dates first, skipping a Koningsdag week, and plans them once on confirmation', async () => {
    const form = await say(members[1], 'plan');
    expect(JSON.stringify(form)).toContain('Plan een Vitale Weekcyclus');
    expect(JSON.stringify(form)).toContain('Europe/Amsterdam');

    const preview = await execute(members[1], 'plan.preview', inputs);
    expect(preview.text).toContain('Zo wordt de planning');
    expect(preview.text).toContain('Koningsdag');
    // Koningsdag (Tuesday 27 April) and Hemelvaartsdag (Thursday 6 May) leave no four working days in their
    // weeks: the first cycle falls in the week of 10 May, the second two weeks on, Monday to Thursday at
    // 09:30 Amsterdam time.
    expect(preview.text).toContain(
      'week van 3 mei 2027: geen vier werkdagen op rij (Hemelvaartsdag 6 mei 2027)',
    );
    expect(preview.text).toContain('Week van 10 mei 2027');
    expect(preview.text).toContain('Sessie 1: maandag 10 mei, 09:30–10:30');
    expect(preview.text).toContain('Sessie 4: donderdag 13 mei, 09:30–10:30');
    expect(preview.text).toContain('Week van 24 mei 2027');
    expect(await cycles().countDocuments({})).toBe(0);

    const confirm = actionsOf(preview.card).find((a) => a.verb === 'plan.confirm')!;
    const answers = await Promise.all([1, 2].map(() => execute(members[1], 'plan.confirm', confirm.data!)));
    for (const answer of answers) expect(answer.text).toContain('2 Vitale Weekcycli gepland voor Planners');
    const stored = await cycles().find({}).sort({ weekStart: 1 }).toArray();
    expect(stored.map((c) => c.weekStart as string)).toEqual(['2027-05-10', '2027-05-24']);
    expect(stored[0]).toMatchObject({
      circleName: 'Planners',
      status: 'planned',
      memberAadObjectIds: members.map((p) => p.aadObjectId),
    });
    const sessions = stored[0]!.sessions as { start: Date; end: Date; dayIndex: number }[];
    expect(sessions.map((s) => s.start.toISOString())).toEqual([
      '2027-05-10T07:30:00.000Z',
      '2027-05-11T07:30:00.000Z',
      '2027-05-12T07:30:00.000Z',
      '2027-05-13T07:30:00.000Z',
    ]);
  });

  it('hands out a signed calendar file with the four sessions, and refuses a tampered link', async () => {
    const preview = await execute(members[0], 'plan.preview', { ...inputs, week: '2027-06-07', cycles: '1' });
    const confirmed = await execute(
      members[0],
      'plan.confirm',
      actionsOf(preview.card).find((a) => a.verb === 'plan.confirm')!.data!,
    );
    expect(confirmed.text).toContain('Een Vitale Weekcyclus gepland voor Planners.');
    const link = actionsOf(confirmed.card).find((a) => a.type === 'Action.OpenUrl')!.url!;
    expect(link).toMatch(/\/api\/calendar\/.+\/nl\.ics\?exp=\d+&sig=/);
    const url = new URL(link);
    const response = await fetch(`${service.url}${url.pathname}${url.search}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/calendar');
    const calendar = new ICAL.Component(ICAL.parse(await response.text()));
    ICAL.TimezoneService.register(calendar.getFirstSubcomponent('vtimezone'));
    const events = calendar.getAllSubcomponents('vevent');
    expect(events).toHaveLength(4);
    const starts = events.map((e) =>
      (e.getFirstPropertyValue('dtstart') as { toJSDate(): Date }).toJSDate().toISOString(),
    );
    expect(starts.sort()).toEqual([
      '2027-06-07T07:30:00.000Z',
      '2027-06-08T07:30:00.000Z',
      '2027-06-09T07:30:00.000Z',
      '2027-06-10T07:30:00.000Z',
    ]);
    expect(events[0]!.getFirstPropertyValue('summary') as string).toContain('Vitale Weekcyclus Planners');

    const tampered = await fetch(`${service.url}${url.pathname.replace('nl.ics', 'en.ics')}${url.search}`);
    expect(tampered.status).toBe(404);
    const forged = await fetch(`${service.url}${url.pathname}?exp=99999999999&sig=${'A'.repeat(43)}`);
    expect(forged.status).toBe(404);
  });

  it("shows the planned sessions in each member's tab", async () => {
    const me = await callTabApi(service, 'GET', '/api/tab/me', `Dev ${TENANT_ID}:${members[2].aadObjectId}`);
    const upcoming = (me.body as { upcomingSessions: { circleName: string; start: string }[] })
      .upcomingSessions;
    expect(upcoming.length).toBeGreaterThanOrEqual(4);
    expect(upcoming[0]).toMatchObject({ circleName: 'Planners', start: '2027-05-10T07:30:00.000Z' });
  });

  it("names the holidays in the reader's language", async () => {
    const english = { ...members[0], locale: 'en-GB' };
    const response = await postActivity(
      service,
      cardExecute(connector.serviceUrl, english, 'plan.preview', inputs, chat),
    );
    const text = JSON.stringify(response.body);
    expect(text).toContain("week of 26 April 2027: no four working days in a row (King's Day 27 April 2027)");
  });

  it.each([
    ['a time outside working hours', { time: '22:00' }, 'Kies een tijd tussen 07:00 en 19:00.'],
    ['too many cycles', { cycles: '60' }, 'Kies 1 tot 52 cycli.'],
    [
      'a pause that ends before it starts',
      { pauseFrom: '2027-07-10', pauseTo: '2027-07-01' },
      'De pauze moet',
    ],
  ])('refuses %s on the form, planning nothing', async (_what, change, reason) => {
    const before = await cycles().countDocuments({});
    const answer = await execute(members[0], 'plan.preview', { ...inputs, ...change });
    expect(answer.text).toContain(reason);
    expect(answer.text).toContain('Plan een Vitale Weekcyclus');
    expect(await cycles().countDocuments({})).toBe(before);
  });

  it.each([
    ['a malformed date', { week: 'next monday' }],
    ['a forged submission id', { submissionId: 'x' }],
    ['a number as text far too long', { cycles: '99999999' }],
  ])('refuses forged confirmation data with %s', async (_what, forged) => {
    const before = await cycles().countDocuments({});
    const answer = await execute(members[0], 'plan.confirm', {
      ...inputs,
      submissionId: '3b8a0f6e-3c1e-4b65-8f0e-1f6d2c9b7a10',
      ...forged,
    });
    expect(answer.text).toContain('gegevens die ik niet kan lezen');
    expect(await cycles().countDocuments({})).toBe(before);
  });

  it("fills in how many cycles the planner's own traject still needs, as a hint they can change", async () => {
    await composeTraject(service, connector, members[2], { activeWeeksTarget: '20' });
    const planned = await cycles().countDocuments({ status: { $ne: 'cancelled' } });
    const form = await say(members[2], 'plan');
    const cyclesInput = form.body
      .flatMap((e) =>
        ((e as { columns?: { items: Record<string, unknown>[] }[] }).columns ?? []).flatMap((c) => c.items),
      )
      .find((i) => i.id === 'cycles');
    expect(cyclesInput).toMatchObject({ value: 20 - planned });
    expect(JSON.stringify(form)).toContain(
      `Chantal: voor jouw Prof-traject zijn nog ${20 - planned} cycli nodig om je doel van actieve weken te halen.`,
    );
  });

  it('needs a circle in the chat', async () => {
    const lonely = groupConversation();
    const card = await say(members[0], 'plan', lonely);
    expect(JSON.stringify(card)).toContain('Deze chat heeft nog geen Prof-cirkel');
  });

  describe('changing a planned cycle', () => {
    const cycleOf = async (week: string) => (await cycles().findOne({ weekStart: week }))!;
    let cycleId: string;

    beforeAll(async () => {
      cycleId = (await cycleOf('2027-05-10')).id as string;
    });

    it('offers each planned cycle on the plan card, and shows its sessions', async () => {
      const form = await say(members[0], 'plan');
      const manage = actionsOf(form).find((a) => a.verb === 'plan.manage' && a.data?.cycleId === cycleId)!;
      expect(manage).toBeDefined();
      const card = await execute(members[0], 'plan.manage', manage.data!);
      expect(card.text).toContain('Cyclus in de week van 10 mei 2027');
      expect(card.text).toContain('Sessie 2: dinsdag 11 mei, 09:30–10:30');
    });

    it('moves a session within its week, once, and refuses moves the rules do not allow', async () => {
      const move = (dayIndex: number, toDate: string, time: string, version: number) =>
        execute(members[0], 'plan.moveSession', {
          cycleId,
          version,
          dayIndex: String(dayIndex),
          toDate,
          time,
        });
      const moved = await move(1, '2027-05-14', '14:00', 1);
      expect(moved.text).toContain('Aangepast.');
      expect(moved.text).toContain('Sessie 2: vrijdag 14 mei, 14:00–15:00');
      const again = await move(1, '2027-05-14', '14:00', 1);
      expect(again.text).toContain('Dat was al zo');
      const stored = await cycleOf('2027-05-10');
      expect(stored.version).toBe(2);
      const session = (stored.sessions as { dayIndex: number; start: Date; sequence: number }[])[1]!;
      expect(session).toMatchObject({ dayIndex: 1, sequence: 1 });
      expect(session.start.toISOString()).toBe('2027-05-14T12:00:00.000Z');

      expect((await move(2, '2027-05-15', '10:00', 2)).text).toContain('Dat is geen werkdag.');
      expect((await move(2, '2027-05-18', '10:00', 2)).text).toContain(
        'Een sessie blijft in de week van haar cyclus',
      );
      expect((await move(2, '2027-05-10', '11:00', 2)).text).toContain('Op die dag is al een andere sessie');
      expect((await move(2, '2027-05-12', '21:00', 2)).text).toContain(
        'Kies een tijd tussen 07:00 en 19:00.',
      );
      // A card that showed version 1 cannot change what version 2 says.
      expect((await move(2, '2027-05-12', '11:00', 1)).text).toContain('De planning is intussen veranderd');
      expect((await cycleOf('2027-05-10')).version).toBe(2);
    });

    it('cancels a session and then the whole cycle; the calendar file and the tab say so', async () => {
      const cancelled = await execute(members[1], 'plan.cancelSession', { cycleId, version: 2, dayIndex: 2 });
      expect(cancelled.text).toContain('Sessie 3: woensdag 12 mei, 09:30–10:30 (geannuleerd)');
      const link = actionsOf(cancelled.card).find((a) => a.type === 'Action.OpenUrl')!.url!;
      const ics = await (
        await fetch(`${service.url}${new URL(link).pathname}${new URL(link).search}`)
      ).text();
      expect(ics.match(/STATUS:CANCELLED/g)).toHaveLength(1);

      const all = await execute(members[1], 'plan.cancelCycle', { cycleId, version: 3 });
      expect(all.text).toContain('Aangepast.');
      const stored = await cycleOf('2027-05-10');
      expect(stored.status).toBe('cancelled');
      expect((stored.sessions as { status: string }[]).every((x) => x.status === 'cancelled')).toBe(true);
      const again = await execute(members[1], 'plan.cancelCycle', { cycleId, version: 4 });
      expect(again.text).toContain('Dat was al zo');

      const me = await callTabApi(
        service,
        'GET',
        '/api/tab/me',
        `Dev ${TENANT_ID}:${members[2].aadObjectId}`,
      );
      const may = (
        me.body as { upcomingSessions: { start: string; status: string; joinUrl?: string }[] }
      ).upcomingSessions.filter((x) => x.start.startsWith('2027-05-1'));
      expect(may.length).toBeGreaterThan(0);
      expect(may.every((x) => x.status === 'cancelled')).toBe(true);
    });

    it("refuses changes from someone outside the circle, and a cycle of another chat's circle", async () => {
      const outsider = person('Otto Buiten');
      connector.rosters
        .get(chat.id)!
        .push({ id: `29:${outsider.aadObjectId}`, name: outsider.name, aadObjectId: outsider.aadObjectId });
      const other = (await cycleOf('2027-05-24')).id as string;
      const refused = await execute(outsider, 'plan.cancelCycle', { cycleId: other, version: 1 });
      expect(refused.text).toContain('Alleen leden van de cirkel');
      expect((await cycleOf('2027-05-24')).status).toBe('planned');

      const elsewhere = groupConversation();
      connector.rosters.set(elsewhere.id, rosterMembers(members));
      const form = await say(members[0], 'cirkel', elsewhere);
      await execute(
        members[0],
        'circle.form',
        {
          ...actionsOf(form).find((a) => a.verb === 'circle.form')!.data,
          name: 'Andere cirkel',
          members: members.map((p) => p.aadObjectId).join(','),
        },
        elsewhere,
      );
      const forged = await execute(members[0], 'plan.cancelCycle', { cycleId: other, version: 1 }, elsewhere);
      expect(forged.text).toContain('Deze cyclus bestaat niet (meer) in deze chat.');
      expect((await cycleOf('2027-05-24')).status).toBe('planned');
    });

    it('moves a whole cycle to another week, once, and refuses weeks that cannot take it', async () => {
      const from = await cycleOf('2027-05-24');
      const move = (toWeek: string, version = from.version as number) =>
        execute(members[0], 'plan.moveCycle', { cycleId: from.id, version, toWeek });
      expect((await move('2027-06-09')).text).toContain('In die week heeft de cirkel al een cyclus.');
      expect((await move('2027-05-05')).text).toContain('Die week heeft geen vier werkdagen op rij.');
      expect((await move('2027-05-26')).text).toContain('De cyclus staat al in die week.');

      const moved = await move('2027-06-16');
      expect(moved.text).toContain('De cyclus is verplaatst naar de week van 14 juni 2027');
      expect(moved.text).toContain('Sessie 1: maandag 14 juni, 09:30–10:30');
      const again = await move('2027-06-16');
      expect(again.text).toContain('De cyclus is verplaatst naar de week van 14 juni 2027');
      expect(await cycles().countDocuments({ weekStart: '2027-06-14' })).toBe(1);
      expect(await cycleOf('2027-05-24')).toMatchObject({ status: 'cancelled', movedTo: '2027-06-14' });
      expect(await cycleOf('2027-06-14')).toMatchObject({ status: 'planned', circleName: 'Planners' });
    });
  });
});
