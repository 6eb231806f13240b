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
import type { Translate } from '../../cards/i18n';
import { VERBS } from '../../cards/verbs';
import { CIRCLE_LIMITS, type Circle, type CircleMember, type CircleProblem } from '../../domain/circle';
import type { Locale } from '../../domain/locale';

function problemText(t: Translate, problem: CircleProblem): string {
  switch (problem.code) {
    case 'name_too_long':
    case 'too_many':
      return t(`circle.problem.${problem.code}`, { max: problem.max });
    case 'too_few':
      return t('circle.problem.too_few', { min: problem.min });
    case 'too_many_circles':
      return t('circle.problem.too_many_circles', { max: problem.max, names: problem.names.join(', ') });
    case 'already_member':
      return t('circle.problem.already_member', { names: problem.names.join(', ') });
    default:
      return t(`circle.problem.${problem.code}`);
  }
}

/** Which input a problem belongs to, so it is shown right under it. */
function fieldOf(problem: CircleProblem): 'name' | 'members' {
  return problem.code === 'name_required' || problem.code === 'name_too_long' || problem.code === 'name_taken'
    ? 'name'
    : 'members';
}

const attention = (text: string): CardElement => ({
  type: 'TextBlock',
  text,
  color: 'Attention',
  wrap: true,
});

/** Roster choices, by name; the value is the Entra object id (checked against the roster again on submit). */
const choicesOf = (people: readonly CircleMember[]) =>
  [...people]
    .sort((a, b) => a.name.localeCompare(b.name, 'nl'))
    .map((m) => ({ title: m.name || m.aadObjectId, value: m.aadObjectId }));

export interface FormValues {
  name: string;
  members: string;
  locale: Locale;
}

export function formCard(
  t: Translate,
  options: {
    roster: readonly CircleMember[];
    values: FormValues;
    submissionId: string;
    problems?: readonly CircleProblem[];
  },
): AdaptiveCard {
  const problems = options.problems ?? [];
  const under = (field: 'name' | 'members') =>
    problems.filter((p) => fieldOf(p) === field).map((p) => problemText(t, p));
  const nameProblems = under('name');
  const memberProblems = under('members');
  const body: CardElement[] = [
    heading(t('circle.form.title')),
    ...(problems.length > 0 ? [{ ...attention(t('circle.problems.summary')), weight: 'Bolder' }] : []),
    paragraph(t('circle.form.intro')),
    {
      type: 'Input.Text',
      id: 'name',
      label: t('circle.field.name'),
      placeholder: t('circle.field.namePlaceholder'),
      maxLength: CIRCLE_LIMITS.nameMaxLength,
      isRequired: true,
      errorMessage: nameProblems[0] ?? t('circle.problem.name_required'),
      value: options.values.name,
    },
    ...nameProblems.map(attention),
    {
      type: 'Input.ChoiceSet',
      id: 'members',
      label: t('circle.field.members'),
      isMultiSelect: true,
      // Checkboxes for a small chat; a compact list for a big one.
      style: options.roster.length <= 12 ? 'expanded' : 'compact',
      isRequired: true,
      errorMessage: memberProblems[0] ?? t('circle.problem.too_few', { min: CIRCLE_LIMITS.minMembers }),
      value: options.values.members,
      choices: choicesOf(options.roster),
    },
    ...memberProblems.map(attention),
    {
      type: 'Input.ChoiceSet',
      id: 'locale',
      label: t('circle.field.locale'),
      value: options.values.locale,
      choices: [
        { title: t('circle.field.localeNl'), value: 'nl' },
        { title: t('circle.field.localeEn'), value: 'en' },
      ],
    },
  ];
  return adaptiveCard({
    fallbackText: t('circle.fallback'),
    speak: t('circle.form.title'),
    body,
    actions: [
      executeAction(
        t('circle.action.form'),
        VERBS.circleForm,
        { submissionId: options.submissionId },
        { style: 'positive' },
      ),
    ],
  });
}

export function circleCard(
  t: Translate,
  circle: Circle,
  options: { notices?: readonly string[]; problems?: readonly CircleProblem[] } = {},
): AdaptiveCard {
  const count = circle.members.length;
  const actions: CardElement[] = [];
  if (count < CIRCLE_LIMITS.maxMembers) {
    actions.push(executeAction(t('circle.action.addForm'), VERBS.circleAddForm, { version: circle.version }));
  }
  actions.push(
    executeAction(
      t('circle.action.leave'),
      VERBS.circleLeave,
      { version: circle.version },
      { style: 'destructive' },
    ),
  );
  return adaptiveCard({
    fallbackText: t('circle.fallback'),
    speak: `${t('circle.title', { name: circle.name })}. ${t('circle.members', { count })}: ${circle.members.map((m) => m.name).join(', ')}`,
    body: [
      { ...plainText(t('circle.title', { name: circle.name }), { weight: 'Bolder', size: 'Large' }) },
      ...(options.notices ?? []).map((n) => paragraph(n)),
      ...(options.problems ?? []).map((p) => attention(problemText(t, p))),
      ...(count < CIRCLE_LIMITS.minMembers
        ? [attention(t('circle.belowMinimum', { min: CIRCLE_LIMITS.minMembers }))]
        : []),
      subheading(t('circle.members', { count })),
      ...circle.members.map((m) => plainText(m.name || m.aadObjectId)),
      {
        type: 'FactSet',
        facts: [
          {
            title: t('circle.facts.locale'),
            value: t(circle.locale === 'en' ? 'circle.field.localeEn' : 'circle.field.localeNl'),
          },
          { title: t('circle.facts.timeZone'), value: circle.timeZone },
        ],
      },
    ],
    actions,
  });
}

export function addCard(
  t: Translate,
  circle: Circle,
  options: { candidates: readonly CircleMember[]; submissionId: string; problems?: readonly CircleProblem[] },
): AdaptiveCard {
  const problems = options.problems ?? [];
  if (options.candidates.length === 0) {
    return circleCard(t, circle, { notices: [t('circle.nobodyToAdd')] });
  }
  return adaptiveCard({
    fallbackText: t('circle.fallback'),
    speak: t('circle.action.addForm'),
    body: [
      plainText(t('circle.title', { name: circle.name }), { weight: 'Bolder', size: 'Large' }),
      ...problems.map((p) => attention(problemText(t, p))),
      {
        type: 'Input.ChoiceSet',
        id: 'members',
        label: t('circle.field.add'),
        isMultiSelect: true,
        style: options.candidates.length <= 12 ? 'expanded' : 'compact',
        isRequired: true,
        errorMessage: t('circle.problem.too_few', { min: 1 }),
        choices: choicesOf(options.candidates),
      },
    ],
    actions: [
      executeAction(
        t('circle.action.add'),
        VERBS.circleAdd,
        {
          version: circle.version,
          submissionId: options.submissionId,
        },
        { style: 'positive' },
      ),
    ],
  });
}
