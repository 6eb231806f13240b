import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import type { Service } from '../../bot/src/main';
import { cardExecute, person, personalInstall, TENANT_ID, type Person } from '../support/activities';
import { FakeBotConnector } from '../support/bot-connector.fake';
import { actionFor, cardProblems } from '../support/cards';
import { callTabApi, composeTraject } from '../support/flows';
import { seedProposal } from '../support/read-models';
import { postActivity, startTestService } from '../support/service';

const text = (card: unknown) => JSON.stringify(card);
const addMonths = (date: string, months: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), last));
  return target.toISOString().slice(0, 10);
};

/**
 * Talent-development conversations: planned when a traject is saved with a manager, a nudge to the manager
 * (only what the professional accounts for), buttons that only the right person can use, and the next one
 * planned when it was held.
 */
describe('talent-development conversations', () => {
  let connector: FakeBotConnector;
  let service: Service;
  let client: MongoClient;
  const db = () => client.db(service.config.mongo.dbName);
  const sanne = person('Sanne Smit');
  const ruben = person('Ruben Manager', 'en-GB', 'America/New_York');
  const colleague = person('Collega Nieuwsgierig');
  const jobs = () => db().collection('jobs');
  const personalChat = (who: Person) => `a:1${who.aadObjectId.replace(/-/g, '')}`;
  let conversationId: string;
  const start = new Date().toISOString().slice(0, 10);

  beforeAll(async () => {
    connector = await new FakeBotConnector().start();
    service = await startTestService({
      SCHEDULER_POLL_INTERVAL_MS: '500',
      OUTBOX_POLL_INTERVAL_MS: '100',
      TAB_DEV_MODE: 'true',
    });
    client = await MongoClient.connect(service.config.mongo.uri!);
    for (const who of [sanne, ruben, colleague])
      await postActivity(service, personalInstall(connector.serviceUrl, who));
    expect(
      await composeTraject(service, connector, sanne, { manager: ruben.aadObjectId, startDate: start }),
    ).toContain('Prof-traject');
  });
  afterAll(async () => {
    await client?.close();
    await service?.stop();
    await connector?.stop();
  });

  it('plans the first conversation six months after the start, with nudges in working hours in each zone', async () => {
    const conversations = await db().collection('talentConversations').find({}).toArray();
    expect(conversations).toHaveLength(1);
    const due = addMonths(start, 6);
    expect(conversations[0]).toMatchObject({
      dueDate: due,
      status: 'planned',
      managerAadObjectId: ruben.aadObjectId,
    });
    conversationId = conversations[0]!.id as string;
    const scheduled = await jobs()
      .find({ key: { $regex: `^talent-` } })
      .toArray();
    const byKey = new Map(scheduled.map((j) => [j.key as string, j.runAt as Date]));
    // The manager in New York: 09:00 there; the professional in Amsterdam: 09:00 there.
    const at7 = byKey.get(`talent-nudge:${conversationId}:${due}:7`)!;
    const at1 = byKey.get(`talent-nudge:${conversationId}:${due}:1`)!;
    const prep = byKey.get(`talent-preparation:${conversationId}:${due}`)!;
    expect(
      new Intl.DateTimeFormat('en-GB', {
        timeZone: 'America/New_York',
        hour: '2-digit',
        minute: '2-digit',
      }).format(at7),
    ).toBe('09:00');
    expect(
      new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Amsterdam',
        hour: '2-digit',
        minute: '2-digit',
      }).format(prep),
    ).toBe('09:00');
    for (const at of [at7, at1, prep]) {
      const weekday = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short' }).format(at);
      expect(['Sat', 'Sun']).not.toContain(weekday);
      expect(at.getTime()).toBeLessThan(Date.parse(`${due}T00:00:00Z`));
    }
    expect(at1.getTime()).toBeGreaterThan(at7.getTime());
  });

  it('nudges the manager with what the professional accounts for, and nothing else', async () => {
    await seedProposal(db(), {
      tenantId: TENANT_ID,
      title: 'Zichtbaar voorstel',
      contributors: [sanne.aadObjectId],
      status: 'validated',
      minutesAgo: 5,
    });
    await seedProposal(db(), {
      tenantId: TENANT_ID,
      title: 'Geheim concept',
      contributors: [sanne.aadObjectId],
      status: 'draft',
      minutesAgo: 4,
    });
    await seedProposal(db(), {
      tenantId: TENANT_ID,
      title: 'Afgewezen idee',
      contributors: [sanne.aadObjectId],
      status: 'rejected',
      minutesAgo: 3,
    });
    const as = `Dev ${TENANT_ID}:${sanne.aadObjectId}`;
    await callTabApi(service, 'POST', '/api/tab/me/notes', as, {
      id: randomUUID(),
      text: 'Gedeelde groei',
      sharedWithManager: true,
    });
    await callTabApi(service, 'POST', '/api/tab/me/notes', as, {
      id: randomUUID(),
      text: 'Privé twijfel',
      sharedWithManager: false,
    });

    const due = addMonths(start, 6);
    await jobs().updateOne(
      { key: `talent-nudge:${conversationId}:${due}:7` },
      { $set: { runAt: new Date(Date.now() - 1000) } },
    );
    const nudges = () =>
      connector
        .messages(personalChat(ruben))
        .filter((r) => text(r.body).includes('Talent-development conversation with Sanne Smit'));
    await connector.waitFor(() => nudges().length > 0);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(nudges()).toHaveLength(1);
    const card = nudges()[0]!.body.attachments![0]!.content;
    expect(cardProblems(card)).toEqual([]);
    const body = text(card);
    expect(body).toContain('in 7 days');
    expect(body).toContain('Zichtbaar voorstel');
    expect(body).toContain('Gedeelde groei');
    expect(body).toContain('What can the organisation do for you');
    for (const secret of ['Geheim concept', 'Afgewezen idee', 'Privé twijfel', 'Rust brengen', 'AI kritisch'])
      expect(body).not.toContain(secret);
    expect(actionFor(card, 'talent.held')).toBeDefined();
  });

  it('refuses someone else’s buttons and forged data, and rolls the next conversation forward when held', async () => {
    const conversation = (await db().collection('talentConversations').findOne({ id: conversationId }))!;
    const held = {
      conversationId,
      version: conversation.version,
      heldOn: new Date().toISOString().slice(0, 10),
      agreements: 'Cursus presenteren',
    };
    const answer = async (who: Person, verb: string, data: Record<string, unknown>) =>
      text((await postActivity(service, cardExecute(connector.serviceUrl, who, verb, data))).body);

    expect(await answer(colleague, 'talent.held', held)).toContain('Alleen de leidinggevende');
    expect(await answer(sanne, 'talent.held', held)).toContain('Alleen de leidinggevende');
    expect(
      await answer(colleague, 'talent.move', {
        conversationId,
        version: conversation.version,
        date: addMonths(start, 7),
      }),
    ).toContain('niet van jou');
    expect(
      await answer(ruben, 'talent.held', {
        ...held,
        conversationId: conversationId.replace(TENANT_ID, randomUUID()),
      }),
    ).toContain('do not know');
    expect(await answer(ruben, 'talent.held', { conversationId, version: 'x' })).toContain('cannot read');
    expect(await db().collection('talentConversations').findOne({ id: conversationId })).toMatchObject({
      status: 'planned',
      version: conversation.version,
    });

    expect(await answer(ruben, 'talent.held', held)).toContain('Recorded: held on');
    // Teams resends the invoke: nothing twice.
    expect(await answer(ruben, 'talent.held', held)).toContain('Recorded: held on');
    const all = await db().collection('talentConversations').find({}).sort({ seq: 1 }).toArray();
    expect(all.map((c) => c.status as string)).toEqual(['held', 'planned']);
    expect(all[0]).toMatchObject({ agreements: 'Cursus presenteren' });
    // Held early: the next one keeps the rhythm, six months after the planned date.
    expect(all[1]!.dueDate).toBe(addMonths(addMonths(start, 6), 6));
    // The old nudges are cancelled; the new conversation has its own.
    const due = addMonths(start, 6);
    expect(await jobs().findOne({ key: `talent-nudge:${conversationId}:${due}:1` })).toMatchObject({
      status: 'cancelled',
    });
    expect(
      await jobs().countDocuments({
        key: { $regex: `^talent-nudge:${all[1]!.id as string}:` },
        status: 'scheduled',
      }),
    ).toBe(2);
  });

  it('lets the professional move the date: the old nudges are cancelled and new ones planned', async () => {
    const open = (await db().collection('talentConversations').findOne({ status: 'planned' }))!;
    const newDate = addMonths(open.dueDate as string, -1);
    const moved = await postActivity(
      service,
      cardExecute(connector.serviceUrl, sanne, 'talent.move', {
        conversationId: open.id,
        version: open.version,
        date: newDate,
      }),
    );
    expect(text(moved.body)).toContain('Het gesprek staat nu op');
    expect(
      await jobs().findOne({ key: `talent-nudge:${open.id as string}:${open.dueDate as string}:7` }),
    ).toMatchObject({ status: 'cancelled' });
    expect(await jobs().findOne({ key: `talent-nudge:${open.id as string}:${newDate}:7` })).toMatchObject({
      status: 'scheduled',
    });
    const past = await postActivity(
      service,
      cardExecute(connector.serviceUrl, sanne, 'talent.move', {
        conversationId: open.id,
        version: open.version + 1,
        date: '2020-01-01',
      }),
    );
    expect(text(past.body)).toContain('Kies een datum vanaf vandaag');
  });

  it('sends the professional a preparation card whose note reaches the manager, once', async () => {
    const open = (await db().collection('talentConversations').findOne({ status: 'planned' }))!;
    await jobs().updateOne(
      { key: `talent-preparation:${open.id as string}:${open.dueDate as string}` },
      { $set: { runAt: new Date(Date.now() - 1000) } },
    );
    const preps = () =>
      connector
        .messages(personalChat(sanne))
        .filter((r) => text(r.body).includes('Over een week: je talentontwikkelgesprek met Ruben Manager'));
    await connector.waitFor(() => preps().length > 0);
    const card = preps()[0]!.body.attachments![0]!.content;
    expect(cardProblems(card)).toEqual([]);
    expect(text(card)).toContain('Zichtbaar voorstel');
    const share = actionFor(card, 'talent.note')!;
    const press = (who: Person, note: string) =>
      postActivity(service, cardExecute(connector.serviceUrl, who, 'talent.note', { ...share.data, note }));
    expect(text((await press(ruben, 'Niet van mij')).body)).toContain('This conversation is not yours');
    expect(text((await press(sanne, 'Ik wil meer presenteren')).body)).toContain('Gedeeld.');
    expect(text((await press(sanne, 'Ik wil meer presenteren')).body)).toContain('Gedeeld.'); // resent
    const reports = await callTabApi(
      service,
      'GET',
      '/api/tab/reports',
      `Dev ${TENANT_ID}:${ruben.aadObjectId}`,
    );
    const shared = text(reports.body);
    expect(shared.match(/Ik wil meer presenteren/g)).toHaveLength(1);
    expect(shared).not.toContain('Niet van mij');
  });

  it('sends nothing more once the professional’s data is erased (the traject and conversations are gone)', async () => {
    const open = (await db().collection('talentConversations').findOne({ status: 'planned' }))!;
    const as = `Dev ${TENANT_ID}:${sanne.aadObjectId}`;
    expect(
      (
        await callTabApi(service, 'DELETE', '/api/tab/me', as, {
          confirm: `${TENANT_ID}:${sanne.aadObjectId}`,
        })
      ).status,
    ).toBe(200);
    expect(await db().collection('talentConversations').countDocuments({})).toBe(0);
    const before = connector.messages(personalChat(ruben)).length;
    // The nudges that were planned fall due: they find no conversation and send nothing.
    await jobs().updateMany(
      { key: { $regex: `^talent-(nudge|preparation|reminder):${open.id as string}:` }, status: 'scheduled' },
      { $set: { runAt: new Date(Date.now() - 1000) } },
    );
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(
      await jobs().countDocuments({
        key: { $regex: `^talent-nudge:${open.id as string}:` },
        status: 'scheduled',
      }),
    ).toBe(0);
    expect(connector.messages(personalChat(ruben))).toHaveLength(before);
  });
});
