import { randomUUID } from 'node:crypto';
import { generateKeyPair } from 'jose';
import type { Service } from '../../bot/src/main';
import { TrajectService } from '../../bot/src/domain/traject.service';
import { ensureIndexes } from '../../bot/src/store/collections';
import { MongoProfessionalRepository } from '../../bot/src/store/mongo-professional.repository';
import { MongoTrajectRepository } from '../../bot/src/store/mongo-traject.repository';
import { TENANT_ID } from '../support/activities';
import { FakeEntra } from '../support/entra.fake';
import { callTabApi } from '../support/flows';
import { openTestDatabase, type TestDatabase } from '../support/mongo';
import { seedCycle, seedProposal, teamsJoinUrl } from '../support/read-models';
import { startTestService } from '../support/service';

const AUDIENCE = 'api://werkplekleren.example.nl/3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';

describe('the tab API', () => {
  let entra: FakeEntra;
  let service: Service;
  const me = { tid: TENANT_ID, oid: randomUUID(), name: 'Sanne de Vries' };
  const other = { tid: TENANT_ID, oid: randomUUID() };

  async function get(path: string, authorization?: string) {
    const response = await fetch(`${service.url}${path}`, {
      headers: authorization ? { authorization } : {},
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  beforeAll(async () => {
    entra = await new FakeEntra().start();
    service = await startTestService({ TAB_SSO_AUDIENCE: AUDIENCE, ENTRA_JWKS_URL: entra.jwksUrl });
    const trajects = new TrajectService(new MongoTrajectRepository(service.mongo.db), {
      clock: () => new Date(),
      newId: randomUUID,
    });
    const plan = {
      startDate: new Date().toISOString().slice(0, 10),
      durationMonths: 6,
      activeWeeksTarget: 20,
      hoursPerWeek: 4,
      questions: [1, 9] as const,
      talents: 'Luisteren',
      learningNeeds: 'Plannen',
    };
    for (const who of [me, other]) {
      const outcome = await trajects.save(
        { tenantId: who.tid, aadObjectId: who.oid },
        { ...plan, questions: [...plan.questions] },
        { expectedVersion: 0, submissionId: randomUUID() },
      );
      expect(outcome.kind).toBe('saved');
    }
  });
  afterAll(async () => {
    await service?.stop();
    await entra?.stop();
  });

  it('answers the signed-in professional with their own traject', async () => {
    const token = await entra.token({ ...me, aud: AUDIENCE });
    const response = await get('/api/tab/me', `Bearer ${token}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      me: { id: `${me.tid}:${me.oid}`, name: 'Sanne de Vries' },
      traject: { durationMonths: 6, hoursMadeAvailable: 80, questions: [1, 9], used: { minutesUsed: 0 } },
    });
    const own = await get(
      `/api/tab/professionals/${encodeURIComponent(`${me.tid}:${me.oid}`)}/traject`,
      `Bearer ${token}`,
    );
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ activeWeeksTarget: 20 });
  });

  it("refuses someone else's traject with 403", async () => {
    const token = await entra.token({ ...me, aud: AUDIENCE });
    const response = await get(
      `/api/tab/professionals/${encodeURIComponent(`${other.tid}:${other.oid}`)}/traject`,
      `Bearer ${token}`,
    );
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ error: { code: 'FORBIDDEN', message: expect.any(String) } });
  });

  it.each<[string, () => Promise<string | undefined> | string | undefined]>([
    ['no token', () => undefined],
    ['not a bearer token', () => 'Basic dXNlcjpwYXNz'],
    ['a token that is not a JWT', () => 'Bearer not.a.jwt'],
    [
      'an expired token',
      async () => `Bearer ${await entra.token({ ...me, aud: AUDIENCE, expiresIn: -3600 })}`,
    ],
    [
      'a token for another audience',
      async () => `Bearer ${await entra.token({ ...me, aud: 'api://other.example/app' })}`,
    ],
    [
      'a token signed by a key Entra never published',
      async () =>
        `Bearer ${await entra.token({ ...me, aud: AUDIENCE }, (await generateKeyPair('RS256')).privateKey)}`,
    ],
    [
      'a token whose issuer is another tenant',
      async () =>
        `Bearer ${await entra.token({ ...me, aud: AUDIENCE, iss: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000bad/v2.0' })}`,
    ],
    ['a development identity while development mode is off', () => `Dev ${me.tid}:${me.oid}`],
  ])('answers 401 for %s', async (_name, authorization) => {
    const response = await get('/api/tab/me', await authorization());
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
  });
});

describe('the tab API when the signing keys cannot be fetched', () => {
  it('answers 503, not 401, so the client retries', async () => {
    const entra = await new FakeEntra().start();
    const token = await entra.token({ tid: TENANT_ID, oid: randomUUID(), aud: AUDIENCE });
    const jwksUrl = entra.jwksUrl;
    await entra.stop();
    const service = await startTestService({ TAB_SSO_AUDIENCE: AUDIENCE, ENTRA_JWKS_URL: jwksUrl });
    try {
      const response = await fetch(`${service.url}/api/tab/me`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(503);
    } finally {
      await service.stop();
    }
  });
});

describe('the tab API in development mode', () => {
  it('lets a developer pick an identity, and still answers only for that identity', async () => {
    const service = await startTestService({ TAB_DEV_MODE: 'true' });
    try {
      const oid = randomUUID();
      const response = await fetch(`${service.url}/api/tab/me`, {
        headers: { authorization: `Dev ${TENANT_ID}:${oid}` },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ me: { id: `${TENANT_ID}:${oid}` }, traject: null });
      const other = await fetch(
        `${service.url}/api/tab/professionals/${encodeURIComponent(`${TENANT_ID}:x`)}/traject`,
        {
          headers: { authorization: `Dev ${TENANT_ID}:${oid}` },
        },
      );
      expect(other.status).toBe(403);
    } finally {
      await service.stop();
    }
  });
});

describe('the tab API: upcoming sessions and proposals', () => {
  let db: TestDatabase;
  let entra: FakeEntra;
  let tab: Service;
  const otherTenant = '00000000-0000-0000-0000-0000000000bb';
  const sanne = { tid: TENANT_ID, oid: randomUUID(), name: 'Sanne de Vries' };
  const noah = { tid: TENANT_ID, oid: randomUUID(), name: 'Noah Jansen' };
  const manager = { tid: TENANT_ID, oid: randomUUID(), name: 'Bea Baas' };
  const secret = {
    draft: 'CONCEPT-voorstel: roosters anders',
    rejected: 'AFGEWEZEN-voorstel: alles automatiseren',
  };

  async function call(path: string, who: { tid: string; oid: string; name?: string }) {
    const token = await entra.token({ ...who, aud: AUDIENCE });
    return callTabApi(tab, 'GET', path, `Bearer ${token}`);
  }

  beforeAll(async () => {
    db = await openTestDatabase('tabread');
    await ensureIndexes(db.db);
    entra = await new FakeEntra().start();
    tab = await startTestService({
      MONGODB_DB: db.db.databaseName,
      TAB_SSO_AUDIENCE: AUDIENCE,
      ENTRA_JWKS_URL: entra.jwksUrl,
    });
    const professionals = new MongoProfessionalRepository(db.db);
    for (const who of [sanne, noah]) {
      await professionals.upsertContact(
        {
          tenantId: who.tid,
          aadObjectId: who.oid,
          name: who.name,
          locale: 'nl',
          timeZone: undefined,
          address: undefined,
        },
        new Date(),
        'nl',
      );
      await professionals.setManager(who.tid, who.oid, manager.oid, new Date());
    }
    const trajects = new TrajectService(new MongoTrajectRepository(db.db), {
      clock: () => new Date(),
      newId: randomUUID,
    });
    await trajects.save(
      { tenantId: sanne.tid, aadObjectId: sanne.oid },
      {
        startDate: new Date().toISOString().slice(0, 10),
        durationMonths: 6,
        activeWeeksTarget: 20,
        hoursPerWeek: 4,
        questions: [3],
        talents: '',
        learningNeeds: '',
      },
      { expectedVersion: 0, submissionId: randomUUID() },
    );

    // This week: a session two days ago, one under way, two to come (the last with a link that is not https).
    await seedCycle(db.db, {
      tenantId: TENANT_ID,
      circleName: 'De Verbeteraars',
      members: [sanne.oid, noah.oid],
      firstInHours: -48.5,
      joinUrl: (day) => (day === 3 ? 'http://example.com/join' : teamsJoinUrl(`v${day}`)),
    });
    await seedCycle(db.db, {
      tenantId: TENANT_ID,
      circleName: 'Geannuleerde cirkel',
      members: [sanne.oid],
      firstInHours: 24 * 3 + 1,
      status: 'cancelled',
      joinUrl: () => teamsJoinUrl('cancelled'),
    });
    await seedCycle(db.db, {
      tenantId: TENANT_ID,
      circleName: 'Zorgcirkel',
      members: [sanne.oid],
      firstInHours: 24 * 8,
    });
    await seedCycle(db.db, {
      tenantId: TENANT_ID,
      circleName: 'Vorige maand',
      members: [sanne.oid],
      firstInHours: -24 * 30,
    });
    await seedCycle(db.db, {
      tenantId: TENANT_ID,
      circleName: 'Alleen Noah',
      members: [noah.oid],
      firstInHours: 2,
    });
    await seedCycle(db.db, {
      tenantId: otherTenant,
      circleName: 'Andere organisatie',
      members: [sanne.oid],
      firstInHours: 3,
    });

    await seedProposal(db.db, {
      tenantId: TENANT_ID,
      title: 'Overdracht met een vaste checklist',
      contributors: [noah.oid, sanne.oid],
      status: 'validated',
      question: 1,
      minutesAgo: 60,
    });
    await seedProposal(db.db, {
      tenantId: TENANT_ID,
      title: secret.draft,
      contributors: [sanne.oid, noah.oid],
      status: 'draft',
      minutesAgo: 10,
    });
    await seedProposal(db.db, {
      tenantId: TENANT_ID,
      title: secret.rejected,
      contributors: [sanne.oid],
      status: 'rejected',
      minutesAgo: 30,
    });
    await seedProposal(db.db, {
      tenantId: TENANT_ID,
      title: 'Noahs eigen voorstel',
      contributors: [noah.oid],
      status: 'validated',
      minutesAgo: 5,
    });
    await seedProposal(db.db, {
      tenantId: otherTenant,
      title: 'Van een andere organisatie',
      contributors: [sanne.oid],
      status: 'validated',
      minutesAgo: 1,
    });
  });
  afterAll(async () => {
    await tab?.stop();
    await entra?.stop();
    await db?.cleanup();
  });

  it("lists only the caller's sessions that have not ended, earliest first, at most eight", async () => {
    const started = Date.now();
    const response = await call('/api/tab/me', sanne);
    expect(response.status).toBe(200);
    const sessions = response.body.upcomingSessions as {
      circleName: string;
      dayIndex: number;
      start: string;
      end: string;
      joinUrl?: string;
      status: string;
    }[];
    expect(sessions.map((s) => `${s.circleName} ${s.dayIndex} ${s.status}`)).toEqual([
      'De Verbeteraars 2 planned',
      'De Verbeteraars 3 planned',
      'Geannuleerde cirkel 0 cancelled',
      'Geannuleerde cirkel 1 cancelled',
      'Geannuleerde cirkel 2 cancelled',
      'Geannuleerde cirkel 3 cancelled',
      'Zorgcirkel 0 planned',
      'Zorgcirkel 1 planned',
    ]);
    for (const s of sessions) expect(Date.parse(s.end)).toBeGreaterThan(started);
    const starts = sessions.map((s) => Date.parse(s.start));
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    // The session under way has its join link; a link that is not https, or to a cancelled session, has none.
    expect(Date.parse(sessions[0]!.start)).toBeLessThan(started);
    expect(sessions[0]!.joinUrl).toBe(teamsJoinUrl('v2'));
    expect(sessions[1]).not.toHaveProperty('joinUrl');
    expect(sessions[2]).not.toHaveProperty('joinUrl');
    expect(response.text).not.toContain('Alleen Noah');
    expect(response.text).not.toContain('Andere organisatie');
    expect(response.text).not.toContain('_id');
  });

  it('lists the proposals the caller contributed to, newest first, each with its status', async () => {
    const response = await call('/api/tab/me', sanne);
    const proposals = response.body.proposals as Record<string, unknown>[];
    expect(proposals.map((p) => [p.title, p.status])).toEqual([
      [secret.draft, 'draft'],
      [secret.rejected, 'rejected'],
      ['Overdracht met een vaste checklist', 'validated'],
    ]);
    expect(Object.keys(proposals[2]!).sort()).toEqual(['createdAt', 'id', 'question', 'status', 'title']);
    expect(response.text).not.toContain('Noahs eigen voorstel');
    expect(response.text).not.toContain('Van een andere organisatie');
    expect(response.text).not.toContain(noah.oid);
    // Only the validated one counts in the traject's figures.
    expect(response.body.traject).toMatchObject({ used: { proposals: 1 } });
  });

  it('shows a manager only the validated proposals of each report: no drafts, rejections, contributors or sessions', async () => {
    const response = await call('/api/tab/reports', manager);
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
    expect(sanneView.validatedProposals).toBe(1);
    expect(sanneView.proposals).toEqual([
      { title: 'Overdracht met een vaste checklist', question: 1, createdAt: expect.any(String) },
    ]);
    const noahView = reports.find((r) => r.name === 'Noah Jansen')!;
    expect((noahView.proposals as { title: string }[]).map((p) => p.title)).toEqual([
      'Noahs eigen voorstel',
      'Overdracht met een vaste checklist',
    ]);
    for (const hidden of [
      secret.draft,
      secret.rejected,
      'Van een andere organisatie',
      'De Verbeteraars',
      'meetup-join',
      'contributor',
      'status',
    ]) {
      expect(response.text).not.toContain(hidden);
    }
    const one = await call(`/api/tab/reports/${encodeURIComponent(`${TENANT_ID}:${sanne.oid}`)}`, manager);
    expect(one.body).toMatchObject({
      validatedProposals: 1,
      proposals: [{ title: 'Overdracht met een vaste checklist' }],
    });
    expect(one.text).not.toContain(secret.draft);
  });
});
