import { randomUUID } from 'node:crypto';
import type { Service } from '../../bot/src/main';
import { person, TENANT_ID, type Person } from '../support/activities';
import { FakeBotConnector } from '../support/bot-connector.fake';
import { callTabApi, composeTraject } from '../support/flows';
import { seedCycle, seedProposal } from '../support/read-models';
import { startTestService } from '../support/service';

/** The professional's rights (AVG/GDPR): all their data as JSON, and erasure that leaves nothing findable. */
describe('data rights', () => {
  let connector: FakeBotConnector;
  let service: Service;
  const today = new Date().toISOString().slice(0, 10);
  const dev = (who: Person) => `Dev ${TENANT_ID}:${who.aadObjectId}`;

  /** Every document in every collection, as text. */
  async function everything(): Promise<string> {
    const db = service.mongo.db;
    const texts: string[] = [];
    for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
      texts.push(JSON.stringify(await db.collection(name).find({}).toArray()));
    }
    return texts.join('\n');
  }

  beforeAll(async () => {
    connector = await new FakeBotConnector().start();
    service = await startTestService({ TAB_DEV_MODE: 'true' });
  });
  afterAll(async () => {
    await service?.stop();
    await connector?.stop();
  });

  it('exports everything held about the person, and erases it all after confirmation', async () => {
    const sanne = person('Sanne de Vries');
    const boss = person('Bea Baas');
    const report = person('Ruben Rapport');
    await composeTraject(service, connector, sanne, {
      questions: '2',
      talents: 'Verbinden',
      learningNeeds: 'Presenteren',
      manager: boss.aadObjectId,
    });
    await composeTraject(service, connector, report, { manager: sanne.aadObjectId }); // someone names Sanne as their manager
    await callTabApi(service, 'POST', '/api/tab/me/time', dev(sanne), {
      id: randomUUID(),
      learningKind: 'book',
      what: 'Boek',
      date: today,
      minutes: 60,
    });
    await callTabApi(service, 'POST', '/api/tab/me/notes', dev(sanne), {
      id: randomUUID(),
      text: 'Mijn notitie',
      sharedWithManager: true,
    });

    const exported = await callTabApi(service, 'GET', '/api/tab/me/export', dev(sanne));
    expect(exported.status).toBe(200);
    expect(exported.body).toMatchObject({
      professional: {
        aadObjectId: sanne.aadObjectId,
        name: 'Sanne de Vries',
        managerAadObjectId: boss.aadObjectId,
      },
      traject: { talents: 'Verbinden', learningNeeds: 'Presenteren', questions: [2] },
      ledger: [expect.objectContaining({ what: 'Boek' }), expect.objectContaining({ text: 'Mijn notitie' })],
    });

    // She linked her circle's meeting once: who linked it goes with her, the link stays for the circle.
    await service.mongo.db.collection('meetingLinks').insertOne({
      _id: `${TENANT_ID}:19:meeting_erasure@thread.v2` as never,
      tenantId: TENANT_ID,
      meetingId: 'MCMxOTptZWV0aW5n',
      chat: { conversationId: '19:meeting_erasure@thread.v2' },
      circleId: 'circle-erasure',
      linkedBy: sanne.aadObjectId,
      linkedAt: new Date(),
    });
    const ids = [sanne.aadObjectId, `29:${sanne.aadObjectId}`];
    const before = await everything();
    for (const id of ids) expect(before).toContain(id);

    expect((await callTabApi(service, 'DELETE', '/api/tab/me', dev(sanne), {})).status).toBe(400);
    expect(
      (
        await callTabApi(service, 'DELETE', '/api/tab/me', dev(sanne), {
          confirm: `${TENANT_ID}:${report.aadObjectId}`,
        })
      ).status,
    ).toBe(400);
    expect(await everything()).toBe(before);

    const erased = await callTabApi(service, 'DELETE', '/api/tab/me', dev(sanne), {
      confirm: `${TENANT_ID}:${sanne.aadObjectId}`,
    });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({
      erased: { ledgerEntries: 2, managerLinks: 1, meetingLinksForgotten: 1 },
    });
    expect(
      await service.mongo.db.collection('meetingLinks').findOne({ circleId: 'circle-erasure' }),
    ).toMatchObject({ linkedBy: '' });
    const after = await everything();
    for (const id of ids) expect(after).not.toContain(id);
    expect(after).toContain(report.aadObjectId); // other people's data stays

    const again = await callTabApi(service, 'DELETE', '/api/tab/me', dev(sanne), {
      confirm: `${TENANT_ID}:${sanne.aadObjectId}`,
    });
    expect(again.body).toMatchObject({ erased: { ledgerEntries: 0, turnStates: 0, managerLinks: 0 } });
    expect((await callTabApi(service, 'GET', '/api/tab/me/export', dev(sanne))).body).toMatchObject({
      professional: null,
      traject: null,
      ledger: [],
    });
  });

  it("exports the person's sessions and proposals, and erasure keeps the circle's proposals without their name", async () => {
    const db = service.mongo.db;
    // The service itself serves the tab API (in development mode here).
    const tab = service;
    {
      const lotte = person('Lotte Mulder');
      const colleague = person('Karim Bakker');
      await composeTraject(service, connector, lotte);
      await seedCycle(db, {
        tenantId: TENANT_ID,
        circleName: 'Cirkel van Lotte',
        members: [lotte.aadObjectId, colleague.aadObjectId],
        firstInHours: 24,
      });
      const validated = await seedProposal(db, {
        tenantId: TENANT_ID,
        title: 'Samen het rooster maken',
        contributors: [colleague.aadObjectId, lotte.aadObjectId],
        status: 'validated',
        minutesAgo: 20,
      });
      await seedProposal(db, {
        tenantId: TENANT_ID,
        title: 'Alleen van Lotte',
        contributors: [lotte.aadObjectId],
        status: 'draft',
        minutesAgo: 10,
      });

      const exported = await callTabApi(tab, 'GET', '/api/tab/me/export', dev(lotte));
      expect(exported.status).toBe(200);
      expect(exported.body).toMatchObject({
        professional: { name: 'Lotte Mulder' },
        sessions: [0, 1, 2, 3].map((dayIndex): unknown =>
          expect.objectContaining({ circleName: 'Cirkel van Lotte', dayIndex }),
        ),
        proposals: [
          expect.objectContaining({ title: 'Alleen van Lotte', status: 'draft' }),
          expect.objectContaining({ title: 'Samen het rooster maken', status: 'validated' }),
        ],
      });

      const erased = await callTabApi(tab, 'DELETE', '/api/tab/me', dev(lotte), {
        confirm: `${TENANT_ID}:${lotte.aadObjectId}`,
      });
      expect(erased.status).toBe(200);
      expect(erased.body).toMatchObject({ erased: { cycleMemberships: 1, proposalsAnonymised: 2 } });
      expect(await everything()).not.toContain(lotte.aadObjectId);

      // The circle keeps its proposals; they count one anonymous contributor more.
      const kept = await db.collection('proposals').findOne({ id: validated.id });
      expect(kept).toMatchObject({
        title: 'Samen het rooster maken',
        status: 'validated',
        contributorAadObjectIds: [colleague.aadObjectId],
        anonymousContributors: 1,
      });
      // Her name goes from every text, also from names others gave things (issue 13).
      expect(await db.collection('proposals').countDocuments({ title: 'Alleen van een oud-lid' })).toBe(1);
      const colleagueSees = await callTabApi(tab, 'GET', '/api/tab/me', dev(colleague));
      expect(colleagueSees.body).toMatchObject({
        proposals: [expect.objectContaining({ title: 'Samen het rooster maken' })],
        upcomingSessions: expect.arrayContaining([
          expect.objectContaining({ circleName: 'Cirkel van een oud-lid' }),
        ]),
      });
      expect(JSON.stringify(colleagueSees.body)).not.toMatch(/Lotte|Mulder/);

      const again = await callTabApi(tab, 'DELETE', '/api/tab/me', dev(lotte), {
        confirm: `${TENANT_ID}:${lotte.aadObjectId}`,
      });
      expect(again.body).toMatchObject({ erased: { cycleMemberships: 0, proposalsAnonymised: 0 } });
      expect((await db.collection('proposals').findOne({ id: validated.id }))?.anonymousContributors).toBe(1);
    }
  });
});
