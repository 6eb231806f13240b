import { DateTime } from 'luxon';
import {
  adaptiveCard,
  executeAction,
  heading,
  paragraph,
  plainText,
  showCard,
  subheading,
  type AdaptiveCard,
  type CardElement,
} from '../../cards/adaptive-card';
import type { MessageKey, Translate } from '../../cards/i18n';
import { VERBS } from '../../cards/verbs';
import { LEDGER_LIMITS } from '../../domain/ledger';
import type { Locale } from '../../domain/locale';
import type { TalentCalendarEntry } from '../../domain/talent-calendar';
import {
  meetingInstants,
  TALENT_LIMITS,
  TALENT_MEETING_MINUTES,
  type ManagerSummary,
  type TalentConversation,
} from '../../domain/talent-conversation';

/**
 * The cards around a talent-development conversation: the manager's nudge (7 and 1 day before), the
 * professional's preparation card (7 days before) and the manager's reminder (2 working days after, when
 * not yet recorded as held). Everything in them comes from a ManagerSummary: what the professional accounts
 * for, never anything from the circle's sessions beyond validated proposals.
 */
export function formatDate(date: string, locale: Locale): string {
  return DateTime.fromISO(date, { zone: 'UTC' })
    .setLocale(locale === 'en' ? 'en-GB' : 'nl-NL')
    .toFormat('cccc d MMMM yyyy');
}

const hours = (minutes: number) => Math.round((minutes / 60) * 10) / 10;

const data = (c: TalentConversation, extra: Record<string, unknown> = {}) => ({
  conversationId: c.id,
  version: c.version,
  ...extra,
});

function fact(label: string, value: string): CardElement {
  return {
    type: 'RichTextBlock',
    inlines: [
      { type: 'TextRun', text: `${label}: `, weight: 'Bolder' },
      { type: 'TextRun', text: value },
    ],
  };
}

/** The summary both the manager and the professional see. */
export function summaryElements(
  t: Translate,
  summary: ManagerSummary,
  wishes: string | undefined,
): CardElement[] {
  const elements: CardElement[] = [
    fact(
      t('talent.summary.time'),
      summary.hoursMadeAvailable === undefined
        ? t('talent.summary.timeValueNoPlan', { used: hours(summary.minutesUsed) })
        : t('talent.summary.timeValue', {
            used: hours(summary.minutesUsed),
            available: summary.hoursMadeAvailable,
          }),
    ),
    fact(
      t('talent.summary.weeks'),
      t('talent.summary.weeksValue', { done: summary.activeWeeks, target: summary.activeWeeksTarget ?? '–' }),
    ),
    subheading(t('talent.summary.proposals', { count: summary.validatedProposals.length })),
  ];
  if (summary.validatedProposals.length === 0)
    elements.push(paragraph(t('talent.summary.noProposals'), { subtle: true }));
  for (const p of summary.validatedProposals.slice(0, 10)) elements.push(plainText(`• ${p.title}`));
  elements.push(subheading(t('talent.summary.notes')));
  if (summary.sharedNotes.length === 0)
    elements.push(paragraph(t('talent.summary.noNotes'), { subtle: true }));
  for (const n of summary.sharedNotes.slice(0, 10)) elements.push(plainText(n.text));
  if (wishes)
    elements.push(
      plainText(t('talent.summary.wishes', { name: summary.name }), { weight: 'Bolder' }),
      plainText(wishes),
    );
  return elements;
}

/** "Propose another date": a date field and the button that moves the conversation. */
function proposeDate(t: Translate, c: TalentConversation): CardElement {
  return showCard(t('talent.action.propose'), {
    body: [
      {
        type: 'Input.Date',
        id: 'date',
        label: t('talent.field.date'),
        isRequired: true,
        errorMessage: t('talent.problem.bad_date'),
        value: c.dueDate,
      },
    ],
    actions: [executeAction(t('talent.action.proposeConfirm'), VERBS.talentMove, data(c))],
  });
}

/** What a card shows of the conversation as a Teams meeting, and whether it can become one. */
export interface TalentMeetingView {
  /** Microsoft Graph is configured: the conversation can become a calendar event with a Teams meeting. */
  canPlan: boolean;
  /** The calendar's copy, once the event exists. */
  entry?: TalentCalendarEntry | undefined;
  /** The reader's time zone: the time is shown in it. */
  timeZone: string;
}

/** "donderdag 4 juni 2027, 10:00–11:00" in the reader's zone. */
export function formatMeeting(c: TalentConversation, locale: Locale, timeZone: string): string | undefined {
  const at = meetingInstants(c);
  if (!at) return undefined;
  const tag = locale === 'en' ? 'en-GB' : 'nl-NL';
  const start = DateTime.fromJSDate(at.start, { zone: timeZone }).setLocale(tag);
  const end = DateTime.fromJSDate(at.end, { zone: timeZone }).setLocale(tag);
  return `${start.toFormat('cccc d MMMM yyyy, HH:mm')}–${end.toFormat('HH:mm')}`;
}

/**
 * The meeting's time and join button (in the body), and the form that plans it or changes its day or time
 * (an action): only for a planned conversation with a manager, and only where Graph is configured.
 */
function meetingParts(
  t: Translate,
  locale: Locale,
  c: TalentConversation,
  view: TalentMeetingView | undefined,
): { body: CardElement[]; action: CardElement | undefined } {
  const body: CardElement[] = [];
  const when = view ? formatMeeting(c, locale, view.timeZone) : undefined;
  if (view && c.meeting && when) {
    const entry = view.entry;
    const failed = entry?.failure !== undefined && entry.failure.revision === c.meeting.revision;
    const inCalendar = entry?.eventId !== undefined && entry.revision >= c.meeting.revision;
    const state = failed
      ? 'talent.meeting.failed'
      : inCalendar
        ? 'talent.meeting.planned'
        : 'talent.meeting.pending';
    body.push(paragraph(t(state, { when })));
    if (entry?.eventId && entry.joinUrl)
      body.push({
        type: 'ActionSet',
        actions: [{ type: 'Action.OpenUrl', title: t('talent.meeting.join'), url: entry.joinUrl }],
      });
  }
  if (!view?.canPlan || !c.managerAadObjectId || c.status !== 'planned') return { body, action: undefined };
  const at = meetingInstants(c);
  const time = at ? DateTime.fromJSDate(at.start, { zone: view.timeZone }).toFormat('HH:mm') : '10:00';
  const action = showCard(t(c.meeting ? 'talent.action.meetingChange' : 'talent.action.meeting'), {
    body: [
      {
        type: 'Input.Date',
        id: 'meetingDate',
        label: t('talent.field.meetingDate'),
        isRequired: true,
        errorMessage: t('talent.problem.bad_date'),
        value: at ? DateTime.fromJSDate(at.start, { zone: view.timeZone }).toISODate() : c.dueDate,
      },
      {
        type: 'Input.Time',
        id: 'meetingTime',
        label: t('talent.field.meetingTime'),
        isRequired: true,
        errorMessage: t('talent.problem.bad_time'),
        value: time,
      },
      {
        type: 'Input.ChoiceSet',
        id: 'meetingMinutes',
        label: t('talent.field.meetingMinutes'),
        isRequired: true,
        errorMessage: t('talent.problem.bad_time'),
        value: String(c.meeting?.minutes ?? 60),
        choices: TALENT_MEETING_MINUTES.map((m) => ({
          title: t('talent.field.minutes', { minutes: m }),
          value: String(m),
        })),
      },
    ],
    actions: [executeAction(t('talent.action.meetingConfirm'), VERBS.talentMeeting, data(c))],
  });
  return { body, action };
}

/** The date it was held (today at the latest) and what was agreed: the "held" form of both manager cards. */
function heldInputs(t: Translate, c: TalentConversation, today: string): CardElement[] {
  return [
    {
      type: 'Input.Date',
      id: 'heldOn',
      label: t('talent.field.heldOn'),
      isRequired: true,
      errorMessage: t('talent.problem.bad_date'),
      value: c.dueDate <= today ? c.dueDate : today,
    },
    {
      type: 'Input.Text',
      id: 'agreements',
      label: t('talent.field.agreements'),
      isMultiline: true,
      maxLength: TALENT_LIMITS.agreementsMaxLength,
    },
  ];
}

export function managerNudgeCard(
  t: Translate,
  locale: Locale,
  input: {
    conversation: TalentConversation;
    summary: ManagerSummary;
    daysBefore: number;
    tabLink: string;
    today: string;
    meeting?: TalentMeetingView | undefined;
  },
): AdaptiveCard {
  const { conversation: c, summary } = input;
  const meeting = meetingParts(t, locale, c, input.meeting);
  const title =
    input.daysBefore <= 1
      ? t('talent.nudge.titleTomorrow', { name: summary.name })
      : t('talent.nudge.title', { name: summary.name, days: input.daysBefore });
  const held = showCard(t('talent.action.held'), {
    body: heldInputs(t, c, input.today),
    actions: [
      executeAction(t('talent.action.heldConfirm'), VERBS.talentHeld, data(c), { style: 'positive' }),
    ],
  });
  return adaptiveCard({
    fallbackText: t('talent.fallback', { name: summary.name, date: formatDate(c.dueDate, locale) }),
    speak: title,
    body: [
      plainText(title, { weight: 'Bolder', size: 'Large' }),
      paragraph(t('talent.nudge.when', { date: formatDate(c.dueDate, locale) })),
      ...meeting.body,
      plainText(t('talent.nudge.intro', { name: summary.name })),
      ...summaryElements(t, summary, c.wishes),
      subheading(t('talent.questions.heading')),
      paragraph(`1. ${t('talent.questions.performance')}`),
      paragraph(`2. ${t('talent.questions.organisation')}`),
    ],
    actions: [
      { type: 'Action.OpenUrl', title: t('talent.action.openTab'), url: input.tabLink },
      proposeDate(t, c),
      ...(meeting.action ? [meeting.action] : []),
      executeAction(t('talent.action.snooze'), VERBS.talentSnooze, data(c)),
      held,
    ],
  });
}

export function preparationCard(
  t: Translate,
  locale: Locale,
  input: {
    conversation: TalentConversation;
    summary: ManagerSummary;
    managerName: string | undefined;
    tabLink: string;
    /** A fresh id for the note this card may share, so a resent invoke records it once. */
    noteId: string;
    meeting?: TalentMeetingView | undefined;
  },
): AdaptiveCard {
  const { conversation: c, summary } = input;
  const meeting = meetingParts(t, locale, c, input.meeting);
  const title = input.managerName
    ? t('talent.prep.title', { manager: input.managerName })
    : t('talent.prep.titleNoManager');
  return adaptiveCard({
    fallbackText: t('talent.fallback', {
      name: input.managerName ?? '',
      date: formatDate(c.dueDate, locale),
    }),
    speak: title,
    body: [
      plainText(title, { weight: 'Bolder', size: 'Large' }),
      paragraph(t('talent.nudge.when', { date: formatDate(c.dueDate, locale) })),
      ...meeting.body,
      paragraph(t('talent.prep.intro')),
      ...summaryElements(t, summary, undefined),
      {
        type: 'Input.Text',
        id: 'wishes',
        label: t('talent.field.wishes'),
        isMultiline: true,
        maxLength: TALENT_LIMITS.wishesMaxLength,
        value: c.wishes ?? '',
      },
      { type: 'ActionSet', actions: [executeAction(t('talent.action.wishes'), VERBS.talentWishes, data(c))] },
    ],
    actions: [
      { type: 'Action.OpenUrl', title: t('talent.action.openTab'), url: input.tabLink },
      proposeDate(t, c),
      ...(meeting.action ? [meeting.action] : []),
      showCard(t('talent.action.note'), {
        body: [
          {
            type: 'Input.Text',
            id: 'note',
            label: t('talent.field.note'),
            isMultiline: true,
            isRequired: true,
            errorMessage: t('talent.problem.note', { max: LEDGER_LIMITS.noteMaxLength }),
            maxLength: LEDGER_LIMITS.noteMaxLength,
          },
        ],
        actions: [
          executeAction(t('talent.action.noteConfirm'), VERBS.talentNote, data(c, { noteId: input.noteId })),
        ],
      }),
    ],
  });
}

export function heldReminderCard(
  t: Translate,
  locale: Locale,
  input: { conversation: TalentConversation; name: string; today: string },
): AdaptiveCard {
  const c = input.conversation;
  const title = t('talent.reminder.title', { name: input.name });
  return adaptiveCard({
    fallbackText: title,
    speak: title,
    body: [
      plainText(title, { weight: 'Bolder', size: 'Large' }),
      paragraph(t('talent.reminder.body', { date: formatDate(c.dueDate, locale) })),
      ...heldInputs(t, c, input.today),
    ],
    actions: [
      executeAction(t('talent.action.heldConfirm'), VERBS.talentHeld, data(c), { style: 'positive' }),
      proposeDate(t, c),
    ],
  });
}

/** A short answer card after a button: what happened, or why nothing did. */
export function talentMessageCard(
  t: Translate,
  key: MessageKey,
  params?: Record<string, string | number>,
): AdaptiveCard {
  const text = t(key, params);
  return adaptiveCard({ fallbackText: text, body: [heading(text)] });
}
