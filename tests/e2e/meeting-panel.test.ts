import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { type Browser, type Page } from 'playwright-core';
import type { Service } from '../../bot/src/main';
import { groupConversation, person, TENANT_ID, type Person } from '../support/activities';
import { FakeBotConnector } from '../support/bot-connector.fake';
import { launchChromium } from '../support/browser';
import { startTestService } from '../support/service';
import { cardProblems, formCircle, linkMeeting, SessionDriver, type Json } from '../support/sessions';

const ROOT = path.resolve(__dirname, '..', '..');
const ARTIFACTS = path.join(ROOT, '.artifacts');

const text = (value: unknown) => JSON.stringify(value);
const dev = (who: Person) => `Dev ${TENANT_ID}:${who.aadObjectId}`;

/**
 * The session in the meeting window: GET /api/tab/meeting/session and the side panel and stage pages that
 * render its cards with the `adaptivecards` renderer, in headless Chromium outside Teams (development mode),
 * against the real server, MongoDB and a Bot Connector on 127.0.0.1.
 */
describe('the meeting side panel and stage', () => {
  let connector: FakeBotConnector;
  let service: Service;
  let client: MongoClient;
  let browser: Browser;
  let session: SessionDriver;
  let chatId: string;
  let circleChatId: string;
  let kickoff: Json;
  const members = [person('Anna de Wit'), person('Bas Kok'), person('Cem Yilmaz')] as [
    Person,
    Person,
    Person,
  ];
  const [anna, bas] = members;
  const outsider = person('Dewi Santoso');

  const sessionApi = (who: string | undefined, chat: string | null = chatId) =>
    fetch(
      `${service.url}/api/tab/meeting/session${chat === null ? '' : `?chatId=${encodeURIComponent(chat)}`}`,
      { headers: who ? { authorization: who } : {} },
    ).then(async (r) => ({ status: r.status, body: (await r.json()) as Json }));

  const pageUrl = (file: string, who: Person, chat = chatId) =>
    `${service.url}/tab/${file}?chatId=${encodeURIComponent(chat)}&as=${encodeURIComponent(`${TENANT_ID}:${who.aadObjectId}`)}`;

  async function openPage(file: string, who: Person, width: number, chat = chatId) {
    const context = await browser.newContext({ locale: 'nl-NL', viewport: { width, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(msg.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(pageUrl(file, who, chat));
    return { page, problems, close: () => context.close() };
  }

  const cardText = (page: Page) => page.locator('#card').innerText();

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(ROOT, 'tab/build.mjs')]);
    mkdirSync(ARTIFACTS, { recursive: true });
    connector = await new FakeBotConnector().start();
    // No AI model: the proposal is drafted at once from the circle's own words.
    service = await startTestService({ TAB_DEV_MODE: 'true' });
    client = await MongoClient.connect(service.config.mongo.uri!);
    const { circleId, chat: circleChat } = await formCircle(
      service,
      connector,
      client,
      members,
      'Zorgteam Noord',
    );
    circleChatId = circleChat.id;
    const meeting = await linkMeeting(service, connector, anna, circleId);
    chatId = meeting.conversation.id;

    // `start` in the meeting chat, by a member: the kick-off card is posted there.
    session = new SessionDriver(service, connector, meeting.conversation, meeting.meetingId, '');
    await session.say(anna, 'start');
    kickoff = connector.messages(chatId).at(-1)!.body.attachments![0]!.content;
    expect(text(kickoff)).toContain('Sessie van Zorgteam Noord');
    const stored = await client.db(service.config.mongo.dbName).collection('sessions').findOne({ circleId });
    session.cardActivityId = stored!.state.cardActivityId as string;

    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await client?.close();
    await service?.stop();
    await connector?.stop();
  });

  it("answers a member with the chat's card, read-only, and refuses everyone else", async () => {
    const mine = await sessionApi(dev(anna));
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({
      sessionId: expect.stringContaining(TENANT_ID),
      circleName: 'Zorgteam Noord',
      locale: 'nl',
      phase: 'kickoff',
      closed: false,
      stage: null,
      serverTime: expect.any(String),
    });
    // The chat's own card, without a single button or input to act on: people act in the chat.
    expect(text(mine.body.card)).toContain('Sessie van Zorgteam Noord');
    expect(text(mine.body.card)).not.toContain('Action.Execute');
    expect(text(mine.body.card)).not.toContain('Input.');
    expect(text(mine.body.card)).not.toContain('"refresh"');
    expect(text(mine.body.stageCard)).toContain('Sessie van Zorgteam Noord');
    // Valid Adaptive Card JSON for the SDK's own parser.
    expect(cardProblems(mine.body.card)).toEqual([]);
    expect(cardProblems(mine.body.stageCard)).toEqual([]);

    // Object ids compare without regard to case, as Entra ID's do.
    expect((await sessionApi(`Dev ${TENANT_ID}:${bas.aadObjectId.toUpperCase()}`)).status).toBe(200);
    // The circle's own chat leads to the same session.
    const fromCircleChat = await sessionApi(dev(bas), circleChatId);
    expect(fromCircleChat.status).toBe(200);
    expect(fromCircleChat.body.sessionId).toBe(mine.body.sessionId);

    expect(await sessionApi(dev(outsider))).toEqual({
      status: 403,
      body: { error: { code: 'NOT_A_MEMBER', message: expect.any(String) } },
    });
    expect(await sessionApi(dev(anna), groupConversation().id)).toEqual({
      status: 404,
      body: { error: { code: 'NO_SESSION', message: expect.any(String) } },
    });
    // Another tenant's member finds nothing in this chat.
    expect((await sessionApi(`Dev 00000000-0000-0000-0000-000000000001:${anna.aadObjectId}`)).status).toBe(
      404,
    );
    expect((await sessionApi(undefined)).status).toBe(401);
    expect(await sessionApi(dev(anna), null)).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_INPUT' } },
    });
  });

  it('shows the stage and a countdown in the side panel, and the proposal on the stage', async () => {
    const panel = await openPage('meeting.html', anna, 300);
    const { page } = panel;
    await page.locator('#card .ac-adaptiveCard').waitFor();
    expect(await cardText(page)).toContain('Sessie van Zorgteam Noord');
    expect(await page.locator('#stage-line').innerText()).toContain('Aftrap');
    expect(await page.locator('#status').innerText()).toBe('');
    // Outside Teams there is no stage to share to.
    expect(await page.locator('#share').isHidden()).toBe(true);
    expect(await page.locator('#hint').innerText()).toContain('op de kaart in de chat');

    // The circle begins on the card in the chat; the panel follows by itself (it polls).
    const begun = await session.press(anna, kickoff, 'session.begin', {
      frameId: 'standaard',
      situation: 'new',
      newSituation: 'De overdracht tussen dag- en avonddienst loopt vaak uit',
    });
    expect(text(begun)).toContain('Stap 1 van 5');
    await page.locator('#card', { hasText: 'Stap 1 van 5' }).waitFor({ timeout: 8000 });
    expect(await page.locator('#stage-line').innerText()).toBe('Stap 1 van 5 · Analyse van de werksituatie');
    expect(await page.locator('#timer').innerText()).toMatch(/^(10:00|9:[0-5]\d)$/);
    expect(await page.locator('#timer-live').innerText()).toBe('Nog 10 minuten voor deze stap.');

    // The visible timer ticks every second; the spoken line changes only with the minute.
    const samples: { timer: string; live: string }[] = [];
    for (let i = 0; i < 12; i++) {
      samples.push({
        timer: await page.locator('#timer').innerText(),
        live: await page.locator('#timer-live').innerText(),
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const changes = (values: string[]) => values.filter((v, i) => i > 0 && v !== values[i - 1]).length;
    expect(changes(samples.map((s) => s.timer))).toBeGreaterThanOrEqual(2);
    expect(changes(samples.map((s) => s.live))).toBeLessThanOrEqual(1);
    const api = await sessionApi(dev(anna));
    expect(api.body.stage).toMatchObject({
      index: 0,
      kind: 'analysis',
      title: 'Analyse van de werksituatie',
      endsAt: expect.any(String),
    });
    expect(cardProblems(api.body.card)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'meeting-panel.png'), fullPage: true });
    expect(panel.problems).toEqual([]);
    await panel.close();

    // On to the AI stage: without a model the circle's own draft is there at once, and the stage shows it.
    let card = begun;
    for (const to of [1, 2, 3]) card = await session.press(bas, card, 'session.move', {}, (d) => d.to === to);
    expect(text(card)).toContain('Stap 4 van 5');
    const proposal = await sessionApi(dev(bas));
    expect(text(proposal.body.stageCard)).toContain('Concept-verbetervoorstel, om samen te lezen');
    expect(text(proposal.body.stageCard)).toContain('Verbetervoorstel van Zorgteam Noord');
    expect(cardProblems(proposal.body.stageCard)).toEqual([]);

    const stage = await openPage('stage.html', bas, 1280);
    await stage.page.locator('#card', { hasText: 'Concept-verbetervoorstel' }).waitFor();
    expect(await cardText(stage.page)).toContain('Verbetervoorstel van Zorgteam Noord');
    // No model: the stage line names the circle's own draft, as the card does.
    expect(await stage.page.locator('#stage-line').innerText()).toBe(
      'Stap 4 van 5 · Concept-verbetervoorstel',
    );
    await stage.page.screenshot({ path: path.join(ARTIFACTS, 'meeting-stage.png'), fullPage: true });
    expect(stage.problems).toEqual([]);
    await stage.close();
  });

  it('says plainly when there is no session, or the viewer is not in the circle', async () => {
    const none = await openPage('meeting.html', anna, 300, groupConversation().id);
    await none.page.getByText('Er loopt vandaag nog geen sessie in deze vergadering.').waitFor();
    expect(await none.page.locator('#card').innerText()).toBe('');
    await none.close();

    const stranger = await openPage('meeting.html', outsider, 300);
    await stranger.page.getByText('jij hoort niet bij deze cirkel').waitFor();
    await stranger.close();
  });
});
