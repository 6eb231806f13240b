import type * as TeamsJs from '@microsoft/teams-js';
import { fill, question, textsFor, type Language, type Texts } from './texts';
import { insideTeams } from './teams-host';

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
  version?: number;
}
type SessionStatus = keyof Texts['sessionStatus'];
type ProposalStatus = keyof Texts['proposalStatus'];
interface Session {
  circleName: string;
  dayIndex: number;
  start: string;
  end: string;
  joinUrl?: string;
  status: SessionStatus;
}
interface Proposal {
  id: string;
  title: string;
  status: ProposalStatus;
  question?: number;
  createdAt: string;
}
interface Me {
  me: { id: string; name: string };
  traject: TrajectView | null;
  ledger: Entry[];
  /** Absent from a service that does not know cycles yet. */
  upcomingSessions?: Session[];
  proposals?: Proposal[];
  /** The open talent-development conversation, and the ones held. */
  talentConversation?: TalentConversationView | null;
  history?: HeldConversation[];
}
interface TalentConversationView {
  dueDate: string;
  status: string;
  managerName?: string;
  wishes?: string;
  preparationUndelivered?: boolean;
  /** The conversation as a Teams meeting, when it is one. */
  meeting?: { start: string; end: string; joinUrl?: string; notInCalendar?: boolean };
}
interface HeldConversation {
  dueDate: string;
  heldOn: string | null;
  agreements: string | null;
}
interface Accountability {
  due: number;
  heldOnTime: number;
  heldLate: number;
  open: number;
}
interface Report {
  id: string;
  name: string;
  activeWeeks: { done: number; target: number | null };
  time: { minutesUsed: number; hoursMadeAvailable: number | null };
  validatedProposals: number;
  proposals?: { title: string; question?: number; createdAt: string }[];
  sharedNotes: { id: string; text: string }[];
  nextConversation?: string | null;
  nudgeUndelivered?: boolean;
}
type Refresh = () => Promise<void>;

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
/** The locale dates and numbers are written in: the Teams locale when it is Dutch or English. */
let intlLocale = 'nl-NL';
let t: Texts = textsFor('nl');
/** teams-js, once the page runs inside Teams. */
let teamsSdk: typeof TeamsJs | undefined;
/** What the page shows now, so an editor can be reopened on the fresh data after a refresh. */
let shown: Me | undefined;

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new ApiError(response.status, `${method} ${path}: ${response.status}`);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

const main = () => document.getElementById('app') as HTMLElement;
/** Says what happens in the page's one live region (role=status), which is never re-rendered. */
const status = (text: string) => {
  const line = document.getElementById('status');
  if (line) line.textContent = text;
};
const focusOn = (selector: string) => document.querySelector<HTMLElement>(selector)?.focus();
const noteSelector = (id: string) => `[data-note-id="${CSS.escape(id)}"]`;

/** A text field of a form (FormData values are strings for text inputs, File only for file inputs). */
function field(data: FormData, name: string, fallback = ''): string {
  const value = data.get(name);
  return typeof value === 'string' ? value : fallback;
}

/**
 * Sends a change, then shows the page as it now is; says what is happening in the status line. The page is
 * drawn anew, so `focus` names the control that keeps the keyboard focus.
 */
function save(refresh: Refresh, method: string, path: string, body: unknown, focus?: string): void {
  status(t.saving);
  api(method, path, body).then(
    async () => {
      await refresh();
      if (focus) focusOn(focus);
      status(t.saved);
    },
    () => status(t.failed),
  );
}

function formatHours(minutes: number): string {
  return new Intl.NumberFormat(intlLocale, { maximumFractionDigits: 1 }).format(minutes / 60);
}

/** A calendar date (YYYY-MM-DD) as it is, in no time zone. */
function formatDate(iso: string): string {
  return new Intl.DateTimeFormat(intlLocale, { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(`${iso}T00:00:00Z`),
  );
}

/** A moment, on the viewer's own calendar (their device's time zone, as Teams' own times are). */
function formatDay(isoDateTime: string): string {
  return new Intl.DateTimeFormat(intlLocale, { dateStyle: 'long' }).format(new Date(isoDateTime));
}

/** "maandag 7 december 2026, 09:00–10:00 CET": in the viewer's own time zone, and saying which. */
function formatSessionTime(start: string, end: string): string {
  const day = new Intl.DateTimeFormat(intlLocale, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  const time = new Intl.DateTimeFormat(intlLocale, { hour: '2-digit', minute: '2-digit' });
  const zoned = new Intl.DateTimeFormat(intlLocale, {
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  });
  return `${day.format(new Date(start))}, ${time.format(new Date(start))}–${zoned.format(new Date(end))}`;
}

/** Today on the viewer's calendar, as YYYY-MM-DD. */
function localToday(): string {
  const now = new Date();
  const two = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}`;
}

/** A section that screen readers list as a region under its heading. */
function section(id: string, title: string, ...children: Child[]): HTMLElement {
  return h(
    'section',
    { 'aria-labelledby': `${id}-heading` },
    h('h2', { id: `${id}-heading`, tabindex: '-1' }, title),
    ...children,
  );
}

/** A status in words, with a symbol for the eye: never colour alone. */
function badge(kind: string, text: string, symbol: string): HTMLElement {
  return h(
    'span',
    { class: `badge badge-${kind}` },
    h('span', { class: 'visually-hidden' }, `${t.statusLabel}: `),
    h('span', { 'aria-hidden': 'true' }, symbol),
    ` ${text}`,
  );
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
  // The colours are explained in words too (each week's own label says the same to a screen reader).
  const legend = h(
    'ul',
    { class: 'weeks-legend', 'aria-hidden': 'true' },
    ...(['past', 'now', 'planned'] as const).map((state) =>
      h('li', {}, h('span', { class: `swatch week-${state}` }), t.weekLegend[state]),
    ),
  );
  return h('section', {}, h('h2', {}, t.timeline), list, legend);
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

function notesSection(entries: Entry[], refresh: Refresh): HTMLElement {
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
  return section(
    'notes',
    t.notes,
    notes.length === 0
      ? h('p', {}, t.notesEmpty)
      : h(
          'ul',
          { class: 'notes' },
          ...notes.map((note) => {
            const item = h('li', { 'data-note-id': note.id });
            showNote(item, note, refresh);
            return item;
          }),
        ),
    form,
  );
}

/** A note as it reads, with its share switch and a button to edit it. */
function showNote(item: HTMLElement, note: Entry, refresh: Refresh): void {
  const textId = `note-text-${note.id}`;
  const toggle = h('input', {
    type: 'checkbox',
    checked: note.sharedWithManager === true,
  }) as HTMLInputElement;
  toggle.addEventListener('change', () => {
    save(
      refresh,
      'PATCH',
      `/api/tab/me/notes/${note.id}`,
      { sharedWithManager: toggle.checked },
      `${noteSelector(note.id)} input[type="checkbox"]`,
    );
  });
  // The button says what it edits to a screen reader: the note's own text describes it.
  const edit = h('button', { type: 'button', class: 'secondary', 'aria-describedby': textId }, t.edit);
  edit.addEventListener('click', () => editNote(item, note, refresh));
  item.replaceChildren(
    h('p', { id: textId, class: 'note-text' }, note.text ?? ''),
    h('div', { class: 'note-actions' }, edit, h('label', { class: 'inline' }, toggle, t.share)),
  );
}

/**
 * Turns a note into a labelled text field with Save and Cancel (Escape cancels too). The edit names the
 * version it was made on: when the note changed elsewhere meanwhile, the service refuses it (409), and the
 * editor comes back on the fresh note with the person's own text still in it.
 */
function editNote(item: HTMLElement, note: Entry, refresh: Refresh, draft?: string, conflict = false): void {
  const textarea = h('textarea', {
    name: 'text',
    rows: '4',
    maxlength: '4000',
    required: true,
  }) as HTMLTextAreaElement;
  textarea.value = draft ?? note.text ?? '';
  const saveButton = h('button', { type: 'submit' }, t.saveNote) as HTMLButtonElement;
  const cancel = h('button', { type: 'button', class: 'secondary' }, t.cancel);
  const form = h(
    'form',
    { class: 'note-edit' },
    conflict
      ? h(
          'div',
          { class: 'saved-version' },
          h('p', { class: 'subtle' }, t.savedVersion),
          h('p', {}, note.text ?? ''),
        )
      : null,
    h('label', {}, t.editNote, textarea),
    h('div', { class: 'note-actions' }, saveButton, cancel),
  ) as HTMLFormElement;
  const close = () => {
    showNote(item, note, refresh);
    item.querySelector<HTMLElement>('button')?.focus();
  };
  cancel.addEventListener('click', close);
  textarea.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      close();
    }
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = textarea.value;
    saveButton.disabled = true;
    status(t.saving);
    api('PATCH', `/api/tab/me/notes/${note.id}`, { text, version: note.version ?? 1 }).then(
      async () => {
        await refresh();
        focusOn(`${noteSelector(note.id)} button`);
        status(t.saved);
      },
      async (err: unknown) => {
        const code = err instanceof ApiError ? err.status : 0;
        if (code === 409 || code === 404) {
          await refresh();
          const fresh = shown?.ledger.find((e) => e.id === note.id && e.kind === 'note');
          const freshItem = document.querySelector<HTMLElement>(noteSelector(note.id));
          if (code === 409 && fresh && freshItem) {
            editNote(freshItem, fresh, refresh, text, true);
            status(t.noteConflict);
          } else {
            focusOn('#notes-heading');
            status(t.noteGone);
          }
          return;
        }
        saveButton.disabled = false;
        textarea.focus();
        status(code === 400 ? t.noteInvalid : t.saveFailed);
      },
    );
  });
  item.replaceChildren(form);
  textarea.focus();
}

/** What the professional wants to discuss: the same text as on the preparation card, changed here too. */
function wishesForm(planned: TalentConversationView, refresh: Refresh): HTMLElement {
  const form = h(
    'form',
    { class: 'wishes-form' },
    h(
      'label',
      {},
      t.conversationWishesEdit,
      h('textarea', { name: 'wishes', maxlength: '1000', rows: '3' }, planned.wishes ?? ''),
    ),
    h('button', { type: 'submit' }, t.conversationWishesSave),
  ) as HTMLFormElement;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    save(refresh, 'PUT', '/api/tab/me/conversation/wishes', {
      wishes: field(new FormData(form), 'wishes', ''),
    });
  });
  return form;
}

/** "Teams-vergadering: 10:00–11:00", with the join link once the calendar made the meeting. */
function meetingLine(meeting: {
  start: string;
  end: string;
  joinUrl?: string;
  notInCalendar?: boolean;
}): HTMLElement {
  const time = (iso: string) =>
    new Intl.DateTimeFormat(intlLocale, { timeStyle: 'short' }).format(new Date(iso));
  return h(
    'p',
    { class: 'conversation-meeting' },
    fill(t.conversationMeeting, { start: time(meeting.start), end: time(meeting.end) }),
    meeting.joinUrl ? ' ' : null,
    meeting.joinUrl
      ? h('a', { href: meeting.joinUrl, target: '_blank', rel: 'noopener' }, t.conversationJoin)
      : null,
    meeting.notInCalendar ? h('span', { class: 'notice' }, ` ⚠ ${t.conversationNotInCalendar}`) : null,
  );
}

/**
 * The next talent-development conversation (the planned one when there is one, else the traject's rhythm),
 * what the professional wants to discuss, the notes they chose for it by sharing them, and what was agreed
 * in the ones held.
 */
function conversationSection(
  traject: TrajectView,
  entries: Entry[],
  planned: TalentConversationView | null,
  history: HeldConversation[],
  refresh: Refresh,
): HTMLElement {
  const shared = entries.filter((e) => e.kind === 'note' && e.sharedWithManager === true);
  const date = planned?.dueDate ?? traject.nextTalentConversation;
  const past = !planned && date < localToday();
  return section(
    'conversation',
    t.nextConversation,
    h(
      'p',
      { class: 'conversation-date' },
      past
        ? fill(t.conversationPast, { date: formatDate(date) })
        : planned?.managerName
          ? fill(t.conversationWith, { date: formatDate(date), manager: planned.managerName })
          : fill(t.conversationOn, { date: formatDate(date) }),
    ),
    planned
      ? h(
          'div',
          {},
          h('h3', {}, t.conversationWishes),
          planned.wishes ? null : h('p', { class: 'subtle' }, t.conversationNoWishes),
          wishesForm(planned, refresh),
          planned.preparationUndelivered
            ? h('p', { class: 'notice' }, `⚠ ${t.preparationUndelivered}`)
            : null,
          planned.meeting ? meetingLine(planned.meeting) : null,
        )
      : null,
    h('h3', {}, t.conversationNotes),
    h('p', { class: 'subtle' }, `${t.conversationHint} `, h('a', { href: '#notes-heading' }, t.toNotes)),
    shared.length === 0
      ? h('p', {}, t.conversationNoNotes)
      : h('ul', { class: 'shared-notes' }, ...shared.map((n) => h('li', {}, n.text ?? ''))),
    history.length > 0
      ? h(
          'div',
          {},
          h('h3', {}, t.conversationHistory),
          h(
            'ul',
            { class: 'held-conversations' },
            ...[...history]
              .reverse()
              .map((c) =>
                h(
                  'li',
                  {},
                  h('p', {}, fill(t.conversationHeldOn, { date: formatDate(c.heldOn ?? c.dueDate) })),
                  h('p', {}, c.agreements ? `${t.agreements}: ${c.agreements}` : t.noAgreements),
                ),
              ),
          ),
        )
      : null,
  );
}

const SESSION_SYMBOLS: Record<SessionStatus, string> = {
  planned: '○',
  started: '●',
  ended: '–',
  cancelled: '✕',
};

function sessionsSection(sessions: Session[]): HTMLElement {
  return section(
    'sessions',
    t.sessions,
    sessions.length === 0
      ? h('p', {}, t.sessionsEmpty)
      : h(
          'ul',
          { class: 'sessions' },
          ...sessions.map((s) => {
            const when = formatSessionTime(s.start, s.end);
            return h(
              'li',
              { class: `session session-${s.status}` },
              h(
                'div',
                { class: 'session-main' },
                h('time', { datetime: s.start, class: 'session-when' }, when),
                h('span', {}, `${s.circleName} · ${fill(t.sessionDay, { n: s.dayIndex + 1 })}`),
              ),
              s.status === 'planned'
                ? null
                : badge(
                    `session-${s.status}`,
                    t.sessionStatus[s.status] ?? s.status,
                    SESSION_SYMBOLS[s.status] ?? '',
                  ),
              s.joinUrl && s.status !== 'cancelled' ? joinLink(s.joinUrl, s.circleName, when) : null,
            );
          }),
        ),
  );
}

/**
 * A real link, so it works from the keyboard and anywhere. Inside Teams a meeting's join link is a Teams
 * deep link: teams-js opens it in Teams itself rather than in a browser tab.
 */
function joinLink(url: string, circle: string, when: string): HTMLElement | null {
  if (!/^https:\/\//i.test(url)) return null;
  const link = h(
    'a',
    {
      class: 'join',
      href: url,
      target: '_blank',
      rel: 'noopener noreferrer',
      'aria-label': fill(t.joinLabel, { circle, when }),
    },
    t.join,
  );
  link.addEventListener('click', (event) => {
    if (!teamsSdk) return;
    event.preventDefault();
    void teamsSdk.app.openLink(url).catch(() => window.open(url, '_blank', 'noopener'));
  });
  return link;
}

const PROPOSAL_SYMBOLS: Record<ProposalStatus, string> = { draft: '✎', validated: '✓', rejected: '✕' };

function proposalsSection(proposals: Proposal[]): HTMLElement {
  return section(
    'proposals',
    t.proposalList,
    proposals.length === 0
      ? h('p', {}, t.proposalsEmpty)
      : h(
          'ul',
          { class: 'proposals' },
          ...proposals.map((p) =>
            h(
              'li',
              { class: 'proposal' },
              h('span', { class: 'proposal-title' }, p.title),
              badge(p.status, t.proposalStatus[p.status] ?? p.status, PROPOSAL_SYMBOLS[p.status] ?? ''),
              h(
                'span',
                { class: 'subtle proposal-meta' },
                [formatDay(p.createdAt), p.question ? fill(t.questionNumber, { n: p.question }) : '']
                  .filter(Boolean)
                  .join(' · '),
              ),
            ),
          ),
        ),
  );
}

/** The manager's own accountability to the team: their people's conversations held on time. */
function accountabilityLine(c: Accountability): HTMLElement {
  const extra = [
    c.heldLate > 0 ? fill(t.conversationsLate, { n: c.heldLate }) : '',
    c.open > 0 ? fill(t.conversationsOpen, { n: c.open }) : '',
  ].filter(Boolean);
  return h(
    'p',
    { class: 'accountability' },
    fill(t.conversationsOnTime, { held: c.heldOnTime, due: c.due }),
    extra.length > 0 ? ` (${extra.join(', ')})` : '',
  );
}

function reportsSection(reports: Report[], conversations: Accountability | undefined): HTMLElement | null {
  if (reports.length === 0) return null;
  return h(
    'section',
    {},
    h('h2', {}, t.reports),
    h('p', { class: 'subtle' }, t.reportsIntro),
    conversations ? accountabilityLine(conversations) : null,
    ...reports.map((r) =>
      h(
        'article',
        { class: 'report' },
        h('h3', {}, r.name),
        r.nextConversation
          ? h('p', {}, fill(t.reportNextConversation, { date: formatDate(r.nextConversation) }))
          : null,
        r.nudgeUndelivered ? h('p', { class: 'notice' }, `⚠ ${t.nudgeUndelivered}`) : null,
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
        r.proposals && r.proposals.length > 0
          ? h(
              'div',
              {},
              h('h4', {}, t.validatedProposals),
              h('ul', {}, ...r.proposals.map((p) => h('li', {}, p.title))),
            )
          : null,
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
    api<{ reports: Report[]; conversations?: Accountability }>('GET', '/api/tab/reports'),
  ]);
  shown = me;
  const root = main();
  const refresh = () => render().catch(() => status(t.failed));
  const traject = me.traject;
  const sections: (HTMLElement | null)[] = [
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
            meter(
              t.nextConversation,
              0,
              0,
              formatDate(me.talentConversation?.dueDate ?? traject.nextTalentConversation),
            ),
          ),
        )
      : h('p', {}, t.noTraject),
    sessionsSection(me.upcomingSessions ?? []),
    proposalsSection(me.proposals ?? []),
    traject
      ? conversationSection(traject, me.ledger, me.talentConversation ?? null, me.history ?? [], refresh)
      : null,
    traject ? timeline(traject) : null,
    traject
      ? h(
          'section',
          {},
          h('h2', {}, t.questions),
          h(
            'ol',
            { class: 'questions' },
            ...traject.questions.map((q) => h('li', { value: String(q) }, question(language, q))),
          ),
        )
      : null,
    traject ? ownWordsSection(traject, refresh) : null,
    ledgerSection(me.ledger, refresh),
    notesSection(me.ledger, refresh),
    reportsSection(reports.reports, reports.conversations),
  ];
  root.replaceChildren(...sections.filter((s): s is HTMLElement => s !== null));
}

function applyTheme(theme: string | undefined): void {
  document.body.dataset.theme = theme === 'dark' || theme === 'contrast' ? theme : 'default';
}

function setLanguage(locale: string | undefined): void {
  language = locale?.toLowerCase().startsWith('en') ? 'en' : 'nl';
  t = textsFor(language);
  // en-US people read "November 26" and 12-hour times; anyone else in English gets British dates.
  intlLocale =
    locale && locale.toLowerCase().startsWith(language) ? locale : language === 'en' ? 'en-GB' : 'nl-NL';
  try {
    new Intl.DateTimeFormat(intlLocale);
  } catch {
    intlLocale = language === 'en' ? 'en-GB' : 'nl-NL';
  }
  document.documentElement.lang = language;
  document.title = `${t.title} · Werkplekleren+`;
  const title = document.getElementById('title');
  if (title) title.textContent = t.title;
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
  main().replaceChildren(form);
  status('');
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
      teamsSdk = teams;
      void teams.app.notifySuccess();
    } else {
      const config = await api<{ devMode: boolean }>('GET', '/api/tab/config');
      if (!config.devMode || !(await pickDevIdentity())) {
        status('');
        main().replaceChildren(h('p', {}, t.outside));
        return;
      }
    }
    await render();
    status('');
  } catch {
    status('');
    main().replaceChildren(h('p', { role: 'alert' }, t.failed));
  }
}

void start();
