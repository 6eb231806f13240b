import { DateTime } from 'luxon';
import {
  adaptiveCard,
  executeAction,
  heading,
  paragraph,
  plainText,
  subheading,
  type AdaptiveCard,
  type CardElement,
} from '../../cards/adaptive-card';
import type { MessageKey, Translate } from '../../cards/i18n';
import { VERBS } from '../../cards/verbs';
import type { Circle } from '../../domain/circle';
import type { DayOff, ProposedCycle, SkippedWeek } from '../../domain/cycle-calendar';
import type { PlannedCycle } from '../../domain/cycle-planner.service';
import type { Locale } from '../../domain/locale';

const luxonLocale = (locale: Locale) => (locale === 'nl' ? 'nl-NL' : 'en-GB');

export function formatWeek(week: string, locale: Locale): string {
  return DateTime.fromISO(week, { zone: 'UTC' }).setLocale(luxonLocale(locale)).toFormat('d MMMM yyyy');
}

/** "maandag 7 december, 09:00–10:00" in the circle's time zone. */
export function formatSession(start: Date, end: Date, timeZone: string, locale: Locale): string {
  const from = DateTime.fromJSDate(start, { zone: timeZone }).setLocale(luxonLocale(locale));
  const to = DateTime.fromJSDate(end, { zone: timeZone });
  return `${from.toFormat('cccc d MMMM')}, ${from.toFormat('HH:mm')}–${to.toFormat('HH:mm')}`;
}

function daysOffText(days: readonly DayOff[], locale: Locale): string {
  return days
    .filter((d) => d.reason === 'public_holiday')
    .map((d) => `${d.reason === 'public_holiday' ? d.name : ''} ${formatWeek(d.date, locale)}`.trim())
    .join(', ');
}

export function skippedText(t: Translate, skipped: SkippedWeek, locale: Locale): string {
  const week = formatWeek(skipped.week, locale);
  return skipped.reason === 'no_four_working_days'
    ? t('plan.skipped.no_four_working_days', { week, days: daysOffText(skipped.daysOff, locale) })
    : t(`plan.skipped.${skipped.reason}`, { week });
}

export interface PlanValues {
  week: string;
  startDay: string;
  time: string;
  cycles: string;
  everyWeeks: string;
  pauseFrom: string;
  pauseTo: string;
}

export function planFormCard(
  t: Translate,
  locale: Locale,
  circle: Circle,
  options: {
    values: PlanValues;
    planned: readonly PlannedCycle[];
    hint?: string;
    refusal?: MessageKey;
    /** A line about the members' free time (found, none, or being looked up). */
    slotNotice?: string;
    /** Offer "find a time that suits everyone" (Microsoft Graph configured). */
    canFindSlot?: boolean;
  },
): AdaptiveCard {
  const v = options.values;
  const body: CardElement[] = [
    heading(t('plan.title')),
    plainText(circle.name, { weight: 'Bolder' }),
    ...(options.refusal
      ? [{ type: 'TextBlock', text: t(options.refusal), color: 'Attention', wrap: true, weight: 'Bolder' }]
      : []),
    paragraph(t('plan.intro')),
    ...(options.planned.length > 0
      ? [
          subheading(t('plan.upcoming.title', { circle: circle.name })),
          {
            type: 'ActionSet',
            actions: options.planned.slice(0, 6).map((c) =>
              executeAction(
                t('plan.action.manage', { week: formatWeek(c.weekStart, locale) }),
                VERBS.planManage,
                {
                  cycleId: c.id,
                },
              ),
            ),
          },
        ]
      : []),
    {
      type: 'Input.Date',
      id: 'week',
      label: t('plan.field.week'),
      value: v.week,
      isRequired: true,
      errorMessage: t('plan.refused.invalid_date'),
    },
    {
      type: 'Input.ChoiceSet',
      id: 'startDay',
      label: t('plan.field.startDay'),
      value: v.startDay,
      choices: [
        { title: t('plan.field.startDayAuto'), value: 'auto' },
        { title: t('plan.field.startDayMonday'), value: 'monday' },
        { title: t('plan.field.startDayTuesday'), value: 'tuesday' },
      ],
    },
    {
      type: 'Input.Time',
      id: 'time',
      label: t('plan.field.time', { zone: circle.timeZone }),
      value: v.time,
      min: '07:00',
      max: '19:00',
      isRequired: true,
      errorMessage: t('plan.refused.invalid_time'),
    },
    {
      type: 'ColumnSet',
      columns: [
        {
          type: 'Column',
          width: 'stretch',
          items: [
            {
              type: 'Input.Number',
              id: 'cycles',
              label: t('plan.field.cycles'),
              value: Number(v.cycles) || 1,
              min: 1,
              max: 52,
              isRequired: true,
              errorMessage: t('plan.refused.invalid_cycle_count'),
            },
          ],
        },
        {
          type: 'Column',
          width: 'stretch',
          items: [
            {
              type: 'Input.Number',
              id: 'everyWeeks',
              label: t('plan.field.everyWeeks'),
              value: Number(v.everyWeeks) || 2,
              min: 1,
              max: 8,
              isRequired: true,
              errorMessage: t('plan.refused.invalid_every_weeks'),
            },
          ],
        },
      ],
    },
    ...(options.hint ? [paragraph(options.hint, { subtle: true })] : []),
    ...(options.slotNotice
      ? [{ type: 'TextBlock', text: options.slotNotice, wrap: true, weight: 'Bolder' }]
      : []),
    {
      type: 'ColumnSet',
      columns: [
        {
          type: 'Column',
          width: 'stretch',
          items: [
            { type: 'Input.Date', id: 'pauseFrom', label: t('plan.field.pauseFrom'), value: v.pauseFrom },
          ],
        },
        {
          type: 'Column',
          width: 'stretch',
          items: [{ type: 'Input.Date', id: 'pauseTo', label: t('plan.field.pauseTo'), value: v.pauseTo }],
        },
      ],
    },
  ];
  return adaptiveCard({
    fallbackText: t('plan.title'),
    speak: t('plan.title'),
    body,
    actions: [
      executeAction(t('plan.action.preview'), VERBS.planPreview, {}, { style: 'positive' }),
      ...(options.canFindSlot ? [executeAction(t('plan.action.findSlot'), VERBS.planFindSlot, {})] : []),
    ],
  });
}

function cycleBlock(
  t: Translate,
  locale: Locale,
  cycle: Pick<ProposedCycle, 'week' | 'sessions' | 'timeZone'>,
): CardElement[] {
  return [
    subheading(t('plan.preview.cycle', { week: formatWeek(cycle.week, locale) })),
    ...cycle.sessions.map((s) =>
      paragraph(
        t('plan.preview.session', {
          n: s.dayIndex + 1,
          when: formatSession(s.start, s.end, cycle.timeZone, locale),
        }),
      ),
    ),
  ];
}

export function planPreviewCard(
  t: Translate,
  locale: Locale,
  circle: Circle,
  options: {
    cycles: readonly ProposedCycle[];
    skipped: readonly SkippedWeek[];
    complete: boolean;
    values: PlanValues;
    submissionId: string;
  },
): AdaptiveCard {
  return adaptiveCard({
    fallbackText: t('plan.preview.title'),
    speak: t('plan.preview.title'),
    body: [
      heading(t('plan.preview.title')),
      plainText(circle.name, { weight: 'Bolder' }),
      ...options.cycles.flatMap((c) => cycleBlock(t, locale, c)),
      ...(options.skipped.length > 0
        ? [
            subheading(t('plan.preview.skipped')),
            ...options.skipped.map((s) => paragraph(skippedText(t, s, locale))),
          ]
        : []),
      ...(options.complete
        ? []
        : [{ type: 'TextBlock', text: t('plan.incomplete'), color: 'Attention', wrap: true }]),
    ],
    actions: [
      executeAction(
        t('plan.action.confirm'),
        VERBS.planConfirm,
        { ...options.values, submissionId: options.submissionId },
        { style: 'positive' },
      ),
      executeAction(t('plan.action.change'), VERBS.planChange, { ...options.values }),
    ],
  });
}

export function planConfirmedCard(
  t: Translate,
  locale: Locale,
  circle: Circle,
  options: {
    cycles: readonly PlannedCycle[];
    alreadyPlanned: readonly string[];
    calendarLink: (cycle: PlannedCycle) => string;
    graph: boolean;
  },
): AdaptiveCard {
  const confirmed = t(options.cycles.length === 1 ? 'plan.confirmed.one' : 'plan.confirmed', {
    count: options.cycles.length,
    circle: circle.name,
  });
  return adaptiveCard({
    fallbackText: confirmed,
    speak: confirmed,
    body: [
      heading(t('plan.confirmed.title')),
      plainText(confirmed),
      ...(options.alreadyPlanned.length > 0
        ? [
            paragraph(
              t('plan.alreadyPlanned', {
                weeks: options.alreadyPlanned.map((w) => formatWeek(w, locale)).join(', '),
              }),
            ),
          ]
        : []),
      paragraph(t(options.graph ? 'plan.graph' : 'plan.noGraph'), { subtle: true }),
      ...options.cycles.flatMap((c) => [
        ...cycleBlock(t, locale, { week: c.weekStart, sessions: c.sessions, timeZone: c.timeZone }),
        {
          type: 'ActionSet',
          actions: [
            {
              type: 'Action.OpenUrl',
              title: t('plan.action.ics', { week: formatWeek(c.weekStart, locale) }),
              url: options.calendarLink(c),
            },
          ],
        },
      ]),
    ],
  });
}

const STATUS_KEYS = {
  cancelled: 'plan.manage.status.cancelled',
  started: 'plan.manage.status.started',
  ended: 'plan.manage.status.ended',
} as const;

/** One planned cycle with what can still change: cancel a session or the cycle, move a session in its week. */
export function manageCycleCard(
  t: Translate,
  locale: Locale,
  circle: Circle,
  cycle: PlannedCycle,
  options: { now: Date; notice?: MessageKey; noticeParams?: Record<string, string>; calendarLink: string },
): AdaptiveCard {
  const open = cycle.sessions.filter((s) => s.status === 'planned' && s.start > options.now);
  const ids = { cycleId: cycle.id, version: cycle.version };
  const rows: CardElement[] = cycle.sessions.map((s) => {
    const when = formatSession(s.start, s.end, cycle.timeZone, locale);
    const state =
      s.status === 'planned'
        ? s.start > options.now
          ? ''
          : ` (${t(STATUS_KEYS.started)})`
        : ` (${t(STATUS_KEYS[s.status])})`;
    return {
      type: 'ColumnSet',
      columns: [
        {
          type: 'Column',
          width: 'stretch',
          verticalContentAlignment: 'Center',
          items: [paragraph(`${t('plan.preview.session', { n: s.dayIndex + 1, when })}${state}`)],
        },
        {
          type: 'Column',
          width: 'auto',
          items: open.includes(s)
            ? [
                {
                  type: 'ActionSet',
                  actions: [
                    executeAction(
                      t('plan.manage.cancelSession', { n: s.dayIndex + 1 }),
                      VERBS.planCancelSession,
                      { ...ids, dayIndex: s.dayIndex },
                    ),
                  ],
                },
              ]
            : [],
        },
      ],
    };
  });
  const first = open[0];
  return adaptiveCard({
    fallbackText: t('plan.manage.title', { week: formatWeek(cycle.weekStart, locale) }),
    speak: t('plan.manage.title', { week: formatWeek(cycle.weekStart, locale) }),
    body: [
      heading(t('plan.manage.title', { week: formatWeek(cycle.weekStart, locale) })),
      plainText(circle.name, { weight: 'Bolder' }),
      ...(options.notice
        ? [
            {
              type: 'TextBlock',
              text: t(options.notice, options.noticeParams),
              wrap: true,
              weight: 'Bolder',
              ...(options.notice.startsWith('plan.refused') || options.notice === 'plan.conflict'
                ? { color: 'Attention' }
                : {}),
            },
          ]
        : []),
      ...rows,
      ...(first
        ? [
            subheading(t('plan.manage.moveHeading')),
            {
              type: 'Input.ChoiceSet',
              id: 'dayIndex',
              label: t('plan.manage.field.session'),
              value: String(first.dayIndex),
              choices: open.map((s) => ({
                title: t('plan.preview.session', {
                  n: s.dayIndex + 1,
                  when: formatSession(s.start, s.end, cycle.timeZone, locale),
                }),
                value: String(s.dayIndex),
              })),
            },
            {
              type: 'Input.Date',
              id: 'toDate',
              label: t('plan.manage.field.toDate'),
              value: first.date,
              isRequired: true,
              errorMessage: t('plan.refused.invalid_date'),
            },
            {
              type: 'Input.Time',
              id: 'time',
              label: t('plan.manage.field.time', { zone: cycle.timeZone }),
              value: cycle.timeOfDay,
              min: '07:00',
              max: '19:00',
              isRequired: true,
              errorMessage: t('plan.refused.invalid_time'),
            },
            {
              type: 'ActionSet',
              actions: [
                executeAction(t('plan.manage.move'), VERBS.planMoveSession, ids, { style: 'positive' }),
              ],
            },
          ]
        : []),
      ...(open.length === cycle.sessions.length
        ? [
            subheading(t('plan.manage.moveCycleHeading')),
            {
              type: 'Input.Date',
              id: 'toWeek',
              label: t('plan.manage.field.toWeek'),
              isRequired: true,
              errorMessage: t('plan.refused.invalid_date'),
            },
            {
              type: 'ActionSet',
              actions: [executeAction(t('plan.manage.moveCycle'), VERBS.planMoveCycle, ids)],
            },
          ]
        : []),
    ],
    actions: [
      {
        type: 'Action.OpenUrl',
        title: t('plan.action.ics', { week: formatWeek(cycle.weekStart, locale) }),
        url: options.calendarLink,
      },
      ...(open.length > 0
        ? [executeAction(t('plan.manage.cancelCycle'), VERBS.planCancelCycle, ids, { style: 'destructive' })]
        : []),
    ],
  });
}
