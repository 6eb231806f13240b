import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MemoryStorage, TestAdapter } from 'botbuilder';
import { createApp } from '../../bot/src/app';
import { createBotAdapter } from '../../bot/src/bot-adapter';
import { ALL_COMMANDS } from '../../bot/src/cards/commands';
import { translator } from '../../bot/src/cards/i18n';
import { TRAJECT_TAB_ENTITY_ID } from '../../bot/src/cards/tab-link';
import { parseConfig } from '../../bot/src/config';
import type { Locale } from '../../bot/src/domain/locale';
import type { FeatureDeps } from '../../bot/src/features/shared/deps';
import type { Service } from '../../bot/src/main';
import { MEETING_TAB_ENTITY_ID, meetingTabConfig } from '../../tab/src/meeting-tab';
import { textsFor } from '../../tab/src/texts';
import { message, person, TENANT_ID } from '../support/activities';
import { jsonEntry, PACKAGE_ENV, readZip, runPackager } from '../support/app-package';
import { FakeBotConnector } from '../support/bot-connector.fake';
import { postActivity, startTestService } from '../support/service';

const ROOT = path.resolve(__dirname, '../..');

interface Command {
  title: string;
  description: string;
}
interface Manifest {
  bots: { botId: string; scopes: string[]; commandLists: { scopes: string[]; commands: Command[] }[] }[];
  staticTabs: { entityId: string; name: string; contentUrl: string; websiteUrl: string; scopes: string[] }[];
  configurableTabs: { id: string; configurationUrl: string; scopes: string[]; context: string[] }[];
  validDomains: string[];
  webApplicationInfo: { id: string; resource: string };
  authorization: { permissions: { resourceSpecific: { name: string; type: string }[] } };
}

/** Every .ts file under a folder of the repository, as one text, for what the code calls. */
function sourceOf(folder: string): string {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const file = path.join(dir, name);
      return statSync(file).isDirectory() ? walk(file) : file.endsWith('.ts') ? [file] : [];
    });
  return walk(path.join(ROOT, folder))
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
}

/**
 * Which Teams event activities the bot's Application has a handler for. The app is built as main.ts builds
 * it, with dependencies that record their first use after registration and then fail: a handler that ran
 * reached for them; an activity no route takes leaves them untouched.
 */
async function handledEvents(names: readonly string[]): Promise<Set<string>> {
  let armed = false;
  const touched: string[] = [];
  const inert = (): unknown =>
    new Proxy(function () {}, {
      get: (_t, key) => (key === 'then' ? undefined : inert()),
      apply: () => inert(),
    });
  const deps = new Proxy({} as FeatureDeps, {
    get: (_t, key) => {
      if (!armed) return inert();
      touched.push(String(key));
      throw new Error(`probe: deps.${String(key)}`);
    },
  });
  const app = createApp({ adapter: createBotAdapter(undefined), storage: new MemoryStorage(), deps });
  armed = true;
  const handled = new Set<string>();
  for (const name of names) {
    touched.length = 0;
    const adapter = new TestAdapter(
      async (context) => {
        await app.run(context);
      },
      {
        channelId: 'msteams',
        conversation: { id: '19:meeting_probe@thread.v2', conversationType: 'groupChat', isGroup: true },
      } as never,
    );
    await adapter
      .send({
        type: 'event',
        name,
        from: { id: '29:probe', aadObjectId: '00000000-0000-0000-0000-000000000001' },
        channelData: { tenant: { id: TENANT_ID }, meeting: { id: 'probe-meeting' } },
        value: { Id: 'probe-meeting', StartTime: new Date().toISOString(), members: [] },
      } as never)
      .catch(() => undefined);
    if (touched.length > 0) handled.add(name);
  }
  return handled;
}

/**
 * The app package against the code, so neither drifts: the commands Teams offers are the ones the running
 * bot answers, the tabs are pages the service serves on the domain the package declares, the tab's sign-in
 * audience is one the service accepts, and the resource-specific permissions are exactly those the code needs.
 */
describe('the Teams app package declares what the code does', () => {
  let work: string;
  let manifest: Manifest;
  let english: Record<string, string>;
  let connector: FakeBotConnector;
  let service: Service;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'wpl-drift-'));
    const run = await runPackager({ ...PACKAGE_ENV }, ['--out', work]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const entries = await readZip(path.join(work, 'appPackage.zip'));
    manifest = jsonEntry<Manifest>(entries, 'manifest.json');
    english = jsonEntry<Record<string, string>>(entries, 'en.json');
    execFileSync(process.execPath, [path.join(ROOT, 'tab/build.mjs')]);
    connector = await new FakeBotConnector().start();
    service = await startTestService();
  });
  afterAll(async () => {
    await service?.stop();
    await connector?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const expectedCommands = (locale: Locale): Command[] =>
    ALL_COMMANDS.map((command) => ({
      title: command.words[locale][0]!,
      description: translator(locale)(command.description),
    }));

  /** The English command list, as en.json overrides the manifest's Dutch one key by key. */
  const englishCommands = (): Command[] =>
    manifest.bots[0]!.commandLists[0]!.commands.map((_, i) => ({
      title: english[`bots[0].commandLists[0].commands[${i}].title`]!,
      description: english[`bots[0].commandLists[0].commands[${i}].description`]!,
    }));

  it('offers the commands of bot/src/cards/commands.ts with the texts of the help card, in Dutch and English', () => {
    const bot = manifest.bots[0]!;
    expect(bot.scopes).toEqual(['personal', 'groupChat', 'team']);
    expect(bot.commandLists).toEqual([{ scopes: bot.scopes, commands: expectedCommands('nl') }]);
    expect(englishCommands()).toEqual(expectedCommands('en'));
    // Teams' own limits, tighter than the schema's.
    for (const commands of [bot.commandLists[0]!.commands, englishCommands()]) {
      expect(commands.length).toBeLessThanOrEqual(10);
      for (const command of commands) {
        expect(command.title.length).toBeLessThanOrEqual(32);
        expect(command.description.length).toBeLessThanOrEqual(128);
      }
    }
  });

  it.each([
    ['nl', 'nl-NL'],
    ['en', 'en-US'],
  ] as const)('lists only commands the running bot answers (%s)', async (locale, teamsLocale) => {
    const commands = locale === 'nl' ? manifest.bots[0]!.commandLists[0]!.commands : englishCommands();
    const t = translator(locale);
    const notUnderstood = [t('reply.unknown'), t('reply.error')];
    for (const { title } of commands) {
      const who = person(`Probe ${title}`, teamsLocale);
      // Picking a command from the menu sends its title as the message.
      const activity = message(connector.serviceUrl, who, title);
      expect((await postActivity(service, activity)).status).toBe(200);
      const replies = () =>
        connector.messages(activity.conversation.id).filter((r) => r.replyToId === activity.id);
      await connector.waitFor(() => replies().length > 0);
      const texts = replies().map((r) => r.body.text ?? '');
      expect({ title, texts }).toEqual({
        title,
        texts: texts.filter((text) => !notUnderstood.includes(text)),
      });
    }
  });

  it('declares the personal tab "Mijn Prof-traject" at the page the service serves', async () => {
    const [tab] = manifest.staticTabs;
    expect(manifest.staticTabs).toHaveLength(1);
    expect(tab).toMatchObject({
      entityId: TRAJECT_TAB_ENTITY_ID,
      name: textsFor('nl').title,
      scopes: ['personal'],
    });
    expect(english['staticTabs[0].name']).toBe(textsFor('en').title);
    expect(tab!.contentUrl).toBe(`${PACKAGE_ENV.PUBLIC_URL}/tab/`);
    expect(tab!.websiteUrl).toBe(tab!.contentUrl);
    await expectServed(tab!.contentUrl, './index.js');
  });

  it('declares the meeting tab, whose configuration page hands Teams a page the service serves', async () => {
    const [tab] = manifest.configurableTabs;
    expect(manifest.configurableTabs).toHaveLength(1);
    expect(tab).toMatchObject({
      id: MEETING_TAB_ENTITY_ID,
      scopes: ['groupChat'],
      context: ['meetingChatTab', 'meetingDetailsTab', 'meetingSidePanel', 'meetingStage'],
    });
    expect(tab!.configurationUrl).toBe(`${PACKAGE_ENV.PUBLIC_URL}/tab/config.html`);
    await expectServed(tab!.configurationUrl, './config.js');
    await expectServed(new URL('config.js', tab!.configurationUrl).toString(), 'setValidityState');
    for (const language of ['nl', 'en'] as const) {
      const config = meetingTabConfig(`${tab!.configurationUrl}?theme=dark`, language);
      expect(config).toEqual({
        entityId: MEETING_TAB_ENTITY_ID,
        contentUrl: `${PACKAGE_ENV.PUBLIC_URL}/tab/meeting.html`,
        websiteUrl: `${PACKAGE_ENV.PUBLIC_URL}/tab/meeting.html`,
        suggestedDisplayName: textsFor(language).config.tabName,
      });
      await expectServed(config.contentUrl, './meeting.js');
    }
    // The side panel shares this page to the meeting stage (tab/src/meeting.ts).
    await expectServed(`${PACKAGE_ENV.PUBLIC_URL}/tab/stage.html`, './meeting.js');
  });

  it('names the host of every page it opens, and no other, as a valid domain', () => {
    const urls = [
      ...manifest.staticTabs.flatMap((t) => [t.contentUrl, t.websiteUrl]),
      ...manifest.configurableTabs.map((t) => t.configurationUrl),
    ];
    expect(manifest.validDomains).toEqual([...new Set(urls.map((url) => new URL(url).host))]);
  });

  it("signs the tab in with an audience the service's TAB_SSO_AUDIENCE accepts", () => {
    const { id, resource } = manifest.webApplicationInfo;
    expect(id).toBe(PACKAGE_ENV.MicrosoftAppId);
    expect(manifest.bots[0]!.botId).toBe(PACKAGE_ENV.MicrosoftAppId);
    expect(resource).toBe(`api://${new URL(PACKAGE_ENV.PUBLIC_URL).host}/${PACKAGE_ENV.MicrosoftAppId}`);
    expect(parseConfig({ TAB_SSO_AUDIENCE: resource }).tab.ssoAudiences).toEqual([resource]);
  });

  it('asks for exactly the resource-specific permissions the code needs', async () => {
    const bot = sourceOf('bot/src');
    const tab = sourceOf('tab/src');
    const start = 'application/vnd.microsoft.meetingStart';
    const end = 'application/vnd.microsoft.meetingEnd';
    // teams-ai v1 routes the plural spelling, botbuilder and the newer Teams SDK the singular.
    const participants = ['Join', 'Leave'].flatMap((what) => [
      `application/vnd.microsoft.meetingParticipant${what}`,
      `application/vnd.microsoft.meetingParticipants${what}`,
    ]);
    const handled = await handledEvents([start, end, ...participants]);

    /** Each permission with what in the code needs it; Teams sends or allows nothing of it without. */
    const needs = [
      {
        permission: { name: 'OnlineMeeting.ReadBasic.Chat', type: 'Application' },
        // Meeting start and end events, and the meeting's details (join URL, title) by GET v1/meetings/{id}.
        needed: handled.has(start) || handled.has(end) || /\bgetMeetingInfo\(/.test(bot),
      },
      {
        permission: { name: 'OnlineMeetingParticipant.Read.Chat', type: 'Application' },
        // Participant join and leave events, and a participant's role by GET v1/meetings/{id}/participants.
        needed: participants.some((name) => handled.has(name)) || /\bgetMeetingParticipant\(/.test(bot),
      },
      {
        permission: { name: 'OnlineMeetingNotification.Send.Chat', type: 'Application' },
        needed: /\bsendMeetingNotification\(/.test(bot),
      },
      {
        permission: { name: 'MeetingStage.Write.Chat', type: 'Delegated' },
        // The side panel's "share to stage" button.
        needed: /\bshareAppContentToStage\(/.test(tab),
      },
    ];
    const expected = needs.filter((n) => n.needed).map((n) => n.permission);
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect([...manifest.authorization.permissions.resourceSpecific].sort(byName)).toEqual(
      expected.sort(byName),
    );
    // What the code does today, so a change to it is a decision about the manifest too.
    expect([...handled].sort()).toEqual([end, start]);
  });

  /** The page at a manifest URL, fetched from the running service in place of the public host. */
  async function expectServed(url: string, contains: string): Promise<void> {
    expect(url.startsWith(`${PACKAGE_ENV.PUBLIC_URL}/`)).toBe(true);
    const response = await fetch(`${service.url}${url.slice(PACKAGE_ENV.PUBLIC_URL.length)}`);
    expect({ url, status: response.status }).toEqual({ url, status: 200 });
    expect(await response.text()).toContain(contains);
  }
});
