import { randomUUID } from 'node:crypto';
import type { Service } from '../../bot/src/main';
import { person, TENANT_ID } from '../support/activities';
import { FakeBotConnector } from '../support/bot-connector.fake';
import { callTabApi, composeTraject } from '../support/flows';
import { startTestService } from '../support/service';

/**
 * A manager's view: the professional names their manager on the traject card; the manager then sees, per
 * person, only what the concept allows.
 */
describe("the manager's view", () => {
  let connector: FakeBotConnector;
  let service: Service;
  const manager = randomUUID();
  const otherManager = randomUUID();
  const today = new Date().toISOString().slice(0, 10);
  const secrets = {
    talents: 'GEHEIM-talent: ik teken graag',
    learningNeeds: 'GEHEIM-leerbehoefte: omgaan met conflicten',
    privateNote: 'GEHEIM-notitie: ik twijfel over mijn rol',
    timeWhat: 'GEHEIM-bron: cursus over burn-out',
  };

  const secretsInputs = { talents: secrets.talents, learningNeeds: secrets.learningNeeds };
  const dev = (aadObjectId: string) => `Dev ${TENANT_ID}:${aadObjectId}`;

  const sanne = person('Sanne de Vries');
  const noah = person('Noah Jansen');
  const eve = person('Eve Peters');

  beforeAll(async () => {
    connector = await new FakeBotConnector().start();
    service = await startTestService({ TAB_DEV_MODE: 'true' });
    expect(await composeTraject(service, connector, sanne, { ...secretsInputs, manager })).toContain(
      'Opgeslagen.',
    );
    expect(await composeTraject(service, connector, noah, { ...secretsInputs, manager })).toContain(
      'Opgeslagen.',
    );
    expect(
      await composeTraject(service, connector, eve, { ...secretsInputs, manager: otherManager }),
    ).toContain('Opgeslagen.');
    const who = dev(sanne.aadObjectId);
    await callTabApi(service, 'POST', '/api/tab/me/time', who, {
      id: randomUUID(),
      learningKind: 'course',
      what: secrets.timeWhat,
      date: today,
      minutes: 90,
    });
    await callTabApi(service, 'POST', '/api/tab/me/notes', who, {
      id: randomUUID(),
      text: secrets.privateNote,
    });
    await callTabApi(service, 'POST', '/api/tab/me/notes', who, {
      id: randomUUID(),
      text: 'Ik deel graag: ik presenteer rustiger.',
      sharedWithManager: true,
    });
  });
  afterAll(async () => {
    await service?.stop();
    await connector?.stop();
  });

  it('lists exactly the people who named the signed-in manager, with only what the concept allows', async () => {
    const response = await callTabApi(service, 'GET', '/api/tab/reports', dev(manager));
    expect(response.status).toBe(200);
    const reports = response.body.reports as Record<string, unknown>[];
    expect(reports.map((r) => r.name)).toEqual(['Noah Jansen', 'Sanne de Vries']);
    const sanneView = reports.find((r) => r.name === 'Sanne de Vries')!;
    expect(Object.keys(sanneView).sort()).toEqual([
      'activeWeeks',
      'id',
      'name',
      'nextConversation',
      'nudgeUndelivered',
      'proposals',
      'sharedNotes',
      'time',
      'validatedProposals',
    ]);
    expect(sanneView).toMatchObject({
      activeWeeks: { done: 0, target: 20 },
      time: { minutesUsed: 90, hoursMadeAvailable: 80 },
      validatedProposals: 0,
      proposals: [],
      sharedNotes: [{ text: 'Ik deel graag: ik presenteer rustiger.' }],
    });
    for (const secret of Object.values(secrets)) expect(response.text).not.toContain(secret);
  });

  it("refuses anyone who does not report to the manager, and a professional's own reports are theirs alone", async () => {
    const eveId = `${TENANT_ID}:${eve.aadObjectId}`;
    expect(
      (await callTabApi(service, 'GET', `/api/tab/reports/${encodeURIComponent(eveId)}`, dev(manager)))
        .status,
    ).toBe(403);
    const own = await callTabApi(
      service,
      'GET',
      `/api/tab/reports/${encodeURIComponent(eveId)}`,
      dev(otherManager),
    );
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ name: 'Eve Peters' });
    expect((await callTabApi(service, 'GET', '/api/tab/reports', dev(sanne.aadObjectId))).body).toEqual({
      conversations: { due: 0, heldOnTime: 0, heldLate: 0, open: 0 },
      reports: [],
    });
  });

  it.each([
    ['not an Entra object id', 'mijn baas'],
    ['the professional themself', 'self'],
  ])('refuses a manager that is %s, and saves nothing', async (_name, value) => {
    const lotte = person('Lotte Mulder');
    const text = await composeTraject(service, connector, lotte, {
      manager: value === 'self' ? lotte.aadObjectId : value,
    });
    expect(text).toContain('Nog niet opgeslagen');
    const me = await callTabApi(service, 'GET', '/api/tab/me', dev(lotte.aadObjectId));
    expect(me.body.traject).toBeNull();
  });
});
