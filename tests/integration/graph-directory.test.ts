import type { DirectoryPerson } from '../../bot/src/domain/directory';
import {
  FakeGraph,
  TEST_GRAPH_APP as APP,
  graphClientConfig,
  startCalendarProcess,
  type CalendarProcess,
  type CalendarProcessError,
  type FakeUser,
} from '../support/graph.fake';

/**
 * The product's Graph directory client (the official Graph client with an @azure/identity credential) against
 * Entra ID and Graph on 127.0.0.1 (graph.fake.ts): who someone's manager is, and whether a person is in the
 * tenant.
 */

let fake: FakeGraph;
let clients: CalendarProcess;
let professional: FakeUser;
let manager: FakeUser;
let loner: FakeUser;
const nobody = '0000dead-0000-4000-8000-000000000000';

const user = (n: number, displayName: string): FakeUser => ({
  id: `0d0d0d0d-0000-4000-8000-00000000000${n}`,
  displayName,
  userPrincipalName: `${displayName.split(' ')[0]!.toLowerCase()}@contoso.nl`,
  mail: null,
});

beforeAll(async () => {
  fake = await new FakeGraph(APP).start();
  professional = fake.addUser(user(1, 'Sanne de Vries'));
  manager = fake.addUser(user(2, 'Marieke Smit'));
  loner = fake.addUser(user(3, 'Lotte Mulder'));
  fake.setManager(professional.id, manager.id);
  clients = await startCalendarProcess(fake);
}, 60_000);

afterAll(async () => {
  await clients?.stop();
  await fake?.stop();
});

afterEach(() => fake.clearAnswers());

const config = (overrides: Record<string, unknown> = {}) => graphClientConfig(fake, overrides);

async function succeeds(method: string, ...args: unknown[]): Promise<DirectoryPerson | undefined> {
  const reply = await clients.directory<DirectoryPerson | undefined>(config(), method, ...args);
  if (!reply.ok) throw new Error(`expected success, got ${JSON.stringify(reply.error)}`);
  return reply.value;
}

async function fails(cfg: Record<string, unknown>, method: string, ...args: unknown[]) {
  const reply = await clients.directory(cfg, method, ...args);
  if (reply.ok) throw new Error(`expected a failure, got ${JSON.stringify(reply.value)}`);
  return reply.error;
}

const since = (mark: number) => fake.requests.slice(mark);

describe('the manager', () => {
  it('is read from /users/{id}/manager with the app token, id and name only', async () => {
    const mark = fake.requests.length;
    expect(await succeeds('managerOf', APP.tenantId, professional.id)).toEqual({
      aadObjectId: manager.id,
      name: 'Marieke Smit',
    });
    const [request] = since(mark);
    expect(request).toMatchObject({
      method: 'GET',
      path: `/v1.0/users/${professional.id}/manager`,
      query: { $select: 'id,displayName' },
      status: 200,
    });
    expect(request!.authorization).toMatch(/^Bearer fake-graph-token-/);
  });

  it('is undefined when the directory records none (404)', async () => {
    const mark = fake.requests.length;
    expect(await succeeds('managerOf', APP.tenantId, loner.id)).toBeUndefined();
    expect(since(mark).map((r) => r.status)).toEqual([404]);
  });

  it('follows a change in the directory', async () => {
    fake.setManager(loner.id, professional.id);
    try {
      expect(await succeeds('managerOf', APP.tenantId.toUpperCase(), loner.id)).toEqual({
        aadObjectId: professional.id,
        name: 'Sanne de Vries',
      });
    } finally {
      fake.setManager(loner.id, undefined);
    }
  });
});

describe('a person in the tenant', () => {
  it('is found by object id', async () => {
    expect(await succeeds('findUser', APP.tenantId, manager.id)).toEqual({
      aadObjectId: manager.id,
      name: 'Marieke Smit',
    });
  });

  it('is undefined when the tenant has no such user (404)', async () => {
    const mark = fake.requests.length;
    expect(await succeeds('findUser', APP.tenantId, nobody)).toBeUndefined();
    expect(since(mark)).toEqual([
      expect.objectContaining({ path: `/v1.0/users/${nobody}`, query: { $select: 'id,displayName' } }),
    ]);
    expect(since(mark)[0]!.status).toBe(404);
  });

  it('of another tenant is not looked up at all', async () => {
    const mark = fake.requests.length;
    const error = await fails(config(), 'findUser', 'feed0000-1111-4222-8333-444455556666', manager.id);
    expect(error).toMatchObject({ isDirectoryError: true, code: 'DIRECTORY_OTHER_TENANT' });
    expect(since(mark)).toEqual([]);
  });
});

describe('when Graph or Entra ID says no', () => {
  const expectFailure = (error: CalendarProcessError, code: string) =>
    expect(error).toMatchObject({ isDirectoryError: true, name: 'DirectoryError', code });

  it('maps a refused client secret to DIRECTORY_AUTH_FAILED before anything reaches Graph', async () => {
    const mark = fake.requests.length;
    const error = await fails(
      config({ clientSecret: 'a-wrong-secret' }),
      'managerOf',
      APP.tenantId,
      loner.id,
    );
    expectFailure(error, 'DIRECTORY_AUTH_FAILED');
    expect(since(mark)).toEqual([]);
  });

  it('maps a token Graph does not accept (401) to DIRECTORY_AUTH_FAILED', async () => {
    fake.answerNext({
      status: 401,
      body: { error: { code: 'InvalidAuthenticationToken', message: 'Access token has expired.' } },
    });
    expectFailure(await fails(config(), 'findUser', APP.tenantId, manager.id), 'DIRECTORY_AUTH_FAILED');
  });

  it('maps a missing User.Read.All (403) to DIRECTORY_FORBIDDEN, not to "not in the tenant"', async () => {
    fake.answerNext({
      status: 403,
      body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges.' } },
    });
    const error = await fails(config(), 'findUser', APP.tenantId, manager.id);
    expectFailure(error, 'DIRECTORY_FORBIDDEN');
    expect(error.details).toMatchObject({ status: 403, serviceCode: 'Authorization_RequestDenied' });
  });

  it('says DIRECTORY_UNAVAILABLE when Graph keeps failing, and when Entra ID cannot be reached', async () => {
    fake.answerNext({ status: 503 }, { status: 503 });
    expectFailure(await fails(config(), 'managerOf', APP.tenantId, professional.id), 'DIRECTORY_UNAVAILABLE');
    const error = await fails(
      config({ authorityHost: 'https://127.0.0.1:9', retry: { maxRetries: 0 } }),
      'managerOf',
      APP.tenantId,
      professional.id,
    );
    expectFailure(error, 'DIRECTORY_UNAVAILABLE');
  });
});
