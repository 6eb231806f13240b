import type * as TeamsJs from '@microsoft/teams-js';
import { renderCard, type Theme } from './card-host';
import { fill, textsFor, type Texts } from './texts';
import { insideTeams } from './teams-host';

/**
 * The session in the meeting window: the meeting side panel (meeting.html) and the meeting stage
 * (stage.html), one script for both (`<body data-view="panel|stage">`). Both show today's session of the
 * meeting's chat from GET /api/tab/meeting/session: the panel the chat's card as this member sees it (to
 * read along; people act on the card in the chat), the current stage and a countdown to the end of its
 * time box, and a button that shares the stage page to the meeting stage; the stage the proposal (or the
 * current stage) large enough for a room. Both render the bot's own card JSON with the `adaptivecards`
 * renderer and poll every 5 seconds while visible.
 *
 * Outside Teams (development, tests) they work as the personal tab does: only in the service's development
 * mode, as the identity in `?as=<tenantId>:<aadObjectId>` (or the one picked before), with the chat in
 * `?chatId=`.
 *
 * What the app manifest (manifest/manifest.json) declares for these pages:
 * - a `configurableTabs` entry whose configuration page (config.html, src/config.ts) hands Teams
 *   `{publicUrl}/tab/meeting.html` as the content URL, with `scopes: ["groupChat"]` and the contexts
 *   meetingChatTab, meetingDetailsTab, meetingSidePanel and meetingStage;
 * - `authorization.permissions.resourceSpecific`: `{ "name": "MeetingStage.Write.Chat", "type":
 *   "Delegated" }`, without which `meeting.shareAppContentToStage` fails (ChannelMeetingStage.Write.Group
 *   would be needed for channel meetings, which the tab does not offer);
 * - the service's host in `validDomains`: the stage URL shared is `{publicUrl}/tab/stage.html?chatId=…`,
 *   and Teams opens only URLs of the app's valid domains on the stage;
 * - `webApplicationInfo` (id and resource) for the SSO token, as for the personal tab.
 */

type View = 'panel' | 'stage';
type Phase = 'kickoff' | 'stages' | 'summary';

interface MeetingSession {
  sessionId: string;
  circleName: string;
  locale: string;
  phase: Phase;
  closed: boolean;
  stage: { index: number; kind: string; title: string; endsAt: string | null } | null;
  card: unknown;
  stageCard: unknown;
  /** The service's clock when it answered: the countdown follows it, not this device's clock. */
  serverTime?: string;
}

type Problem = 'noChat' | 'noSession' | 'notMember' | 'signedOut' | 'offline' | 'outside';

const POLL_MS = 5000;
const DEV_IDENTITY_KEY = 'wpl-dev-identity';

const view: View = document.body.dataset.view === 'stage' ? 'stage' : 'panel';
let t: Texts = textsFor('nl');
let theme: Theme = 'default';
let teamsSdk: typeof TeamsJs | undefined;
let chatId: string | undefined;
/** How the next request signs in: a fresh Teams SSO token each time (Teams caches it), or the dev identity. */
let authorize: () => Promise<string> = () => Promise.reject(new Error('not signed in'));

let shown: MeetingSession | undefined;
let shownCardJson = '';
/** Milliseconds to add to this device's clock to get the service's. */
let clockOffset = 0;
let pollTimer: ReturnType<typeof setTimeout> | undefined;
let tickTimer: ReturnType<typeof setInterval> | undefined;
let lastSpoken = '';
let lastStatus = '';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T | null;

/** The page's status line (role=status): said once when it changes, never repeated on every poll. */
function status(text: string): void {
  if (text === lastStatus) return;
  lastStatus = text;
  const line = byId('status');
  if (line) line.textContent = text;
}

/** Says the time left, only when the minute changes (the visible timer ticks every second, silently). */
function speakTime(text: string): void {
  if (text === lastSpoken) return;
  lastSpoken = text;
  const live = byId('timer-live');
  if (live) live.textContent = text;
}

function setLanguage(locale: string | undefined): void {
  const language = locale?.toLowerCase().startsWith('en') ? 'en' : 'nl';
  t = textsFor(language);
  document.documentElement.lang = language;
  const title = view === 'stage' ? t.meeting.stageTitle : t.meeting.panelTitle;
  document.title = `${title} · Werkplekleren+`;
  const heading = byId('title');
  if (heading) heading.textContent = title;
  const label = byId('timer-label');
  if (label) label.textContent = t.meeting.timerLabel;
  const share = byId('share');
  if (share) share.textContent = t.meeting.share;
  const hint = byId('hint');
  if (hint) hint.textContent = t.meeting.actInChat;
}

function applyTheme(name: string | undefined): void {
  theme = name === 'dark' || name === 'contrast' ? name : 'default';
  document.body.dataset.theme = theme;
  // The card's colours come from the host config: draw it again in the new theme.
  if (shown) {
    shownCardJson = '';
    showSession(shown);
  }
}

function openUrl(url: string): void {
  if (teamsSdk) void teamsSdk.app.openLink(url).catch(() => window.open(url, '_blank', 'noopener'));
  else window.open(url, '_blank', 'noopener');
}

function problemText(problem: Problem): string {
  return problem === 'outside' ? t.outside : t.meeting[problem];
}

/** Shows why there is no session to show; the last card stays when the connection only dropped. */
function showProblem(problem: Problem): void {
  status(problemText(problem));
  if (problem === 'offline') return;
  shown = undefined;
  shownCardJson = '';
  byId('card')?.replaceChildren();
  const now = byId('now');
  if (now) now.hidden = true;
  const hint = byId('hint');
  if (hint) hint.hidden = true;
  speakTime('');
  stopTicking();
}

function stageLine(session: MeetingSession): string {
  if (session.closed) return t.meeting.closed;
  if (session.phase === 'kickoff') return t.meeting.kickoff;
  if (session.phase === 'summary' || !session.stage) return t.meeting.summary;
  return fill(t.meeting.stageProgress, { n: session.stage.index + 1, title: session.stage.title });
}

function showSession(session: MeetingSession): void {
  shown = session;
  const line = stageLine(session);
  const lineElement = byId('stage-line');
  if (lineElement) lineElement.textContent = line;
  const now = byId('now');
  if (now) now.hidden = false;
  const hint = byId('hint');
  if (hint) hint.hidden = view !== 'panel';
  // The stage line is a live region of its own: a new stage is said once. The card below it is not one: it
  // is read when visited.
  status('');

  const json = view === 'stage' ? session.stageCard : session.card;
  const text = JSON.stringify(json);
  if (text !== shownCardJson) {
    const target = byId('card');
    if (target) {
      let ok = false;
      try {
        ok = renderCard(target, json, {
          theme,
          scale: view === 'stage' ? 1.6 : 1,
          lang: session.locale,
          openUrl,
        });
      } catch {
        ok = false;
      }
      if (!ok)
        target.replaceChildren(
          Object.assign(document.createElement('p'), { textContent: t.meeting.cardFailed }),
        );
    }
    shownCardJson = text;
  }
  tick();
  if (session.stage?.endsAt) startTicking();
  else stopTicking();
}

function formatLeft(ms: number): string {
  const total = Math.ceil(ms / 1000);
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${minutes}:${String(seconds).padStart(2, '0')}`;
}

/** The countdown: the visible timer every second; the spoken line only when the whole minutes change. */
function tick(): void {
  const timer = byId('timer');
  const box = byId('timer-box');
  const endsAt = shown?.stage?.endsAt;
  if (!timer || !box) return;
  if (!endsAt || shown?.closed) {
    box.hidden = true;
    speakTime('');
    return;
  }
  box.hidden = false;
  const left = Date.parse(endsAt) - (Date.now() + clockOffset);
  if (left <= 0) {
    timer.textContent = t.meeting.timeUp;
    box.dataset.state = 'over';
    speakTime(t.meeting.timeUpSpoken);
    return;
  }
  timer.textContent = formatLeft(left);
  box.dataset.state = left <= 60_000 ? 'last' : 'running';
  const minutes = Math.ceil(left / 60_000);
  speakTime(minutes === 1 ? t.meeting.oneMinuteLeft : fill(t.meeting.minutesLeft, { n: minutes }));
}

function startTicking(): void {
  if (tickTimer === undefined) tickTimer = setInterval(tick, 1000);
}

function stopTicking(): void {
  if (tickTimer !== undefined) clearInterval(tickTimer);
  tickTimer = undefined;
}

/** One poll at a time: the page coming back into view while one is under way starts no second chain. */
let polling = false;

async function poll(): Promise<void> {
  if (polling) return;
  polling = true;
  try {
    await pollOnce();
  } finally {
    polling = false;
  }
  schedule();
}

async function pollOnce(): Promise<void> {
  if (pollTimer !== undefined) clearTimeout(pollTimer);
  pollTimer = undefined;
  if (!chatId) return;
  let authorization: string;
  try {
    authorization = await authorize();
  } catch {
    showProblem('signedOut');
    return;
  }
  try {
    const response = await fetch(`/api/tab/meeting/session?chatId=${encodeURIComponent(chatId)}`, {
      headers: { authorization },
      cache: 'no-store',
    });
    if (response.ok) {
      const session = (await response.json()) as MeetingSession;
      if (session.serverTime) clockOffset = Date.parse(session.serverTime) - Date.now();
      showSession(session);
    } else if (response.status === 404) showProblem('noSession');
    else if (response.status === 403) showProblem('notMember');
    else if (response.status === 401) showProblem('signedOut');
    else showProblem('offline');
  } catch {
    showProblem('offline');
  }
}

/** The next poll, only while the page is visible: a hidden panel asks nothing. */
function schedule(): void {
  if (pollTimer !== undefined) clearTimeout(pollTimer);
  pollTimer = document.hidden ? undefined : setTimeout(() => void poll(), POLL_MS);
}

document.addEventListener('visibilitychange', () => {
  if (document.hidden) {
    if (pollTimer !== undefined) clearTimeout(pollTimer);
    pollTimer = undefined;
    stopTicking();
  } else if (chatId) {
    void poll();
  }
});

/**
 * The share button: only in the meeting side panel (shareAppContentToStage works from there) and only when
 * Teams says the app may share to this meeting's stage. teams-js 2.58 has no `meeting.isSupported()`; the
 * frame context and the sharing capabilities are what tell.
 */
function offerShare(teams: typeof TeamsJs, context: TeamsJs.app.Context): void {
  const button = byId<HTMLButtonElement>('share');
  if (!button || view !== 'panel' || !chatId) return;
  if (context.page.frameContext !== teams.FrameContexts.sidePanel) return;
  const stageUrl = new URL('stage.html', location.href);
  stageUrl.search = new URLSearchParams({ chatId }).toString();
  // Its own status line, so the next poll does not overwrite what the share did.
  const said = (text: string) => {
    const line = byId('share-status');
    if (line) line.textContent = text;
  };
  button.addEventListener('click', () => {
    said(t.meeting.sharing);
    button.disabled = true;
    teams.meeting.shareAppContentToStage((error, result) => {
      button.disabled = false;
      said(error || !result ? t.meeting.shareFailed : t.meeting.shared);
    }, stageUrl.toString());
  });
  try {
    teams.meeting.getAppContentStageSharingCapabilities((error, capabilities) => {
      button.hidden = error !== null || capabilities?.doesAppHaveSharePermission !== true;
    });
  } catch {
    button.hidden = true;
  }
}

/** Development only: the identity from `?as=`, the one picked before, or one picked now from a list. */
async function devIdentity(): Promise<string | undefined> {
  const wanted = new URLSearchParams(location.search).get('as') ?? sessionStorage.getItem(DEV_IDENTITY_KEY);
  if (wanted) {
    sessionStorage.setItem(DEV_IDENTITY_KEY, wanted);
    return wanted;
  }
  const response = await fetch('/api/tab/dev/identities');
  if (!response.ok) return undefined;
  const { identities } = (await response.json()) as { identities: { id: string; name: string }[] };
  const select = document.createElement('select');
  select.id = 'identity';
  for (const identity of identities) {
    select.append(new Option(identity.name || identity.id, identity.id));
  }
  const label = Object.assign(document.createElement('label'), {
    htmlFor: 'identity',
    textContent: t.pickIdentity,
  });
  const button = Object.assign(document.createElement('button'), {
    type: 'submit',
    textContent: t.pickButton,
  });
  const form = document.createElement('form');
  form.append(label, select, button);
  byId('card')?.replaceChildren(form);
  status('');
  return new Promise((resolve) => {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      sessionStorage.setItem(DEV_IDENTITY_KEY, select.value);
      form.remove();
      resolve(select.value);
    });
  });
}

async function start(): Promise<void> {
  setLanguage(navigator.language);
  applyTheme(undefined);
  status(t.loading);
  const fromUrl = new URLSearchParams(location.search).get('chatId') ?? undefined;
  try {
    const teams = await insideTeams();
    if (teams) {
      const context = await teams.app.getContext();
      teamsSdk = teams;
      setLanguage(context.app.locale);
      applyTheme(context.app.theme);
      teams.app.registerOnThemeChangeHandler(applyTheme);
      // In a meeting the chat is the meeting's chat; the stage page also gets it in its URL.
      chatId = context.chat?.id ?? fromUrl;
      authorize = async () => `Bearer ${await teams.authentication.getAuthToken()}`;
      offerShare(teams, context);
      void teams.app.notifySuccess();
    } else {
      chatId = fromUrl;
      // Development: the page in Teams' dark or high-contrast theme, as `?theme=dark|contrast`.
      applyTheme(new URLSearchParams(location.search).get('theme') ?? undefined);
      const config = (await (await fetch('/api/tab/config')).json()) as { devMode: boolean };
      const identity = config.devMode ? await devIdentity() : undefined;
      if (!identity) {
        showProblem('outside');
        return;
      }
      authorize = () => Promise.resolve(`Dev ${identity}`);
    }
  } catch {
    showProblem('offline');
    return;
  }
  if (!chatId) {
    showProblem('noChat');
    return;
  }
  await poll();
}

void start();
