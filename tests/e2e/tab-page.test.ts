import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser } from 'playwright-core';
import type { Service } from '../../bot/src/main';
import { person, TENANT_ID } from '../support/activities';
import { FakeBotConnector } from '../support/bot-connector.fake';
import { composeTraject } from '../support/flows';
import { startTestService } from '../support/service';

const ROOT = path.resolve(__dirname, '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, '.artifacts');

/**
 * The tab page in a real browser (Debian's Chromium, headless), outside Teams in development mode: it shows
 * a seeded traject, records time through its form, shows a manager their people, and logs no errors.
 */
describe('the tab page in headless Chromium', () => {
  let connector: FakeBotConnector;
  let service: Service;
  let browser: Browser;
  const sanne = person('Sanne de Vries');
  const ruben = person('Ruben Rapport');

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`No ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium)`);
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
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
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
