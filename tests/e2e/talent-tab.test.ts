import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import type { Service } from '../../bot/src/main';
import { cardExecute, person, personalInstall, TENANT_ID, type Person } from '../support/activities';
import { FakeBotConnector } from '../support/bot-connector.fake';
import { launchChromium } from '../support/browser';
import { callTabApi, composeTraject } from '../support/flows';
import { postActivity, startTestService } from '../support/service';

const ROOT = path.resolve(__dirname, '..', '..');

const addMonths = (date: string, months: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), last));
  return target.toISOString().slice(0, 10);
};
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

interface Accountability {
  due: number;
  heldOnTime: number;
  heldLate: number;
  open: number;
}
interface ReportsAnswer {
  conversations: Accountability;
  reports: { name: string; nextConversation: string | null; nudgeUndelivered: boolean }[];
}

/**
 * Talent-development conversations in the tab: the professional sees their planned conversation and what
 * was agreed in held ones; the manager sees how many of their people's conversations were held on time,
 * each person's next one, and a nudge that could not be delivered in Teams (the delivery guarantee).
 */
describe('talent-development conversations in the tab', () => {
  let connector: FakeBotConnector;
  let service: Service;
  let client: MongoClient;
  const db = () => client.db(service.config.mongo.dbName);
  const sanne = person('Sanne Smit');
  const ruben = person('Ruben Manager');
  const personalChat = (who: Person) => `a:1${who.aadObjectId.replace(/-/g, '')}`;
  const as = (who: Person) => `Dev ${TENANT_ID}:${who.aadObjectId}`;
  const start = new Date().toISOString().slice(0, 10);
  const due = addMonths(start, 6);
  const reports = async () =>
    (await callTabApi(service, 'GET', '/api/tab/reports', as(ruben))).body as unknown as ReportsAnswer;
  let conversationId: string;
  const nudgeKey = () => `talent-nudge:${conversationId}:${due}:7`;
  const deliveries = () => db().collection('deliveries');
  const refusedToRuben = () =>
    connector.requests.filter((r) => r.conversationId === personalChat(ruben) && r.status === 403).length;
  const eventually = async (check: () => Promise<boolean>, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(ROOT, 'tab/build.mjs')]);
    connector = await new FakeBotConnector().start();
    service = await startTestService({
      SCHEDULER_POLL_INTERVAL_MS: '500',
      OUTBOX_POLL_INTERVAL_MS: '100',
      TAB_DEV_MODE: 'true',
    });
    client = await MongoClient.connect(service.config.mongo.uri!);
    for (const who of [sanne, ruben]) await postActivity(service, personalInstall(connector.serviceUrl, who));
    expect(
      await composeTraject(service, connector, sanne, { manager: ruben.aadObjectId, startDate: start }),
    ).toContain('Prof-traject');
    conversationId = (await db().collection('talentConversations').findOne({}))!.id as string;
  });
  afterAll(async () => {
    await client?.close();
    await service?.stop();
    await connector?.stop();
  });

  it('shows the professional their planned conversation, with the manager by name', async () => {
    const me = await callTabApi(service, 'GET', '/api/tab/me', as(sanne));
    expect(me.status).toBe(200);
    expect(me.body.talentConversation).toEqual({
      dueDate: due,
      status: 'planned',
      managerName: ruben.name,
      preparationUndelivered: false,
    });
    expect(me.body.history).toEqual([]);
    // Identifiers of the conversation and the manager stay on the server.
    expect(me.text).not.toContain(conversationId);
    expect(me.text).not.toContain(ruben.aadObjectId);

    const view = await reports();
    expect(view.conversations).toEqual({ due: 0, heldOnTime: 0, heldLate: 0, open: 0 });
    expect(view.reports).toEqual([
      expect.objectContaining({ name: sanne.name, nextConversation: due, nudgeUndelivered: false }),
    ]);
  });

  it('lets the professional say in the tab what they want to discuss; the manager cannot', async () => {
    const put = (who: typeof sanne, wishes: unknown) =>
      callTabApi(service, 'PUT', '/api/tab/me/conversation/wishes', as(who), { wishes });
    const saved = await put(sanne, '  Mijn rol in het nieuwe team  ');
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ wishes: 'Mijn rol in het nieuwe team' });
    // Again: the same, nothing changes.
    expect((await put(sanne, 'Mijn rol in het nieuwe team')).status).toBe(200);
    const stored = await db().collection('talentConversations').findOne({ id: conversationId });
    expect(stored).toMatchObject({ wishes: 'Mijn rol in het nieuwe team' });

    // Too long, not text, or someone without a planned conversation of their own: refused, nothing changed.
    expect((await put(sanne, 'x'.repeat(1001))).status).toBe(400);
    expect((await put(sanne, 42)).status).toBe(400);
    expect((await put(ruben, 'Iets anders')).status).toBe(404);
    expect(await db().collection('talentConversations').findOne({ id: conversationId })).toMatchObject({
      wishes: 'Mijn rol in het nieuwe team',
      version: stored!.version,
    });
    const me = await callTabApi(service, 'GET', '/api/tab/me', as(sanne));
    expect(me.body.talentConversation).toMatchObject({ wishes: 'Mijn rol in het nieuwe team' });
  });

  it("records a nudge refused with 403 on the manager's chat as unreachable, and the tab says so", async () => {
    connector.respondNext(personalChat(ruben), { status: 403 });
    await db()
      .collection('jobs')
      .updateOne({ key: nudgeKey() }, { $set: { runAt: new Date(Date.now() - 1000) } });
    await eventually(() => Promise.resolve(refusedToRuben() > 0));
    await eventually(async () => {
      const status = (await deliveries().findOne({ key: nudgeKey() }))?.status as string | undefined;
      return status !== undefined && status !== 'pending';
    });
    expect(refusedToRuben()).toBe(1);
    expect(await deliveries().findOne({ key: nudgeKey() })).toMatchObject({ status: 'unreachable' });
    expect((await reports()).reports[0]).toMatchObject({ nextConversation: due, nudgeUndelivered: true });
    // The professional's own view says nothing about the manager's deliveries.
    expect((await callTabApi(service, 'GET', '/api/tab/me', as(sanne))).text).not.toContain(
      'nudgeUndelivered',
    );
  });

  it("records a preparation card refused with 404 on the professional's chat, and the professional's tab says so", async () => {
    const prepKey = `talent-preparation:${conversationId}:${due}`;
    connector.respondNext(personalChat(sanne), { status: 404 });
    await db()
      .collection('jobs')
      .updateOne({ key: prepKey }, { $set: { runAt: new Date(Date.now() - 1000) } });
    await eventually(async () => {
      const status = (await deliveries().findOne({ key: prepKey }))?.status as string | undefined;
      return status !== undefined && status !== 'pending';
    });
    expect(await deliveries().findOne({ key: prepKey })).toMatchObject({ status: 'unreachable' });
    const me = await callTabApi(service, 'GET', '/api/tab/me', as(sanne));
    expect(me.body.talentConversation).toMatchObject({ preparationUndelivered: true });
  });

  it("counts a conversation held by the manager in the manager's accountability, and shows what was agreed", async () => {
    // The date came and went three days ago (its nudges belonged to the old date).
    const dueDate = daysAgo(3);
    await db().collection('talentConversations').updateOne({ id: conversationId }, { $set: { dueDate } });
    expect((await reports()).conversations).toEqual({ due: 1, heldOnTime: 0, heldLate: 0, open: 1 });

    const conversation = (await db().collection('talentConversations').findOne({ id: conversationId }))!;
    const answer = await postActivity(
      service,
      cardExecute(connector.serviceUrl, ruben, 'talent.held', {
        conversationId,
        version: conversation.version,
        heldOn: start,
        agreements: 'Cursus presenteren',
      }),
    );
    expect(JSON.stringify(answer.body)).toContain('Vastgelegd');

    const view = await reports();
    expect(view.conversations).toEqual({ due: 1, heldOnTime: 1, heldLate: 0, open: 0 });
    const next = (await db().collection('talentConversations').findOne({ status: 'planned' }))!
      .dueDate as string;
    expect(next > start).toBe(true);
    expect(view.reports[0]).toMatchObject({ nextConversation: next, nudgeUndelivered: false });

    const me = await callTabApi(service, 'GET', '/api/tab/me', as(sanne));
    expect(me.body.talentConversation).toMatchObject({ dueDate: next, status: 'planned' });
    expect(me.body.history).toEqual([{ dueDate, heldOn: start, agreements: 'Cursus presenteren' }]);
  });

  it('renders the accountability line for the manager and the agreements for the professional', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ locale: 'nl-NL' });
      const problems: string[] = [];
      page.on('pageerror', (err) => problems.push(err.message));
      await page.goto(`${service.url}/tab/?as=${encodeURIComponent(`${TENANT_ID}:${ruben.aadObjectId}`)}`);
      await page.getByRole('heading', { name: 'Mijn mensen' }).waitFor();
      expect(await page.locator('.accountability').innerText()).toBe('Gesprekken op tijd gehouden: 1 van 1');
      expect(await page.locator('.report').innerText()).toContain('Volgend talentontwikkelgesprek:');

      await page.goto(`${service.url}/tab/?as=${encodeURIComponent(`${TENANT_ID}:${sanne.aadObjectId}`)}`);
      await page.getByRole('heading', { name: 'Gehouden gesprekken' }).waitFor();
      const text = await page.locator('main').innerText();
      expect(text).toContain('Afspraken: Cursus presenteren');
      expect(text).toContain('met Ruben Manager');

      // What she wants to discuss in the next one, written in the tab.
      const wishes = page.getByLabel('Wat wil je in het gesprek bespreken?', { exact: false });
      await wishes.fill('Meer regie over mijn rooster');
      await page.getByRole('button', { name: 'Bewaar wat ik wil bespreken' }).click();
      await page.getByText('Opgeslagen', { exact: false }).first().waitFor();
      const next = await db()
        .collection('talentConversations')
        .findOne({ status: 'planned', professionalAadObjectId: sanne.aadObjectId.toLowerCase() });
      expect(next).toMatchObject({ wishes: 'Meer regie over mijn rooster' });
      expect(
        await page.getByLabel('Wat wil je in het gesprek bespreken?', { exact: false }).inputValue(),
      ).toBe('Meer regie over mijn rooster');
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
