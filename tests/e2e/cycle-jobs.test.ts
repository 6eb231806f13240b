import { MongoClient } from 'mongodb';
import type { Service } from '../../bot/src/main';
import {
  cardExecute,
  groupConversation,
  message,
  person,
  type Person,
  rosterMembers,
} from '../support/activities';
import { FakeBotConnector } from '../support/bot-connector.fake';
import { postActivity, startTestService } from '../support/service';

interface Card {
  body: Record<string, unknown>[];
  actions?: { verb?: string; data?: Record<string, unknown> }[];
}

/**
 * What a planned cycle sets in motion, through the real scheduler and outbox on MongoDB: a reminder to each
 * member the day before, a kick-off card five minutes before each session; moved and cancelled sessions
 * move and cancel their jobs. Time is "travelled" by making a job due in the database, as the clock would.
 */
describe('reminders and kick-off cards of a planned cycle', () => {
  let connector: FakeBotConnector;
  let service: Service;
  let client: MongoClient;
  const members = [person('Lieke'), person('Mehmet'), person('Noor', 'en-US')] as [Person, Person, Person];
  const chat = groupConversation();
  const jobs = () => client.db(service.config.mongo.dbName).collection('jobs');
  let cycleId: string;

  beforeAll(async () => {
    connector = await new FakeBotConnector().start();
    service = await startTestService({ SCHEDULER_POLL_INTERVAL_MS: '500', OUTBOX_POLL_INTERVAL_MS: '100' });
    client = await MongoClient.connect(service.config.mongo.uri!);
    // Two members have a personal chat with the bot; the third never opened one.
    for (const who of members.slice(0, 2))
      await postActivity(service, message(connector.serviceUrl, who, 'hulp'));
    connector.rosters.set(chat.id, rosterMembers(members));
    await postActivity(
      service,
      message(connector.serviceUrl, members[0], '<at>Werkplekleren+</at> cirkel', chat),
    );
    const form = connector.messages(chat.id).at(-1)!.body.attachments![0]!.content as unknown as Card;
    await execute('circle.form', {
      ...form.actions!.find((a) => a.verb === 'circle.form')!.data,
      name: 'Herinneraars',
      members: members.map((p) => p.aadObjectId).join(','),
    });
    const preview = await execute('plan.preview', {
      week: '2027-03-01',
      startDay: 'auto',
      time: '09:00',
      cycles: '1',
      everyWeeks: '1',
      pauseFrom: '',
      pauseTo: '',
    });
    const confirmData = preview.card.actions!.find((a) => a.verb === 'plan.confirm')!.data!;
    await execute('plan.confirm', confirmData);
    await execute('plan.confirm', confirmData); // resent: nothing scheduled twice
    cycleId = (await client
      .db(service.config.mongo.dbName)
      .collection('cycles')
      .findOne({ weekStart: '2027-03-01' }))!.id as string;
  });
  afterAll(async () => {
    await client?.close();
    await service?.stop();
    await connector?.stop();
  });

  async function execute(verb: string, data: Record<string, unknown>) {
    const response = await postActivity(
      service,
      cardExecute(connector.serviceUrl, members[0], verb, data, chat),
    );
    const body = response.body as { statusCode: number; value: Card };
    expect(body.statusCode).toBe(200);
    return { card: body.value, text: JSON.stringify(body.value) };
  }

  const makeDue = (key: string) =>
    jobs().updateOne({ key }, { $set: { runAt: new Date(Date.now() - 1000) } });

  it('schedules one reminder the day before and a kick-off five minutes before each session', async () => {
    const scheduled = await jobs()
      .find({ key: { $regex: cycleId } })
      .sort({ key: 1 })
      .toArray();
    expect(scheduled.map((j) => [j.key as string, (j.runAt as Date).toISOString()])).toEqual([
      [`cycle-reminder:${cycleId}`, '2027-02-28T08:00:00.000Z'],
      [`session-kickoff:${cycleId}:0`, '2027-03-01T07:55:00.000Z'],
      [`session-kickoff:${cycleId}:1`, '2027-03-02T07:55:00.000Z'],
      [`session-kickoff:${cycleId}:2`, '2027-03-03T07:55:00.000Z'],
      [`session-kickoff:${cycleId}:3`, '2027-03-04T07:55:00.000Z'],
    ]);
  });

  it('sends the reminder once to each member with a personal chat, in their language', async () => {
    await makeDue(`cycle-reminder:${cycleId}`);
    const personal = (who: Person) => `a:1${who.aadObjectId.replace(/-/g, '')}`;
    const reminderIn = (who: Person) =>
      connector.messages(personal(who)).filter((r) => JSON.stringify(r.body).includes('Herinneraars'));
    await connector.waitFor(() => reminderIn(members[0]).length > 0 && reminderIn(members[1]).length > 0);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // a second poll or two: nothing more arrives
    expect(reminderIn(members[0])).toHaveLength(1);
    expect(reminderIn(members[1])).toHaveLength(1);
    expect(JSON.stringify(reminderIn(members[0])[0]!.body)).toContain(
      'Morgen begint jullie Vitale Weekcyclus',
    );
    expect(JSON.stringify(reminderIn(members[0])[0]!.body)).toContain('maandag 1 maart, 09:00–10:00');
    expect(reminderIn(members[2])).toHaveLength(0);
    expect(await jobs().findOne({ key: `cycle-reminder:${cycleId}` })).toMatchObject({ status: 'done' });
  });

  it('moves a kick-off with its session, cancels it with its session, and posts a due one in the circle chat once', async () => {
    const cycles = client.db(service.config.mongo.dbName).collection('cycles');
    let cycle = (await cycles.findOne({ id: cycleId }))!;
    await execute('plan.moveSession', {
      cycleId,
      version: cycle.version,
      dayIndex: '1',
      toDate: '2027-03-05',
      time: '14:00',
    });
    expect((await jobs().findOne({ key: `session-kickoff:${cycleId}:1` }))!.runAt).toEqual(
      new Date('2027-03-05T12:55:00.000Z'),
    );
    cycle = (await cycles.findOne({ id: cycleId }))!;
    await execute('plan.cancelSession', { cycleId, version: cycle.version, dayIndex: 2 });
    expect(await jobs().findOne({ key: `session-kickoff:${cycleId}:2` })).toMatchObject({
      status: 'cancelled',
    });

    const kickoffs = () =>
      connector.messages(chat.id).filter((r) => JSON.stringify(r.body).includes('Start de sessie'));
    await makeDue(`session-kickoff:${cycleId}:0`);
    await connector.waitFor(() => kickoffs().length > 0);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(kickoffs()).toHaveLength(1);
    // The kick-off is the session's own card: session 1 of 4 is open, once, whoever comes first.
    expect(JSON.stringify(kickoffs()[0]!.body)).toContain('Sessie 1 van 4 · ');
    const sessions = client.db(service.config.mongo.dbName).collection('sessions');
    expect(await sessions.countDocuments({ cycleId })).toBe(1);
  });
});
