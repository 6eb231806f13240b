import type * as TeamsJs from '@microsoft/teams-js';
import { fill, question, textsFor, type Language, type Texts } from './texts';

/**
 * "Mijn Prof-traject": the professional's overview, and for a manager the people who report to them.
 * Inside Teams it signs in with the Teams SSO token; outside Teams only in the service's development mode.
 */

interface Used {
  activeWeeks: number;
  minutesUsed: number;
  proposals: number;
}
interface TrajectView {
  startDate: string;
  endDate: string;
  durationMonths: number;
  activeWeeksTarget: number;
  hoursMadeAvailable: number;
  questions: number[];
  talents: string;
  learningNeeds: string;
  nextTalentConversation: string;
  version: number;
  used: Used;
}
interface Entry {
  id: string;
  kind: 'time' | 'note';
  what?: string;
  learningKind?: string;
  date?: string;
  minutes?: number;
  text?: string;
  sharedWithManager?: boolean;
}
interface Me {
  me: { id: string; name: string };
  traject: TrajectView | null;
  ledger: Entry[];
}
interface Report {
  id: string;
  name: string;
  activeWeeks: { done: number; target: number | null };
  time: { minutesUsed: number; hoursMadeAvailable: number | null };
  validatedProposals: number;
  sharedNotes: { id: string; text: string }[];
}

type Child = Node | string | null | undefined | false;

function h(
  tag: string,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    // Text always goes in as text: what people typed is never parsed as HTML.
    element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return element;
}

let authorization = '';
let language: Language = 'nl';
let t: Texts = textsFor('nl');

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status}`);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

const main = () => document.getElementById('app') as HTMLElement;
const status = (text: string) => {
  const line = document.getElementById('status');
  if (line) line.textContent = text;
};

/** A text field of a form (FormData values are strings for text inputs, File only for file inputs). */
function field(data: FormData, name: string, fallback = ''): string {
  const value = data.get(name);
  return typeof value === 'string' ? value : fallback;
}

/** Sends a change, then shows the page as it now is; says what is happening in the status line. */
function save(refresh: () => Promise<void>, method: string, path: string, body: unknown): void {
  status(t.saving);
  api(method, path, body).then(
    async () => {
      await refresh();
      status(t.saved);
    },
    () => status(t.failed),
  );
}

function formatHours(minutes: number): string {
  return new Intl.NumberFormat(language === 'en' ? 'en-GB' : 'nl-NL', { maximumFractionDigits: 1 }).format(
    minutes / 60,
  );
}

function formatDate(iso: string): string {
  return new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'nl-NL', {
    dateStyle: 'long',
    timeZone: 'UTC',
  }).format(new Date(`${iso}T00:00:00Z`));
}

function meter(label: string, value: number, max: number, text: string): HTMLElement {
  return h(
    'div',
    { class: 'figure' },
    h('span', { class: 'figure-label' }, label),
    h('span', { class: 'figure-value' }, text),
    max > 0
      ? h('progress', {
          value: String(Math.min(value, max)),
          max: String(max),
          'aria-label': `${label}: ${text}`,
        })
      : null,
  );
}

function timeline(traject: TrajectView): HTMLElement {
  const start = Date.parse(`${traject.startDate}T00:00:00Z`);
  const weeks = Math.max(
    1,
    Math.round((Date.parse(`${traject.endDate}T00:00:00Z`) - start) / (7 * 86_400_000)),
  );
  const now = Math.floor((Date.now() - start) / (7 * 86_400_000));
  const list = h('ol', { class: 'weeks', 'aria-label': t.timeline });
  for (let i = 0; i < weeks; i++) {
    const state = i < now ? 'past' : i === now ? 'now' : 'planned';
    const label = fill(state === 'past' ? t.weekPast : state === 'now' ? t.weekNow : t.weekPlanned, {
      n: i + 1,
    });
    list.append(h('li', { class: `week week-${state}`, title: label, 'aria-label': label }));
  }
  return h('section', {}, h('h2', {}, t.timeline), list);
}

function ownWordsSection(traject: TrajectView, refresh: () => Promise<void>): HTMLElement {
  const form = h(
    'form',
    { class: 'own-words-form' },
    h('label', {}, t.talents, h('textarea', { name: 'talents', rows: '3', maxlength: '2000' })),
    h('label', {}, t.learningNeeds, h('textarea', { name: 'learningNeeds', rows: '3', maxlength: '2000' })),
    h('button', { type: 'submit' }, t.saveOwnWords),
  ) as HTMLFormElement;
  // Values go in as values, never as markup.
  (form.elements.namedItem('talents') as HTMLTextAreaElement).value = traject.talents;
  (form.elements.namedItem('learningNeeds') as HTMLTextAreaElement).value = traject.learningNeeds;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    save(refresh, 'PATCH', '/api/tab/me/traject', {
      version: traject.version,
      submissionId: crypto.randomUUID(),
      talents: field(data, 'talents'),
      learningNeeds: field(data, 'learningNeeds'),
    });
  });
  return h('section', {}, h('h2', {}, t.ownWords), form);
}

function ledgerSection(entries: Entry[], refresh: () => Promise<void>): HTMLElement {
  const times = entries.filter((e) => e.kind === 'time');
  const form = h(
    'form',
    { class: 'row-form' },
    h('label', {}, t.what, h('input', { name: 'what', required: true, maxlength: '200' })),
    h(
      'label',
      {},
      t.kind,
      h(
        'select',
        { name: 'learningKind' },
        ...Object.entries(t.kinds).map(([value, title]) => h('option', { value }, title)),
      ),
    ),
    h(
      'label',
      {},
      t.date,
      h('input', {
        name: 'date',
        type: 'date',
        required: true,
        value: new Date().toISOString().slice(0, 10),
      }),
    ),
    h(
      'label',
      {},
      t.minutes,
      h('input', { name: 'minutes', type: 'number', min: '1', max: '600', required: true, value: '30' }),
    ),
    h('button', { type: 'submit' }, t.add),
  ) as HTMLFormElement;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    save(refresh, 'POST', '/api/tab/me/time', {
      id: crypto.randomUUID(),
      what: field(data, 'what', ''),
      learningKind: field(data, 'learningKind', 'other'),
      date: field(data, 'date', ''),
      minutes: Number(data.get('minutes')),
    });
  });
  return h(
    'section',
    {},
    h('h2', {}, t.ledger),
    times.length === 0
      ? h('p', {}, t.ledgerEmpty)
      : h(
          'ul',
          {},
          ...times.map((e) =>
            h(
              'li',
              {},
              `${e.date ? formatDate(e.date) : ''} · ${t.kinds[e.learningKind as keyof Texts['kinds']] ?? ''} · ${e.what ?? ''} · ${e.minutes ?? 0} min`,
            ),
          ),
        ),
    form,
  );
}

function notesSection(entries: Entry[], refresh: () => Promise<void>): HTMLElement {
  const notes = entries.filter((e) => e.kind === 'note');
  const form = h(
    'form',
    {},
    h('label', {}, t.noteText, h('textarea', { name: 'text', required: true, maxlength: '4000', rows: '3' })),
    h('label', { class: 'inline' }, h('input', { type: 'checkbox', name: 'shared' }), t.share),
    h('button', { type: 'submit' }, t.add),
  ) as HTMLFormElement;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    save(refresh, 'POST', '/api/tab/me/notes', {
      id: crypto.randomUUID(),
      text: field(data, 'text', ''),
      sharedWithManager: data.get('shared') === 'on',
    });
  });
  const item = (note: Entry) => {
    const toggle = h('input', {
      type: 'checkbox',
      checked: note.sharedWithManager === true,
    }) as HTMLInputElement;
    toggle.addEventListener('change', () => {
      status(t.saving);
      void api('PATCH', `/api/tab/me/notes/${note.id}`, { sharedWithManager: toggle.checked }).then(
        () => status(t.saved),
        () => status(t.failed),
      );
    });
    return h('li', {}, h('p', {}, note.text ?? ''), h('label', { class: 'inline' }, toggle, t.share));
  };
  return h(
    'section',
    {},
    h('h2', {}, t.notes),
    notes.length === 0 ? h('p', {}, t.notesEmpty) : h('ul', { class: 'notes' }, ...notes.map(item)),
    form,
  );
}

function reportsSection(reports: Report[]): HTMLElement | null {
  if (reports.length === 0) return null;
  return h(
    'section',
    {},
    h('h2', {}, t.reports),
    h('p', { class: 'subtle' }, t.reportsIntro),
    ...reports.map((r) =>
      h(
        'article',
        { class: 'report' },
        h('h3', {}, r.name),
        meter(
          t.timeUsed,
          r.time.minutesUsed / 60,
          r.time.hoursMadeAvailable ?? 0,
          fill(t.hours, {
            used: formatHours(r.time.minutesUsed),
            available: r.time.hoursMadeAvailable ?? '–',
          }),
        ),
        meter(
          t.activeWeeks,
          r.activeWeeks.done,
          r.activeWeeks.target ?? 0,
          fill(t.ofTarget, { done: r.activeWeeks.done, target: r.activeWeeks.target ?? '–' }),
        ),
        h('p', {}, `${t.proposals}: ${r.validatedProposals}`),
        r.sharedNotes.length > 0
          ? h(
              'div',
              {},
              h('h4', {}, t.sharedNotes),
              h('ul', {}, ...r.sharedNotes.map((n) => h('li', {}, n.text))),
            )
          : null,
      ),
    ),
  );
}

async function render(): Promise<void> {
  const [me, reports] = await Promise.all([
    api<Me>('GET', '/api/tab/me'),
    api<{ reports: Report[] }>('GET', '/api/tab/reports'),
  ]);
  const root = main();
  const refresh = () => render().catch(() => status(t.failed));
  const traject = me.traject;
  const sections: (HTMLElement | null)[] = [
    h('h1', {}, t.title),
    h('p', { id: 'status', role: 'status', 'aria-live': 'polite' }),
    traject
      ? h(
          'div',
          {},
          h(
            'p',
            { class: 'subtle' },
            fill(t.period, { start: formatDate(traject.startDate), end: formatDate(traject.endDate) }),
          ),
          h(
            'div',
            { class: 'figures' },
            meter(
              t.timeUsed,
              traject.used.minutesUsed / 60,
              traject.hoursMadeAvailable,
              fill(t.hours, {
                used: formatHours(traject.used.minutesUsed),
                available: traject.hoursMadeAvailable,
              }),
            ),
            meter(
              t.activeWeeks,
              traject.used.activeWeeks,
              traject.activeWeeksTarget,
              fill(t.ofTarget, { done: traject.used.activeWeeks, target: traject.activeWeeksTarget }),
            ),
            meter(t.proposals, traject.used.proposals, 0, String(traject.used.proposals)),
            meter(t.nextConversation, 0, 0, formatDate(traject.nextTalentConversation)),
          ),
          timeline(traject),
          h(
            'section',
            {},
            h('h2', {}, t.questions),
            h(
              'ol',
              { class: 'questions' },
              ...traject.questions.map((q) => h('li', { value: String(q) }, question(language, q))),
            ),
          ),
          ownWordsSection(traject, refresh),
        )
      : h('p', {}, t.noTraject),
    ledgerSection(me.ledger, refresh),
    notesSection(me.ledger, refresh),
    reportsSection(reports.reports),
  ];
  root.replaceChildren(...sections.filter((s): s is HTMLElement => s !== null));
}

function applyTheme(theme: string | undefined): void {
  document.body.dataset.theme = theme === 'dark' || theme === 'contrast' ? theme : 'default';
}

function setLanguage(locale: string | undefined): void {
  language = locale?.toLowerCase().startsWith('en') ? 'en' : 'nl';
  t = textsFor(language);
  document.documentElement.lang = language;
  document.title = `${t.title} · Werkplekleren+`;
}

/**
 * Teams hosts a tab in an iframe (web, desktop) or a webview with a native interface (mobile). Elsewhere we
 * do not call initialize(): it would never settle, and teams-js would fetch its list of valid origins from
 * a CDN. Inside, initialize() gets a moment to answer.
 */
async function insideTeams(): Promise<typeof TeamsJs | undefined> {
  const hosted = window.self !== window.top || 'nativeInterface' in window;
  if (!hosted) return undefined;
  // Loaded only here: on load, teams-js fetches its list of valid origins from a CDN.
  const teams = await import('@microsoft/teams-js');
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1500));
  const initialized = teams.app.initialize().then(
    () => true,
    () => false,
  );
  return (await Promise.race([initialized, timeout])) ? teams : undefined;
}

async function pickDevIdentity(): Promise<boolean> {
  const wanted = new URLSearchParams(location.search).get('as') ?? sessionStorage.getItem('wpl-dev-identity');
  if (wanted) {
    authorization = `Dev ${wanted}`;
    sessionStorage.setItem('wpl-dev-identity', wanted);
    return true;
  }
  const { identities } = await api<{ identities: { id: string; name: string }[] }>(
    'GET',
    '/api/tab/dev/identities',
  );
  const select = h(
    'select',
    { id: 'identity' },
    ...identities.map((i) => h('option', { value: i.id }, i.name || i.id)),
  ) as HTMLSelectElement;
  const form = h(
    'form',
    {},
    h('label', { for: 'identity' }, t.pickIdentity),
    select,
    h('button', { type: 'submit' }, t.pickButton),
  );
  main().replaceChildren(h('h1', {}, t.title), form);
  return new Promise((resolve) => {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      sessionStorage.setItem('wpl-dev-identity', select.value);
      authorization = `Dev ${select.value}`;
      resolve(true);
    });
  });
}

async function start(): Promise<void> {
  setLanguage(navigator.language);
  applyTheme(undefined);
  try {
    const teams = await insideTeams();
    if (teams) {
      const context = await teams.app.getContext();
      setLanguage(context.app.locale);
      applyTheme(context.app.theme);
      teams.app.registerOnThemeChangeHandler(applyTheme);
      authorization = `Bearer ${await teams.authentication.getAuthToken()}`;
      void teams.app.notifySuccess();
    } else {
      const config = await api<{ devMode: boolean }>('GET', '/api/tab/config');
      if (!config.devMode || !(await pickDevIdentity())) {
        main().replaceChildren(h('h1', {}, t.title), h('p', {}, t.outside));
        return;
      }
    }
    await render();
  } catch {
    main().replaceChildren(h('h1', {}, t.title), h('p', { role: 'alert' }, t.failed));
  }
}

void start();
