import { MongoClient } from 'mongodb';
import type { Service } from '../../bot/src/main';
import { MongoScheduler } from '../../bot/src/store/mongo-scheduler';
import { person, TENANT_ID, type Person } from '../support/activities';
import { FakeBotConnector } from '../support/bot-connector.fake';
import { seedPlannedCycle } from '../support/read-models';
import { startTestService } from '../support/service';
import { cardProblems, formCircle, linkMeeting, SessionDriver, type Json } from '../support/sessions';

const text = (card: unknown) => JSON.stringify(card);

/**
 * The sessions of one Vital Week Cycle: each day's session is opened by its kick-off job (through the
 * outbox, once), and the next day opens with yesterday's proposal, its open questions and its work situation.
 */
describe('the days of a cycle', () => {
  let connector: FakeBotConnector;
  let service: Service;
  let client: MongoClient;
  const members = [person('Joris'), person('Karin'), person('Lotte')] as [Person, Person, Person];
  let circleId: string;
  let chat: { id: string };
  let cycleId: string;
  const db = () => client.db(service.config.mongo.dbName);

  beforeAll(async () => {
    connector = await new FakeBotConnector().start();
    service = await startTestService({ SCHEDULER_POLL_INTERVAL_MS: '500', OUTBOX_POLL_INTERVAL_MS: '100' });
    client = await MongoClient.connect(service.config.mongo.uri!);
    ({ circleId, chat } = await formCircle(service, connector, client, members, 'Weekcyclisten'));
    ({ cycleId } = await seedPlannedCycle(db(), {
      tenantId: TENANT_ID,
      circleId,
      circleName: 'Weekcyclisten',
      members: members.map((p) => p.aadObjectId),
      weekStart: '2027-03-01',
    }));
  });
  afterAll(async () => {
    await client?.close();
    await service?.stop();
    await connector?.stop();
  });

  /** Makes the day's kick-off job due now (the job the planner schedules five minutes before a session). */
  async function kickOff(
    dayIndex: number,
    plan: { cycleId: string; circleId: string; chat: { id: string } } = { cycleId, circleId, chat },
  ): Promise<{ session: SessionDriver; card: Json }> {
    const { cycleId: cycle, circleId: circle, chat: where } = plan;
    await new MongoScheduler(db()).schedule({
      key: `session-kickoff:${cycle}:${dayIndex}`,
      name: 'session.kickoff',
      runAt: new Date(Date.now() - 1000),
      data: { tenantId: TENANT_ID, cycleId: cycle, dayIndex },
    });
    const sessionId = `${TENANT_ID}:${circle}:${cycle}:${dayIndex}`;
    const deliveries = db().collection('deliveries');
    await connector.waitFor(() =>
      connector.messages(where.id).some((r) => text(r.body).includes(`Sessie ${dayIndex + 1} van 4`)),
    );
    // The outbox notes the Bot Connector's answer just after it arrives.
    let delivery = await deliveries.findOne({ key: `session-card:${sessionId}` });
    for (let i = 0; i < 50 && delivery?.status !== 'sent'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      delivery = await deliveries.findOne({ key: `session-card:${sessionId}` });
    }
    expect(delivery).toMatchObject({ status: 'sent', activityId: expect.any(String) });
    const sent = connector
      .messages(where.id)
      .filter((r) => text(r.body).includes(`Sessie ${dayIndex + 1} van 4`));
    expect(sent).toHaveLength(1);
    const session = new SessionDriver(service, connector, where, undefined, delivery!.activityId as string);
    return { session, card: sent[0]!.body.attachments![0]!.content };
  }

  it('opens each day by its kick-off job, and the next day with yesterday’s proposal and open questions', async () => {
    const day1 = await kickOff(0);
    const [joris, karin] = members;
    let card = await day1.session.press(joris, day1.card, 'session.begin', {
      frameId: 'standaard',
      situation: 'new',
      newSituation: 'Roosters worden te laat bekend',
      question: '5',
      anonymous: 'false',
      timebox0: '5',
      timebox1: '5',
      timebox2: '10',
      timebox3: '5',
      timebox4: '10',
    });
    expect(text(card)).toContain('Stap 1 van 5');
    expect(text(card)).toContain('5 minuten, tot');
    card = await day1.session.press(joris, card, 'session.move', {}, (d) => d.to === 1);
    card = await day1.session.press(karin, card, 'session.contribute', {
      contribution: 'Roosters pas op vrijdag',
    });
    card = await day1.session.press(karin, card, 'session.move', {}, (d) => d.to === 2);
    card = await day1.session.press(karin, card, 'session.contribute', {
      contribution: 'Rooster vier weken vooruit',
    });
    card = await day1.session.press(karin, card, 'session.move', {}, (d) => d.to === 3);
    expect(text(card)).toContain('Samengesteld uit jullie eigen bijdragen, in jullie eigen woorden.');
    card = await day1.session.press(joris, card, 'session.move', {}, (d) => d.to === 4);
    card = await day1.session.press(joris, card, 'session.decide', {}, (d) => d.decision === 'adopt');
    expect(text(card)).toContain('Voorstel overgenomen: Verbetervoorstel van Weekcyclisten');
    // The circle's time boxes are kept for its next sessions.
    const circle = await db().collection('circles').findOne({ id: circleId });
    expect(circle!.sessionSettings).toEqual({ timeboxes: [5, 5, 10, 5, 10], anonymousBrainstorm: false });

    const day2 = await kickOff(1);
    expect(text(day2.card)).toContain('Van eerdere dagen in deze cyclus');
    expect(text(day2.card)).toContain('Dag 1: Verbetervoorstel van Weekcyclisten (overgenomen)');
    expect(text(day2.card)).toContain('Open vragen');
    expect(text(day2.card)).toContain('Wie merkt de verandering als eerste');
    expect(text(day2.card)).toContain('Verder met: Roosters worden te laat bekend');
    expect(cardProblems(day2.card)).toEqual([]);
    const carried = await day2.session.press(karin, day2.card, 'session.begin', {
      frameId: 'standaard',
      situation: `${TENANT_ID}:${circleId}:${cycleId}:0`,
      question: '5',
      anonymous: 'false',
      timebox0: '5',
      timebox1: '5',
      timebox2: '10',
      timebox3: '5',
      timebox4: '10',
    });
    expect(text(carried)).toContain('Roosters worden te laat bekend');
    expect(text(carried)).toContain('Sessie 2 van 4 · Weekcyclisten');
    // A kick-off job that runs again (a second replica, a retry) opens nothing and sends nothing twice.
    await new MongoScheduler(db()).schedule({
      key: `session-kickoff-again:${cycleId}:1`,
      name: 'session.kickoff',
      runAt: new Date(Date.now() - 1000),
      data: { tenantId: TENANT_ID, cycleId, dayIndex: 1 },
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const posted = connector.messages(chat.id).filter((r) => r.method === 'POST');
    expect(posted.filter((r) => text(r.body).includes('Sessie 2 van 4'))).toHaveLength(1);
    expect(await db().collection('sessions').countDocuments({ circleId })).toBe(2);
  });

  it('moves the card to the meeting chat when `start` is said there for a session the kick-off opened in the circle chat', async () => {
    const people = [person('Mila'), person('Noor'), person('Omar')] as [Person, Person, Person];
    const second = await formCircle(service, connector, client, people, 'Vergaderkring');
    // A cycle whose first session is today (in Amsterdam), so `start` today finds that session.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(new Date());
    const plan = await seedPlannedCycle(db(), {
      tenantId: TENANT_ID,
      circleId: second.circleId,
      circleName: 'Vergaderkring',
      members: people.map((p) => p.aadObjectId),
      weekStart: today,
    });
    // The kick-off opens it in the circle's chat (no meeting linked yet); then the circle meets in Teams.
    await kickOff(0, { cycleId: plan.cycleId, circleId: second.circleId, chat: second.chat });
    const meeting = await linkMeeting(service, connector, people[0], second.circleId);
    const inMeeting = new SessionDriver(service, connector, meeting.conversation, meeting.meetingId, '');
    await inMeeting.say(people[1], 'start');
    const posted = connector
      .messages(meeting.conversation.id)
      .filter((r) => text(r.body).includes('Sessie 1 van 4 · Vergaderkring'));
    expect(posted).toHaveLength(1);
    const sessionId = `${TENANT_ID}:${second.circleId}:${plan.cycleId}:0`;
    const stored = await db()
      .collection('sessions')
      .findOne({ _id: sessionId as never });
    inMeeting.cardActivityId = stored!.state.cardActivityId as string;
    await inMeeting.press(
      people[1],
      posted[0]!.body.attachments![0]!.content,
      'session.checkin',
      {},
      (d) => d.energy === 5,
    );
    // The shared card is updated where it now is: in the meeting's chat.
    const updated = await inMeeting.waitForUpdate((c) => c.includes('(1 van '));
    expect(text(updated)).toContain('Sessie 1 van 4 · Vergaderkring');
    expect(await db().collection('sessions').countDocuments({ circleId: second.circleId })).toBe(1);
  });
});
