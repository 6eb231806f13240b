import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { cardExecute, message, person, TENANT_ID, type Person } from '../support/activities';
import { FakeBotConnector } from '../support/bot-connector.fake';
import { TRAJECT_INPUTS } from '../support/flows';
import { FakeGraph, graphServiceEnv, TEST_GRAPH_APP, type FakeUser } from '../support/graph.fake';
import { testMongoUri, uniqueDbName } from '../support/mongo';
import { postActivity } from '../support/service';
import { startServiceProcess, type ServiceProcess } from '../support/service-process';

interface Card {
  body: { type: string; id?: string; value?: unknown; text?: string }[];
  actions: { verb?: string; data?: Record<string, unknown> }[];
}

/**
 * Who is whose manager, from Microsoft Graph (issue 6, point 1): the compose card comes with the directory's
 * manager filled in, a manager who is not in the tenant is refused, and a Graph that fails does not keep anyone
 * from saving. The service runs as `npm start` would (its own process, trusting the Graph fake's https
 * certificate), with Graph configured for the directory only (GRAPH_CLIENT_ID, no GRAPH_ORGANIZER).
 */
describe('the manager from Microsoft Graph', () => {
  let graph: FakeGraph;
  let connector: FakeBotConnector;
  let service: ServiceProcess;
  let client: MongoClient;
  const dbName = uniqueDbName('graph_manager');
  let marieke: FakeUser;

  const inDirectory = (who: Person): FakeUser =>
    graph.addUser({
      id: who.aadObjectId,
      displayName: who.name,
      userPrincipalName: `${who.name.split(' ')[0]!.toLowerCase()}@contoso.nl`,
      mail: null,
    });

  beforeAll(async () => {
    // The activities' tenant is the one the app registration belongs to.
    graph = await new FakeGraph({ ...TEST_GRAPH_APP, tenantId: TENANT_ID }).start();
    marieke = inDirectory(person('Marieke Smit'));
    connector = await new FakeBotConnector().start();
    // No GRAPH_ORGANIZER: Graph for the directory only.
    service = await startServiceProcess({
      ...graphServiceEnv(graph),
      MONGODB_URI: testMongoUri(),
      MONGODB_DB: dbName,
    });
    client = await MongoClient.connect(testMongoUri());
  }, 90_000);
  afterAll(async () => {
    await Promise.all([client?.close(), service?.stop(), connector?.stop()]);
    await graph?.stop();
  });

  const professionals = () => client.db(dbName).collection('professionals');
  const trajects = () => client.db(dbName).collection('trajects');
  const savedManagerOf = async (who: Person) =>
    (
      (await professionals().findOne({ tenantId: TENANT_ID, aadObjectId: who.aadObjectId })) as {
        managerAadObjectId?: string | null;
      } | null
    )?.managerAadObjectId ?? undefined;
  const trajectCount = (who: Person) =>
    trajects().countDocuments({ _id: `${TENANT_ID}:${who.aadObjectId}` as never });

  /** `traject` in the personal chat: the compose card that comes back. */
  async function composeCardFor(who: Person): Promise<{ card: Card; text: string }> {
    const ask = message(connector.serviceUrl, who, 'traject');
    await postActivity(service, ask);
    const card = connector.messages(ask.conversation.id).at(-1)!.body.attachments![0]!
      .content as unknown as Card;
    return { card, text: JSON.stringify(card) };
  }

  /** The service's log has a line like this (it arrives through a pipe, a moment after the answer). */
  async function logged(pattern: RegExp): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (!pattern.test(service.logs.join(''))) {
      if (Date.now() > deadline)
        throw new Error(`no log line ${pattern}:\n${service.logs.slice(-10).join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const managerInput = (card: Card) => card.body.find((e) => e.id === 'manager')!;

  /** Save as Teams sends it: the card's data with the inputs merged in. */
  async function save(who: Person, card: Card, manager: string) {
    const data = card.actions.find((a) => a.verb === 'traject.save')!.data!;
    const answer = await postActivity(
      service,
      cardExecute(connector.serviceUrl, who, 'traject.save', { ...data, ...TRAJECT_INPUTS, manager }),
    );
    return JSON.stringify(answer.body);
  }

  it('fills in the manager from the directory; saved as is, it is the manager', async () => {
    const sanne = person('Sanne de Vries');
    inDirectory(sanne);
    graph.setManager(sanne.aadObjectId, marieke.id);
    const mark = graph.requests.length;

    const { card, text } = await composeCardFor(sanne);
    expect(managerInput(card)).toMatchObject({ type: 'Input.Text', value: marieke.id });
    expect(text).toContain('Ingevuld uit de gegevens van je organisatie.');
    expect(graph.requests.slice(mark)[0]).toMatchObject({
      method: 'GET',
      path: `/v1.0/users/${sanne.aadObjectId}/manager`,
      status: 200,
    });

    expect(await save(sanne, card, String(managerInput(card).value))).toContain('Opgeslagen.');
    expect(await savedManagerOf(sanne)).toBe(marieke.id);
    // Once named, the person's own choice is shown; the directory is not asked again.
    const before = graph.requests.filter((r) => r.path.endsWith('/manager')).length;
    const again = await composeCardFor(sanne);
    expect(again.text).not.toContain('Ingevuld uit de gegevens');
    expect(graph.requests.filter((r) => r.path.endsWith('/manager')).length).toBe(before);
  });

  it('lets the professional correct the filled-in manager to someone else in the tenant', async () => {
    const ilse = person('Ilse Bos');
    const jeroen = inDirectory(person('Jeroen de Wit'));
    inDirectory(ilse);
    graph.setManager(ilse.aadObjectId, marieke.id);
    const { card } = await composeCardFor(ilse);
    expect(managerInput(card).value).toBe(marieke.id);
    expect(await save(ilse, card, jeroen.id)).toContain('Opgeslagen.');
    expect(await savedManagerOf(ilse)).toBe(jeroen.id);
  });

  it('refuses a manager who is not in the tenant, and saves nothing', async () => {
    const noah = person('Noah Jansen');
    inDirectory(noah);
    const { card, text } = await composeCardFor(noah);
    // No manager in the directory: the field stays empty, without the hint.
    expect(managerInput(card).value).toBe('');
    expect(text).not.toContain('Ingevuld uit de gegevens');

    const stranger = randomUUID();
    const mark = graph.requests.length;
    const answer = await save(noah, card, stranger);
    expect(answer).toContain('Deze persoon staat niet in de gegevens van je organisatie.');
    expect(answer).toContain('Nog niet opgeslagen.');
    expect(graph.requests.slice(mark)).toEqual([
      expect.objectContaining({ method: 'GET', path: `/v1.0/users/${stranger}`, status: 404 }),
    ]);
    expect(await trajectCount(noah)).toBe(0);
    expect(await savedManagerOf(noah)).toBeUndefined();
  });

  it('refuses it in English too', async () => {
    const eve = person('Eve Peters', 'en-GB');
    const { card } = await composeCardFor(eve);
    const answer = await save(eve, card, randomUUID());
    expect(answer).toContain("This person is not in your organisation's directory.");
    expect(await trajectCount(eve)).toBe(0);
  });

  it('still shows the card and saves when Graph fails or cannot be reached, as without a directory', async () => {
    const lotte = person('Lotte Mulder');
    const manager = randomUUID();
    graph.answerNext({
      status: 500,
      body: { error: { code: 'InternalServerError', message: 'Something went wrong.' } },
    });
    const { card } = await composeCardFor(lotte);
    expect(managerInput(card).value).toBe('');
    await logged(
      /"code":"DIRECTORY_UNAVAILABLE".*directory: manager not read; the compose card leaves it empty/,
    );

    graph.answerNext({
      status: 401,
      body: { error: { code: 'InvalidAuthenticationToken', message: 'Access token has expired.' } },
    });
    expect(await save(lotte, card, manager)).toContain('Opgeslagen.');
    expect(await savedManagerOf(lotte)).toBe(manager);
    await logged(/"code":"DIRECTORY_AUTH_FAILED".*directory: manager not checked; saved as named/);

    // Graph gone altogether.
    const tom = person('Tom Visser');
    const tomsManager = randomUUID();
    const tomsCard = await composeCardFor(tom);
    await graph.stop();
    expect(await save(tom, tomsCard.card, tomsManager)).toContain('Opgeslagen.');
    expect(await savedManagerOf(tom)).toBe(tomsManager);
  });
});
