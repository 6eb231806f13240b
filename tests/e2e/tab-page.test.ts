import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { type Browser, type Locator } from 'playwright-core';
import type { Service } from '../../bot/src/main';
import { person, TENANT_ID } from '../support/activities';
import { FakeBotConnector } from '../support/bot-connector.fake';
import { callTabApi, composeTraject } from '../support/flows';
import { seedCycle, seedProposal, teamsJoinUrl } from '../support/read-models';
import { launchChromium } from '../support/browser';
import { startTestService } from '../support/service';

const ROOT = path.resolve(__dirname, '..', '..');
const ARTIFACTS = path.join(ROOT, '.artifacts');

/** Whether the element has the keyboard focus (evaluated in the page). */
const hasFocus = (locator: Locator) => locator.evaluate((el) => el === el.ownerDocument.activeElement);

/**
 * The tab page in a real browser (Debian's Chromium, headless), outside Teams in development mode: it shows
 * a seeded traject, records time through its form, shows a manager their people, and logs no errors.
 */
describe('the tab page in headless Chromium', () => {
  let connector: FakeBotConnector;
  let service: Service;
  let browser: Browser;
  let tab: { url: string };
  const sanne = person('Sanne de Vries');
  const ruben = person('Ruben Rapport');
  const lotte = person('Lotte Mulder');

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(ROOT, 'tab/build.mjs')]);
    mkdirSync(ARTIFACTS, { recursive: true });
    connector = await new FakeBotConnector().start();
    service = await startTestService({ TAB_DEV_MODE: 'true' });
    await composeTraject(service, connector, sanne);
    await composeTraject(service, connector, ruben, { manager: sanne.aadObjectId });
    const auth = {
      authorization: `Dev ${TENANT_ID}:${ruben.aadObjectId}`,
      'content-type': 'application/json',
    };
    await fetch(`${service.url}/api/tab/me/notes`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        id: randomUUID(),
        text: 'Gedeeld met Sanne: ik presenteer rustiger.',
        sharedWithManager: true,
      }),
    });
    tab = service;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await connector?.stop();
  });

  it("shows the traject, records time through its form, and lists the manager's people", async () => {
    const context = await browser.newContext({ locale: 'nl-NL', viewport: { width: 1000, height: 1400 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(msg.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));

    await page.goto(`${service.url}/tab/?as=${encodeURIComponent(`${TENANT_ID}:${sanne.aadObjectId}`)}`);
    await page.getByRole('heading', { name: 'Je weken' }).waitFor();
    const text = await page.locator('main').innerText();
    expect(text).toContain('Mijn Prof-traject');
    expect(text).toContain('0 van 80 uur');
    expect(text).toContain('Hoe kan ik als individu mijn performance');
    expect(await page.getByLabel('Mijn talenten').inputValue()).toBe('Rust brengen in een team');
    expect(await page.locator('.week').count()).toBe(26);
    // The colours are explained in words next to the strip.
    expect(await page.locator('.weeks-legend').innerText()).toMatch(/voorbij\s+deze week\s+nog te gaan/);
    // Nothing planned or proposed yet: the sections say so, and what to do.
    expect(text).toContain(
      'Er staan nog geen sessies gepland. Plan met je Prof-cirkel een Vitale Weekcyclus',
    );
    expect(text).toContain('Nog geen voorstellen.');
    expect(text).toContain('Je hebt nog geen notities gedeeld.');

    await page.getByLabel('Wat heb je gedaan?').fill('Podcast over feedback');
    await page.getByLabel('Minuten').fill('90');
    await page.getByRole('button', { name: 'Vastleggen' }).first().click();
    await page.getByText('1,5 van 80 uur').waitFor();

    await page.getByLabel('Mijn leerbehoeften').fill('AI kritisch inzetten, en beter plannen');
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await page.getByText('Opgeslagen.').waitFor();
    const saved = await fetch(`${service.url}/api/tab/me`, {
      headers: { authorization: `Dev ${TENANT_ID}:${sanne.aadObjectId}` },
    });
    expect(((await saved.json()) as { traject: { learningNeeds: string } }).traject.learningNeeds).toBe(
      'AI kritisch inzetten, en beter plannen',
    );

    const people = page.getByRole('heading', { name: 'Mijn mensen' });
    await people.waitFor();
    expect(await page.locator('.report').innerText()).toContain('Gedeeld met Sanne: ik presenteer rustiger.');
    expect(await page.locator('.report').innerText()).not.toContain('AI kritisch inzetten');

    await page.screenshot({ path: path.join(ARTIFACTS, 'tab-page.png'), fullPage: true });
    const narrow = await browser.newPage({ viewport: { width: 380, height: 900 }, locale: 'nl-NL' });
    await narrow.goto(`${service.url}/tab/?as=${encodeURIComponent(`${TENANT_ID}:${sanne.aadObjectId}`)}`);
    await narrow.getByRole('heading', { name: 'Je weken' }).waitFor();
    await narrow.screenshot({ path: path.join(ARTIFACTS, 'tab-page-phone.png'), fullPage: true });
    await narrow.close();

    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows upcoming sessions with join links, proposals with their status, the next conversation with the shared notes, and edits a note', async () => {
    await composeTraject(service, connector, lotte);
    const who = `Dev ${TENANT_ID}:${lotte.aadObjectId}`;
    const sharedNote = randomUUID();
    const privateNote = randomUUID();
    await callTabApi(service, 'POST', '/api/tab/me/notes', who, {
      id: sharedNote,
      text: 'Voor het gesprek: ik wil meer regie over mijn rooster.',
      sharedWithManager: true,
    });
    await callTabApi(service, 'POST', '/api/tab/me/notes', who, {
      id: privateNote,
      text: 'Privé: ik twijfel nog.',
    });
    const cycle = await seedCycle(service.mongo.db, {
      tenantId: TENANT_ID,
      circleName: 'De Verbeteraars',
      members: [lotte.aadObjectId],
      firstInHours: 20,
      joinUrl: (day) => teamsJoinUrl(`d${day}`),
    });
    await seedCycle(service.mongo.db, {
      tenantId: TENANT_ID,
      circleName: 'Vorige maand',
      members: [lotte.aadObjectId],
      firstInHours: -24 * 30,
      joinUrl: () => teamsJoinUrl('old'),
    });
    for (const [title, status, minutesAgo] of [
      ['Overdracht met een vaste checklist', 'validated', 30],
      ['Roosters samen maken', 'draft', 10],
      ['Alles automatiseren', 'rejected', 20],
    ] as const) {
      await seedProposal(service.mongo.db, {
        tenantId: TENANT_ID,
        title,
        contributors: [lotte.aadObjectId],
        status,
        question: 3,
        minutesAgo,
      });
    }

    const context = await browser.newContext({
      locale: 'nl-NL',
      timezoneId: 'Europe/Amsterdam',
      viewport: { width: 1000, height: 1400 },
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(msg.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
    await page.goto(`${tab.url}/tab/?as=${encodeURIComponent(`${TENANT_ID}:${lotte.aadObjectId}`)}`);
    await page.getByRole('heading', { name: 'Komende sessies' }).waitFor();

    // Sessions: the four to come, in the viewer's time zone, each with a real join link; none from last month.
    const sessions = page.getByRole('region', { name: 'Komende sessies' });
    expect(await sessions.getByRole('listitem').count()).toBe(4);
    const first = cycle.sessions[0]!;
    const time = new Intl.DateTimeFormat('nl-NL', {
      hour: '2-digit',
      minute: '2-digit',
      timeZone: 'Europe/Amsterdam',
    });
    const day = new Intl.DateTimeFormat('nl-NL', {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: 'Europe/Amsterdam',
    });
    const zoned = new Intl.DateTimeFormat('nl-NL', {
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
      timeZone: 'Europe/Amsterdam',
    });
    const when = `${day.format(first.start)}, ${time.format(first.start)}–${zoned.format(first.end)}`;
    // The viewer sees which time zone the times are in (Amsterdam: CET or CEST).
    expect(when).toMatch(/CES?T$/);
    expect(await sessions.getByRole('listitem').first().innerText()).toContain(when);
    expect(await sessions.innerText()).toContain('De Verbeteraars · sessie 1 van 4');
    const join = sessions.getByRole('link', { name: `Deelnemen aan de sessie van De Verbeteraars, ${when}` });
    expect(await join.innerText()).toBe('Deelnemen');
    expect(await join.getAttribute('href')).toBe(teamsJoinUrl('d0'));
    expect(await sessions.innerText()).not.toContain('Vorige maand');

    // Proposals, newest first, each with its status in words.
    const proposals = page.getByRole('region', { name: 'Voorstellen' });
    const items = await proposals.getByRole('listitem').allInnerTexts();
    expect(items.map((i) => i.split('\n')[0])).toEqual([
      'Roosters samen maken',
      'Alles automatiseren',
      'Overdracht met een vaste checklist',
    ]);
    expect(items[0]).toContain('Concept');
    expect(items[1]).toContain('Afgewezen');
    expect(items[2]).toContain('Gevalideerd');
    expect(await proposals.locator('.badge').first().textContent()).toBe('Status: ✎ Concept');

    // The next conversation, with the notes chosen for it by sharing them; never the private one.
    const conversation = page.getByRole('region', { name: 'Volgend talentontwikkelgesprek' });
    const conversationText = await conversation.innerText();
    expect(conversationText).toContain('Voor het gesprek: ik wil meer regie over mijn rooster.');
    expect(conversationText).not.toContain('Privé');
    expect(conversationText).toContain('Je kiest ze per notitie');

    // Edit a note with the keyboard only: Edit, type, Tab to Save, Enter.
    const item = page.locator(`[data-note-id="${privateNote}"]`);
    await item.getByRole('button', { name: 'Bewerken' }).focus();
    await page.keyboard.press('Enter');
    const editor = item.getByLabel('Notitie bewerken');
    expect(await hasFocus(editor)).toBe(true);
    await editor.fill('Privé: ik weet het nu zeker.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('status').getByText('Opgeslagen.').waitFor();
    const after = await callTabApi(service, 'GET', '/api/tab/me', who);
    expect((after.body.ledger as { id: string }[]).find((e) => e.id === privateNote)).toMatchObject({
      text: 'Privé: ik weet het nu zeker.',
      version: 2,
    });
    expect(await item.locator('.note-text').innerText()).toBe('Privé: ik weet het nu zeker.');
    expect(await hasFocus(item.getByRole('button', { name: 'Bewerken' }))).toBe(true);

    // Escape cancels and gives the focus back; nothing is saved.
    await page.keyboard.press('Enter');
    await item.getByLabel('Notitie bewerken').fill('Dit wil ik toch niet');
    await page.keyboard.press('Escape');
    expect(await item.locator('.note-text').innerText()).toBe('Privé: ik weet het nu zeker.');
    expect(await hasFocus(item.getByRole('button', { name: 'Bewerken' }))).toBe(true);

    // Changed elsewhere meanwhile: the page says so, shows the saved version and keeps the person's text.
    await item.getByRole('button', { name: 'Bewerken' }).click();
    await callTabApi(service, 'PATCH', `/api/tab/me/notes/${privateNote}`, who, {
      text: 'Van mijn telefoon',
      version: 2,
    });
    await item.getByLabel('Notitie bewerken').fill('Van mijn laptop');
    await item.getByRole('button', { name: 'Notitie opslaan' }).click();
    await page
      .getByRole('status')
      .getByText('Deze notitie is intussen ergens anders gewijzigd.', { exact: false })
      .waitFor();
    expect(await item.locator('.saved-version').innerText()).toContain('Van mijn telefoon');
    expect(await item.getByLabel('Notitie bewerken').inputValue()).toBe('Van mijn laptop');
    await item.getByRole('button', { name: 'Notitie opslaan' }).click();
    await page.getByRole('status').getByText('Opgeslagen.').waitFor();
    expect(await item.locator('.note-text').innerText()).toBe('Van mijn laptop');

    // Sharing a note chooses it for the conversation.
    await item.getByLabel('Delen met mijn leidinggevende').check();
    await page.getByRole('status').getByText('Opgeslagen.').waitFor();
    await conversation.getByText('Van mijn laptop').waitFor();
    expect(await hasFocus(item.getByLabel('Delen met mijn leidinggevende'))).toBe(true);

    await page.screenshot({ path: path.join(ARTIFACTS, 'tab-page-sessions.png'), fullPage: true });
    for (const theme of ['dark', 'contrast']) {
      await page.locator('body').evaluate((body, name) => {
        body.dataset.theme = name;
      }, theme);
      await page.screenshot({ path: path.join(ARTIFACTS, `tab-page-sessions-${theme}.png`), fullPage: true });
    }
    // The browser logs every answer of 4xx; the conflict above is the only one there may be.
    expect(problems).toEqual([
      'Failed to load resource: the server responded with a status of 409 (Conflict)',
    ]);
    await context.close();

    // In English, from the Teams locale, and in another time zone.
    const english = await browser.newContext({ locale: 'en-US', timezoneId: 'America/New_York' });
    const enPage = await english.newPage();
    await enPage.goto(`${tab.url}/tab/?as=${encodeURIComponent(`${TENANT_ID}:${lotte.aadObjectId}`)}`);
    await enPage.getByRole('heading', { name: 'Upcoming sessions' }).waitFor();
    const enTime = new Intl.DateTimeFormat('en-US', {
      hour: '2-digit',
      minute: '2-digit',
      timeZone: 'America/New_York',
    }).format(first.start);
    expect(await enPage.getByRole('region', { name: 'Upcoming sessions' }).innerText()).toContain(enTime);
    expect(await enPage.getByRole('region', { name: 'Upcoming sessions' }).innerText()).toMatch(/E[SD]T\b/);
    const enProposals = await enPage.getByRole('region', { name: 'Proposals' }).innerText();
    expect(enProposals).toContain('Validated');
    expect(enProposals).toContain('Draft');
    expect(await enPage.getByRole('link', { name: /^Join the session of De Verbeteraars/ }).count()).toBe(4);
    await english.close();
  });

  it('says plainly that it belongs in Teams when development mode is off', async () => {
    const plain = await startTestService();
    try {
      const page = await browser.newPage({ locale: 'en-US' });
      await page.goto(`${plain.url}/tab/`);
      await page.getByText('Open this page in Microsoft Teams.').waitFor();
      await page.close();
    } finally {
      await plain.stop();
    }
  });
});
