import { randomUUID } from 'node:crypto';
import { generateKeyPair } from 'jose';
import type { Service } from '../../bot/src/main';
import { TrajectService } from '../../bot/src/domain/traject.service';
import { MongoTrajectRepository } from '../../bot/src/store/mongo-traject.repository';
import { TENANT_ID } from '../support/activities';
import { FakeEntra } from '../support/entra.fake';
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
