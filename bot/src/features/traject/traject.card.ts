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
import type { ModelFailure } from '../../domain/ai';
import type { LearningSuggestion } from '../../domain/learning-suggestion';
import type { Locale } from '../../domain/locale';
import {
  DIDACTIC_QUESTIONS,
  TRAJECT_LIMITS,
  trajectFigures,
  weeksIn,
  type CardField,
  type PlanProblem,
  type Traject,
} from '../../domain/traject';

/** The picker's "nobody chosen yet" choice (a choice needs a non-empty value). */
export const NO_MANAGER = 'none';

/** What the compose card shows in its inputs: a saved plan, defaults, or what the person typed. */
export interface ComposeValues {
  startDate: string;
  durationMonths: string;
  activeWeeksTarget: string;
  hoursPerWeek: string;
  questions: string;
  talents: string;
  learningNeeds: string;
  manager: string;
}

export function defaultValues(today: string): ComposeValues {
  return {
    startDate: today,
    durationMonths: String(TRAJECT_LIMITS.durationMonths.default),
    activeWeeksTarget: String(TRAJECT_LIMITS.activeWeeksTarget.default),
    hoursPerWeek: String(TRAJECT_LIMITS.hoursPerWeek.default),
    questions: '',
    talents: '',
    learningNeeds: '',
    manager: '',
  };
}

export function valuesOf(traject: Traject, managerAadObjectId: string | undefined): ComposeValues {
  return {
    startDate: traject.startDate,
    durationMonths: String(traject.durationMonths),
    activeWeeksTarget: String(traject.activeWeeksTarget),
    hoursPerWeek: String(traject.hoursPerWeek),
    questions: traject.questions.join(','),
    talents: traject.talents,
    learningNeeds: traject.learningNeeds,
    manager: managerAadObjectId ?? '',
  };
}

function problemText(t: Translate, problem: PlanProblem, values: ComposeValues): string {
  switch (problem.code) {
    case 'out_of_range':
      if (problem.field === 'startDate') return t('traject.problem.startDateRange', { max: problem.max });
      // The upper bound of active weeks follows from the duration: say so, or the limit looks arbitrary.
      if (problem.field === 'activeWeeksTarget' && /^\d+$/.test(values.durationMonths.trim())) {
        return t('traject.problem.activeWeeksRange', {
          max: problem.max,
          months: values.durationMonths.trim(),
        });
      }
      return t('traject.problem.out_of_range', { min: problem.min, max: problem.max });
    case 'too_long':
      return t('traject.problem.too_long', { max: problem.max });
    default:
      return t(`traject.problem.${problem.code}`);
  }
}

/** The AI part of the compose card; absent when no model is configured. */
export type AiPanel =
  | { state: 'idle' }
  | { state: 'pending' }
  | { state: 'offered'; suggestion: LearningSuggestion }
  | { state: 'failed'; reason: ModelFailure | 'needWords' };

function aiPanel(t: Translate, panel: AiPanel, data: Record<string, unknown>): CardElement[] {
  const ask = executeAction(t('traject.ai.ask'), VERBS.trajectSuggest, data);
  switch (panel.state) {
    case 'idle':
      return [paragraph(t('traject.ai.askHint'), { subtle: true }), { type: 'ActionSet', actions: [ask] }];
    case 'pending':
      return [{ type: 'TextBlock', text: t('traject.ai.pending'), wrap: true, weight: 'Bolder' }];
    case 'failed':
      return [
        {
          type: 'TextBlock',
          text: t(
            panel.reason === 'needWords' ? 'traject.ai.needWords' : `traject.ai.failed.${panel.reason}`,
          ),
          wrap: true,
          color: 'Attention',
        },
        { type: 'ActionSet', actions: [ask] },
      ];
    case 'offered': {
      const s = panel.suggestion;
      return [
        {
          type: 'Container',
          style: 'emphasis',
          items: [
            subheading(t('traject.ai.title')),
            // Where it came from, before what it says.
            { ...plainText(t('traject.ai.madeBy', { model: s.model })), spacing: 'None' },
            subheading(t('traject.ai.questions')),
            ...s.questions.map((q) => paragraph(`${q}. ${t(`question.${q}`)}`)),
            ...(s.learning.length > 0
              ? [
                  subheading(t('traject.ai.learning')),
                  // The model's words are shown as plain text: no markdown, no links it made up.
                  ...s.learning.map((l) => plainText(`${t(`learningKind.${l.kind}`)}: ${l.idea}`)),
                ]
              : []),
            ...(s.why ? [subheading(t('traject.ai.why')), plainText(s.why)] : []),
            {
              type: 'ActionSet',
              actions: [
                executeAction(
                  t('traject.ai.take'),
                  VERBS.trajectSuggestionTake,
                  { ...data, suggestion: s },
                  {
                    style: 'positive',
                  },
                ),
                executeAction(t('traject.ai.leave'), VERBS.trajectSuggestionLeave, data),
              ],
            },
          ],
        },
      ];
    }
  }
}

export function composeCard(
  t: Translate,
  options: {
    values: ComposeValues;
    version: number;
    submissionId: string;
    problems?: readonly PlanProblem[];
    notice?: MessageKey;
    /** Teams' people picker (needs the app registration); otherwise a text input for an Entra object id. */
    peoplePicker: boolean;
    /** The current manager's display name, for the picker's preselected choice. */
    managerName?: string;
    /** The manager was filled in from the organisation's directory (the person can change it). */
    managerFromDirectory?: boolean;
    /** Undefined when no AI model is configured. */
    ai?: AiPanel;
    /** A suggestion the person took; it travels with every action until it is saved. */
    taken?: LearningSuggestion;
    locale?: Locale;
  },
): AdaptiveCard {
  const { values, problems = [] } = options;
  const data: Record<string, unknown> = {
    version: options.version,
    submissionId: options.submissionId,
    ...(options.taken ? { aiSuggestion: options.taken } : {}),
  };
  const problemFor = (field: CardField) => problems.find((p) => p.field === field);
  const labelled = (field: CardField, input: CardElement): CardElement[] => {
    const problem = problemFor(field);
    return [
      {
        ...input,
        id: field,
        label: t(`traject.field.${field}`),
        // Teams shows errorMessage under a required input left empty, and under one the server refused;
        // the TextBlock below says the same for clients that show no errorMessage.
        ...(problem
          ? { errorMessage: problemText(t, problem, values) }
          : input.isRequired
            ? { errorMessage: t('traject.problem.required') }
            : {}),
      },
      ...(problem
        ? [
            {
              type: 'TextBlock',
              text: problemText(t, problem, values),
              color: 'Attention',
              wrap: true,
              spacing: 'None',
            },
          ]
        : []),
    ];
  };
  const maxWeeks = weeksIn(TRAJECT_LIMITS.durationMonths.max);
  const body: CardElement[] = [
    heading(t('traject.compose.title')),
    ...(options.notice ? [paragraph(t(options.notice), { subtle: false })] : []),
    ...(problems.length > 0
      ? [
          {
            type: 'TextBlock',
            text: t('traject.problems.summary'),
            color: 'Attention',
            weight: 'Bolder',
            wrap: true,
          },
        ]
      : []),
    paragraph(t('traject.compose.intro')),
    ...labelled('startDate', { type: 'Input.Date', value: values.startDate, isRequired: true }),
    {
      type: 'ColumnSet',
      columns: (
        [
          ['durationMonths', TRAJECT_LIMITS.durationMonths.min, TRAJECT_LIMITS.durationMonths.max],
          ['activeWeeksTarget', 1, maxWeeks],
          ['hoursPerWeek', TRAJECT_LIMITS.hoursPerWeek.min, TRAJECT_LIMITS.hoursPerWeek.max],
        ] as const
      ).map(([field, min, max]) => ({
        type: 'Column',
        width: 'stretch',
        items: labelled(field, {
          type: 'Input.Number',
          value: Number(values[field]) || undefined,
          min,
          max,
          isRequired: true,
        }),
      })),
    },
    ...labelled('questions', {
      type: 'Input.ChoiceSet',
      isMultiSelect: true,
      style: 'expanded',
      isRequired: true,
      value: values.questions,
      choices: DIDACTIC_QUESTIONS.map((q) => ({ title: `${q}. ${t(`question.${q}`)}`, value: String(q) })),
    }),
    ...labelled('talents', {
      type: 'Input.Text',
      isMultiline: true,
      maxLength: TRAJECT_LIMITS.ownWordsMaxLength,
      value: values.talents,
    }),
    ...labelled('learningNeeds', {
      type: 'Input.Text',
      isMultiline: true,
      maxLength: TRAJECT_LIMITS.ownWordsMaxLength,
      value: values.learningNeeds,
    }),
    ...(options.taken
      ? [
          paragraph(
            t('traject.ai.takenMarker', {
              model: options.taken.model,
              date: formatDate(options.taken.suggestedAt.slice(0, 10), options.locale ?? 'nl'),
            }),
            { subtle: true },
          ),
        ]
      : []),
    ...(options.ai ? aiPanel(t, options.ai, data) : []),
    ...labelled(
      'manager',
      options.peoplePicker
        ? {
            type: 'Input.ChoiceSet',
            value: values.manager,
            // Static choices show before anyone types; a choice set needs at least one.
            choices: values.manager
              ? [{ title: options.managerName ?? values.manager, value: values.manager }]
              : [{ title: t('traject.field.managerNone'), value: NO_MANAGER }],
            'choices.data': { type: 'Data.Query', dataset: 'graph.microsoft.com/users' },
          }
        : {
            type: 'Input.Text',
            value: values.manager,
            placeholder: t('traject.field.managerPlaceholder'),
            maxLength: 64,
          },
    ),
    ...(options.managerFromDirectory
      ? [{ ...paragraph(t('traject.managerFromDirectory'), { subtle: true }), spacing: 'None' }]
      : []),
  ];
  return adaptiveCard({
    fallbackText: t('traject.compose.fallback'),
    speak: t('traject.compose.title'),
    body,
    // Clients without universal actions send the same as a message; the handler answers both.
    actions: [executeAction(t('traject.action.save'), VERBS.trajectSave, data, { style: 'positive' })],
  });
}

function formatDate(isoDate: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', {
    dateStyle: 'long',
    timeZone: 'UTC',
  }).format(new Date(`${isoDate}T00:00:00Z`));
}

export interface LedgerTotals {
  activeWeeks: number;
  minutesUsed: number;
  proposals: number;
}

export function summaryCard(
  t: Translate,
  locale: Locale,
  traject: Traject,
  totals: LedgerTotals,
  notice?: MessageKey,
  /** The "open my Prof-traject" button's target (see cards/tab-link.ts); no button without one. */
  tabLink?: string,
): AdaptiveCard {
  const figures = trajectFigures(traject);
  const hoursUsed = Math.round((totals.minutesUsed / 60) * 10) / 10;
  const facts = [
    [
      t('traject.summary.period'),
      t('traject.summary.periodValue', {
        start: formatDate(traject.startDate, locale),
        end: formatDate(figures.endDate, locale),
        months: traject.durationMonths,
      }),
    ],
    [
      t('traject.summary.activeWeeks'),
      t('traject.summary.ofTarget', { done: totals.activeWeeks, target: traject.activeWeeksTarget }),
    ],
    [
      t('traject.summary.time'),
      t('traject.summary.timeValue', { used: hoursUsed, available: figures.hoursMadeAvailable }),
    ],
    [t('traject.summary.proposals'), String(totals.proposals)],
    [
      t('traject.summary.nextConversation'),
      t('traject.summary.nextConversationValue', {
        date: formatDate(figures.nextTalentConversation, locale),
      }),
    ],
  ];
  const ownWords = (label: MessageKey, text: string): CardElement[] =>
    text ? [subheading(t(label)), plainText(text)] : [];
  return adaptiveCard({
    fallbackText: t('traject.summary.fallback'),
    speak: `${t('traject.summary.title')}. ${facts.map(([title, value]) => `${title}: ${value}`).join('. ')}`,
    body: [
      heading(t('traject.summary.title')),
      ...(notice ? [paragraph(t(notice))] : []),
      { type: 'FactSet', facts: facts.map(([title, value]) => ({ title, value })) },
      subheading(t('traject.summary.questions')),
      ...traject.questions.map((q) => paragraph(`${q}. ${t(`question.${q}`)}`)),
      ...ownWords('traject.summary.talents', traject.talents),
      ...ownWords('traject.summary.learningNeeds', traject.learningNeeds),
      ...(traject.aiSuggestion
        ? [
            subheading(t('traject.summary.aiSuggestion')),
            paragraph(
              t('traject.ai.takenMarker', {
                model: traject.aiSuggestion.model,
                date: formatDate(traject.aiSuggestion.suggestedAt.slice(0, 10), locale),
              }),
              { subtle: true },
            ),
            ...traject.aiSuggestion.learning.map((l) =>
              plainText(`${t(`learningKind.${l.kind}`)}: ${l.idea}`),
            ),
          ]
        : []),
    ],
    actions: [
      executeAction(t('traject.action.edit'), VERBS.trajectEdit, {}),
      ...(tabLink ? [{ type: 'Action.OpenUrl', title: t('traject.action.openTab'), url: tabLink }] : []),
    ],
  });
}
